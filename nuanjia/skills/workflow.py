"""The subsidy settlement's lifecycle (培训补贴结算): prepared by a caseworker, approved by an
approver who did not prepare it with the amount reserved (maker-checker), then moved by the
payment batches (core.payables) until paid; cancelled before the bank has it."""

from django.utils.translation import gettext_lazy as _

from nuanjia.core.workflow import State, Workflow, step
from nuanjia.orgs.rules import Role

from .models import Settlement, SettlementEvent
from .rules import SettlementStatus, SettlementStep

S = SettlementStatus
_LATE = (S.APPROVED, S.FAILED)
_LATE_ROLES = frozenset({Role.APPROVER, Role.FINANCE})

SETTLEMENT_FLOW = Workflow(
    name="skills.settlement",
    model=Settlement,
    history=SettlementEvent,
    history_fk="settlement",
    noun=_("subsidy settlement"),
    status_labels=SettlementStatus,
    step_labels=SettlementStep,
    states=[
        State(S.PREPARED, queue=frozenset({Role.APPROVER})),
        State(S.APPROVED, queue=frozenset({Role.FINANCE})),
        State(S.IN_BATCH),  # the batch moves it
        State(S.PAID),
        State(S.FAILED, queue=frozenset({Role.FINANCE})),
        State(S.CANCELLED),
    ],
    steps=[
        step(
            SettlementStep.APPROVE,
            sources=[S.PREPARED],
            target=S.APPROVED,
            roles=[Role.APPROVER],
            stamp="approved_by",
            not_by={
                "prepared_by": _("You prepared this settlement; another person must approve it.")
            },
        ),
        step(
            SettlementStep.CANCEL,
            sources=[S.PREPARED, *_LATE],
            target=S.CANCELLED,
            roles=[Role.CASEWORKER, *_LATE_ROLES],
            roles_by_source={
                S.PREPARED: frozenset({Role.CASEWORKER, Role.APPROVER}),
                **dict.fromkeys(_LATE, _LATE_ROLES),
            },
            reason=_("Say why the settlement is cancelled."),
        ),
    ],
)
