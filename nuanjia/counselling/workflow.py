"""The shift swap's lifecycle (调班): proposed by a volunteer (or a caseworker for them),
approved or refused by an approver who did not propose it (maker-checker)."""

from django.utils.translation import gettext_lazy as _

from nuanjia.core.workflow import State, Workflow, step
from nuanjia.orgs.rules import Role

from .models import Swap, SwapEvent
from .rules import SwapStatus, SwapStep

S = SwapStatus

SWAP_FLOW = Workflow(
    name="counselling.swap",
    model=Swap,
    history=SwapEvent,
    history_fk="swap",
    noun=_("shift swap"),
    status_labels=SwapStatus,
    step_labels=SwapStep,
    states=[
        State(S.PROPOSED, queue=frozenset({Role.APPROVER})),
        State(S.APPROVED),
        State(S.REFUSED),
    ],
    steps=[
        step(
            SwapStep.APPROVE,
            sources=[S.PROPOSED],
            target=S.APPROVED,
            roles=[Role.APPROVER],
            stamp="decided_by",
            not_by={"proposed_by": _("Someone other than the proposer approves the swap.")},
        ),
        step(
            SwapStep.REFUSE,
            sources=[S.PROPOSED],
            target=S.REFUSED,
            roles=[Role.APPROVER],
            stamp="decided_by",
            reason=_("Say why the swap is refused."),
        ),
    ],
)
