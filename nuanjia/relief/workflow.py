"""The lifecycle of a relief grant (帮扶救助), declared once for the workflow engine: proposed
by a caseworker, reviewed, approved with its money reserved (or, for advance relief, approved
at once by one approver), sent to the bank in a batch, then paid or failed; rejected,
cancelled or returned along the way. The services of the steps are in relief.services."""

from django.utils.translation import gettext_lazy as _

from nuanjia.core.workflow import State, Workflow, step
from nuanjia.orgs.rules import Role

from .models import Grant, GrantEvent
from .rules import ADVANCE_TYPES, GRANT_PAGE_STEPS, Status, Step

PROPOSED_IT = _("You proposed this grant; another person must approve it.")
# Statuses after approval: cancelling then releases money and is for approvers and finance.
LATE_CANCEL = frozenset({Status.APPROVED, Status.FAILED})
LATE_CANCEL_ROLES = frozenset({Role.APPROVER, Role.FINANCE})

FLOW = Workflow(
    name="relief",
    model=Grant,
    history=GrantEvent,
    history_fk="grant",
    noun=_("grant"),
    status_labels=Status,
    step_labels=Step,
    states=[
        # Reviewers check proposals; approvers take advance relief (先行救助) at once.
        State(Status.PROPOSED, queue=frozenset({Role.REVIEWER, Role.APPROVER})),
        State(Status.REVIEWED, queue=frozenset({Role.APPROVER})),
        State(Status.APPROVED, queue=frozenset({Role.FINANCE})),
        State(Status.BATCHED, queue=frozenset({Role.FINANCE})),
        # Paid is final unless the bank sends the money back: finance records the return.
        State(Status.PAID, queue=frozenset({Role.FINANCE})),
        State(Status.FAILED, queue=frozenset({Role.FINANCE})),
        State(Status.RETURNED),
        State(Status.REJECTED),
        State(Status.CANCELLED),
    ],
    steps=[
        # Proposing creates the grant: no source; the engine checks the role only.
        step(Step.PROPOSE, sources=[], target=Status.PROPOSED, roles=[Role.CASEWORKER]),
        step(
            Step.REVIEW,
            sources=[Status.PROPOSED],
            target=Status.REVIEWED,
            roles=[Role.REVIEWER],
            stamp="reviewed_by",
            not_by={"proposed_by": _("You proposed this grant; another person must review it.")},
        ),
        step(
            Step.APPROVE,
            sources=[Status.REVIEWED],
            target=Status.APPROVED,
            roles=[Role.APPROVER],
            stamp="approved_by",
            not_by={
                "proposed_by": PROPOSED_IT,
                "reviewed_by": _("You reviewed this grant; another person must approve it."),
            },
        ),
        step(
            Step.APPROVE_ADVANCE,
            sources=[Status.PROPOSED],
            target=Status.APPROVED,
            roles=[Role.APPROVER],
            stamp="approved_by",
            not_by={"proposed_by": PROPOSED_IT},
        ),
        step(
            Step.REJECT,
            sources=[Status.PROPOSED, Status.REVIEWED],
            target=Status.REJECTED,
            roles=[Role.REVIEWER, Role.APPROVER],
            not_by={"proposed_by": _("You proposed this grant; another person must decide on it.")},
            reason=_("Give the reason for the rejection."),
        ),
        # Before approval a caseworker may cancel too; after it (the money is reserved) only
        # an approver or finance: the engine checks it, so a refusal is audited like any other.
        step(
            Step.CANCEL,
            sources=[Status.PROPOSED, Status.REVIEWED, *LATE_CANCEL],
            target=Status.CANCELLED,
            roles=[Role.CASEWORKER, *LATE_CANCEL_ROLES],
            roles_by_source=dict.fromkeys(LATE_CANCEL, LATE_CANCEL_ROLES),
            reason=_("Give the reason for the cancellation."),
        ),
        step(Step.BATCH, sources=[Status.APPROVED], target=Status.BATCHED, roles=[Role.FINANCE]),
        step(Step.UNBATCH, sources=[Status.BATCHED], target=Status.APPROVED, roles=[Role.FINANCE]),
        step(Step.PAY, sources=[Status.BATCHED], target=Status.PAID, roles=[Role.FINANCE]),
        step(
            Step.FAIL,
            sources=[Status.BATCHED],
            target=Status.FAILED,
            roles=[Role.FINANCE],
            reason=_("Give the bank's reason."),
        ),
        step(Step.RETRY, sources=[Status.FAILED], target=Status.APPROVED, roles=[Role.FINANCE]),
        step(
            Step.RETURN,
            sources=[Status.PAID],
            target=Status.RETURNED,
            roles=[Role.FINANCE],
            reason=_("Give the reason for the return."),
        ),
    ],
)


def step_available(grant: Grant, name: str) -> bool:
    """Whether a step offered by the declaration applies to this grant: the one-approver path
    is for advance relief only."""
    return name != Step.APPROVE_ADVANCE or grant.grant_type.code in ADVANCE_TYPES


def page_steps(grant: Grant, user) -> list[str]:
    """The steps `user` may take on `grant` from its page or the API, in declaration order."""
    return [
        name
        for name in FLOW.steps_for(grant, user)
        if name in GRANT_PAGE_STEPS
        and FLOW.may_take(user, name, grant)
        and step_available(grant, name)
    ]
