"""The claim's lifecycle, declared once for the workflow engine.

A claim is received, and the automatic check (in the same transaction when entered one at a
time, in chunks for a bulk run) proposes its amount and reserves it against the member's
counters: it then waits for an approver. A sample (the plan's percentage, and every claim
above its amount) is sent to a second review first; the approver may be neither the person
who entered it nor its first reviewer (maker-checker). Approval turns the reservation into
use and reserves the money in the pool's account; a refusal releases both counters. The
payment batches move it on (`payable.py`); an approved or failed claim may be cancelled,
its money and its use of the caps given back."""

from django.utils.translation import gettext_lazy as _

from nuanjia.core.workflow import State, Workflow, step
from nuanjia.orgs.rules import Role

from .models import Claim, ClaimEvent
from .rules import ClaimStatus, ClaimStep

_WAITING = (ClaimStatus.SUBMITTED, ClaimStatus.SECOND_REVIEW)

CLAIM_FLOW = Workflow(
    name="mutualaid.claim",
    model=Claim,
    history=ClaimEvent,
    history_fk="claim",
    noun=_("mutual aid claim"),
    status_labels=ClaimStatus,
    step_labels=ClaimStep,
    states=[
        State(ClaimStatus.RECEIVED, queue=frozenset({Role.APPROVER})),  # until the bulk check
        State(ClaimStatus.SUBMITTED, queue=frozenset({Role.APPROVER})),
        State(ClaimStatus.SECOND_REVIEW, queue=frozenset({Role.APPROVER})),
        State(ClaimStatus.APPROVED, queue=frozenset({Role.FINANCE})),
        State(ClaimStatus.IN_BATCH),  # the payment batch moves it (core.payables)
        State(ClaimStatus.PAID),
        State(ClaimStatus.FAILED, queue=frozenset({Role.FINANCE})),
        State(ClaimStatus.REFUSED),
        State(ClaimStatus.CANCELLED),
    ],
    steps=[
        step(
            ClaimStep.REVIEW,
            sources=[ClaimStatus.SUBMITTED],
            target=ClaimStatus.SECOND_REVIEW,
            roles=[Role.APPROVER],
            stamp="reviewed_by",
            not_by={"submitted_by": _("You entered this claim; another person must review it.")},
        ),
        step(
            ClaimStep.APPROVE,
            sources=list(_WAITING),
            target=ClaimStatus.APPROVED,
            roles=[Role.APPROVER],
            stamp="approved_by",
            not_by={
                "submitted_by": _("You entered this claim; another person must approve it."),
                "reviewed_by": _("You reviewed this claim first; another person must approve it."),
            },
        ),
        step(
            ClaimStep.REFUSE,
            sources=[ClaimStatus.RECEIVED, *_WAITING],
            target=ClaimStatus.REFUSED,
            roles=[Role.APPROVER],
            reason=_("Say why the claim is refused."),
            not_by={"submitted_by": _("You entered this claim; another person must decide it.")},
        ),
        step(
            ClaimStep.CANCEL,
            sources=[ClaimStatus.APPROVED, ClaimStatus.FAILED],
            target=ClaimStatus.CANCELLED,
            roles=[Role.APPROVER, Role.FINANCE],
            reason=_("Say why the approved claim is cancelled."),
        ),
    ],
)
