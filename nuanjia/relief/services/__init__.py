"""Every write to grants, payment batches and the cap table.

Each step of the grant's workflow (relief.workflow.FLOW) is one function here, registered
as the step's handler: the engine locks the grant, checks the step's owner role, scope and
maker-checker, and writes the status, one GrantEvent and one audit event; the service posts
to the ledger when money moves (reserve on approval, release on failure or cancellation,
spend on payment — through funds.services, in the same transaction) and changes the grant.
Refusals raise RuleViolation (a rule) or PermissionDenied (a role or scope) and change nothing.

Payment batches pay any registered payable (core.payables, ADR 0009): relief.batches and
relief.bankfiles hold them, relief.grant_payable makes grants the first kind (set-based: one
GrantEvent per grant, the ledger through funds.settle_many, one audit event per operation).
The grant-shaped batch calls stay here for the pages, the API and the demo."""

from .. import batches, queries, rules  # noqa: F401 — as the one module re-exported them
from ..bankfiles import (  # noqa: F401 — the batch screens' names, kept here for callers
    BANK_FILE_HEADER,
    BANK_FORMATS,
    CORPORATE_FILE_HEADER,
    RESULT_SPEC,
    ResultImporter,
    authorize_bank_file,
    export_bank_file,
    import_bank_results,
)
from ..batches import discard_batch, finish_if_settled, lock_batch  # noqa: F401
from ..models import (  # noqa: F401
    Grant,
    GrantEvent,
    GrantType,
    PaymentBatch,
    PaymentLine,
    SchoolStage,
)
from ..rules import SOURCE_TYPE, Status, Step  # noqa: F401
from ..workflow import FLOW  # noqa: F401
from .assessment import (  # noqa: F401
    REASON_MAX,
    Assessment,
    _account,
    _reason,
    _refuse_caps,
    _text,
    assess,
)
from .paying import (  # noqa: F401
    GradualExitRun,
    _create_phase_out_grant,
    _line_of_sent_batch,
    _paying_union,
    build_batch,
    confirm_payment,
    record_failure,
    remove_from_batch,
    run_gradual_exit_payments,
)
from .steps import (  # noqa: F401
    _approve_and_reserve,
    _check_proposal,
    _higher_union_required,
    _release,
    _reserve,
    _unions_to_be_above,
    approve_advance_grant,
    approve_grant,
    cancel_grant,
    propose_grant,
    record_return,
    reject_grant,
    retry_grant,
    review_grant,
)

__all__ = [
    "REASON_MAX",
    "SOURCE_TYPE",
    "Assessment",
    "GradualExitRun",
    "approve_advance_grant",
    "approve_grant",
    "assess",
    "authorize_bank_file",
    "build_batch",
    "cancel_grant",
    "confirm_payment",
    "discard_batch",
    "export_bank_file",
    "import_bank_results",
    "propose_grant",
    "record_failure",
    "record_return",
    "reject_grant",
    "remove_from_batch",
    "retry_grant",
    "review_grant",
    "run_gradual_exit_payments",
]
