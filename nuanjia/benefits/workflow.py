"""The benefits app's lifecycles, declared once for the workflow engine:

- a suspicious-use flag waits for a benefits reviewer of the member's union, who clears it
  or confirms the misuse;
- a merchant's monthly statement (对账单) is prepared by a caseworker, confirmed or disputed
  by the merchant on its own pages (not a staff step), approved by another person with its
  amount reserved, then batched, paid or failed by the payment batches
  (`statement_payable`); cancelled on the way.
"""

from django.utils.translation import gettext_lazy as _

from nuanjia.core.workflow import State, Workflow, step
from nuanjia.orgs.rules import Role

from .models import Flag, FlagEvent, Statement, StatementEvent
from .rules import FlagStatus, FlagStep, StatementStatus, StatementStep

FLAG_FLOW = Workflow(
    name="benefits.flag",
    model=Flag,
    history=FlagEvent,
    history_fk="flag",
    noun=_("benefits flag"),
    status_labels=FlagStatus,
    step_labels=FlagStep,
    states=[
        State(FlagStatus.OPEN, queue=frozenset({Role.REVIEWER})),
        State(FlagStatus.CLEARED),
        State(FlagStatus.CONFIRMED),
    ],
    steps=[
        step(
            FlagStep.CLEAR,
            sources=[FlagStatus.OPEN],
            target=FlagStatus.CLEARED,
            roles=[Role.REVIEWER],
            stamp="decided_by",
            reason=_("Say why the uses are in order."),
        ),
        step(
            FlagStep.CONFIRM,
            sources=[FlagStatus.OPEN],
            target=FlagStatus.CONFIRMED,
            roles=[Role.REVIEWER],
            stamp="decided_by",
            reason=_("Say what was wrong and what was done."),
        ),
    ],
)

_EARLY = (StatementStatus.PREPARED, StatementStatus.DISPUTED)
_LATE = (StatementStatus.APPROVED, StatementStatus.FAILED)
_LATE_ROLES = frozenset({Role.APPROVER, Role.FINANCE})

STATEMENT_FLOW = Workflow(
    name="benefits.statement",
    model=Statement,
    history=StatementEvent,
    history_fk="statement",
    noun=_("merchant statement"),
    status_labels=StatementStatus,
    step_labels=StatementStep,
    states=[
        State(StatementStatus.PREPARED, queue=frozenset({Role.CASEWORKER})),
        State(StatementStatus.DISPUTED, queue=frozenset({Role.CASEWORKER})),
        State(StatementStatus.CONFIRMED, queue=frozenset({Role.APPROVER})),
        State(StatementStatus.APPROVED, queue=frozenset({Role.FINANCE})),
        State(StatementStatus.IN_BATCH),
        State(StatementStatus.PAID),
        State(StatementStatus.FAILED, queue=frozenset({Role.FINANCE})),
        State(StatementStatus.CANCELLED),
    ],
    steps=[
        step(
            StatementStep.CONFIRM,
            sources=[StatementStatus.PREPARED],
            target=StatementStatus.CONFIRMED,
            roles=[],
        ),
        step(
            StatementStep.DISPUTE,
            sources=[StatementStatus.PREPARED],
            target=StatementStatus.DISPUTED,
            roles=[],
            reason=_("Say what is wrong with the statement."),
        ),
        step(
            StatementStep.APPROVE,
            sources=[StatementStatus.CONFIRMED],
            target=StatementStatus.APPROVED,
            roles=[Role.APPROVER],
            stamp="approved_by",
            not_by={
                "prepared_by": _("You prepared this statement; another person must approve it.")
            },
        ),
        step(
            StatementStep.CANCEL,
            sources=[*_EARLY, StatementStatus.CONFIRMED, *_LATE],
            target=StatementStatus.CANCELLED,
            roles=[Role.CASEWORKER, *_LATE_ROLES],
            roles_by_source={
                **dict.fromkeys(_EARLY, frozenset({Role.CASEWORKER})),
                StatementStatus.CONFIRMED: frozenset({Role.CASEWORKER, Role.APPROVER}),
                **dict.fromkeys(_LATE, _LATE_ROLES),
            },
            reason=_("Say why the statement is cancelled."),
        ),
    ],
)
