"""The hardship file's workflow, declared once: its states with the queue each waits in, and
its steps with their sources, targets, owner roles and maker-checker pairs (core.workflow).

The grassroots/county caseworker gathers, the county reviewer checks, the approver decides.
Every state a file waits in sits in the queue of one role that can act on it (issue 12
item 21: a review that finds the family must exit goes to the approver, who decides it).
"""

from django.utils.translation import gettext_lazy as _

from nuanjia.core.workflow import State, Workflow, step
from nuanjia.orgs.rules import Role

from .models import FileEvent, HardshipFile
from .rules import APPLICATION_STATUSES, EXIT_STATUSES, Status, Step

CASEWORKER = frozenset({Role.CASEWORKER})
REVIEWER = frozenset({Role.REVIEWER})
APPROVER = frozenset({Role.APPROVER})

REVIEW_STARTER = _("You started this review; another reviewer must complete it.")
CHANGE_PROPOSER = _("You proposed this change; another reviewer must approve it.")
EXIT_PROPOSER = _("You proposed this exit; another person must decide it.")

FLOW = Workflow(
    name="hardship",
    model=HardshipFile,
    history=FileEvent,
    history_fk="file",
    noun=_("hardship file"),
    status_labels=Status,
    step_labels=Step,
    states=[
        State(Status.APPLIED, queue=CASEWORKER),  # to check
        State(Status.CHECKED, queue=CASEWORKER),  # home visit due
        State(Status.VISITED, queue=REVIEWER),  # to review
        State(Status.REVIEWED, queue=REVIEWER),  # to publicise
        State(Status.IN_PUBLICITY, queue=APPROVER),  # to approve once publicity ends
        State(Status.APPROVED, queue=CASEWORKER),  # to file
        State(Status.FILED, queue=CASEWORKER),  # review due
        State(Status.UNDER_REVIEW, queue=REVIEWER),  # to complete, or to propose the exit
        State(Status.TO_EXIT, queue=APPROVER),  # exit to decide
        State(Status.GRADUAL_EXIT, queue=CASEWORKER),  # phase-out to end
        State(Status.EXITED, queue=CASEWORKER),  # the watch list: re-entry
        State(Status.REJECTED),
        State(Status.WITHDRAWN),
    ],
    steps=[
        # Opening creates the file (services.open_file); it has no source status.
        step(Step.APPLY, sources=[], target=Status.APPLIED, roles=CASEWORKER),
        step(Step.CHECK, sources=[Status.APPLIED], target=Status.CHECKED, roles=CASEWORKER),
        step(
            Step.VISIT,
            sources=[Status.CHECKED],
            target=Status.VISITED,
            roles=CASEWORKER,
            stamp="proposed_by",  # whoever records the visit proposes the file
        ),
        step(
            Step.REVIEW,
            sources=[Status.VISITED],
            target=Status.REVIEWED,
            roles=REVIEWER,
            not_by={"proposed_by": _("You proposed this file; another reviewer must review it.")},
            stamp="reviewed_by",
        ),
        step(Step.PUBLISH, sources=[Status.REVIEWED], target=Status.IN_PUBLICITY, roles=REVIEWER),
        step(
            Step.APPROVE,
            sources=[Status.IN_PUBLICITY],
            target=Status.APPROVED,
            roles=APPROVER,
            not_by={
                "proposed_by": _("You proposed this file; another person must approve it."),
                "reviewed_by": _("You reviewed this file; another person must approve it."),
            },
            stamp="approved_by",
        ),
        step(Step.FILE, sources=[Status.APPROVED], target=Status.FILED, roles=CASEWORKER),
        step(
            Step.START_REVIEW,
            sources=[Status.FILED],
            target=Status.UNDER_REVIEW,
            roles=CASEWORKER,
            stamp="review_started_by",
        ),
        step(
            Step.COMPLETE_REVIEW,
            sources=[Status.UNDER_REVIEW],
            target=Status.FILED,
            roles=REVIEWER,
            not_by={"review_started_by": REVIEW_STARTER, "pending_change_by": CHANGE_PROPOSER},
        ),
        step(
            Step.PROPOSE_EXIT,
            sources=[Status.UNDER_REVIEW],
            target=Status.TO_EXIT,
            roles=REVIEWER,
            not_by={"review_started_by": REVIEW_STARTER, "pending_change_by": CHANGE_PROPOSER},
            stamp="exit_proposed_by",
            reason=_("Say why the family should exit."),
        ),
        step(
            Step.EXIT,
            sources=[Status.FILED, Status.UNDER_REVIEW, Status.TO_EXIT],
            target=EXIT_STATUSES,
            roles=APPROVER,
            not_by={
                "review_started_by": _(
                    "You started this review; another person must decide the exit."
                ),
                "pending_change_by": _(
                    "You proposed this change; another person must decide the exit."
                ),
                "exit_proposed_by": EXIT_PROPOSER,
            },
        ),
        step(
            Step.END_GRADUAL_EXIT,
            sources=[Status.GRADUAL_EXIT],
            target=Status.EXITED,
            roles=CASEWORKER,
        ),
        step(
            Step.RE_ENTER,
            sources=EXIT_STATUSES,
            target=Status.APPLIED,
            roles=CASEWORKER,
            reason=_("Say what changed for the family."),
        ),
        step(
            Step.REOPEN_REVIEW,
            sources=[Status.TO_EXIT],
            target=Status.UNDER_REVIEW,
            roles=APPROVER,
            not_by={"exit_proposed_by": EXIT_PROPOSER},
            reason=_("Say why the family stays filed."),
        ),
        step(
            Step.SEND_BACK,
            sources=[Status.REVIEWED, Status.IN_PUBLICITY],
            target=Status.CHECKED,
            roles=REVIEWER,
            reason=_("Say why the file goes back."),
        ),
        step(
            Step.REJECT,
            sources=[
                Status.APPLIED,
                Status.CHECKED,
                Status.VISITED,
                Status.REVIEWED,
                Status.IN_PUBLICITY,
            ],
            target=Status.REJECTED,
            roles=REVIEWER | APPROVER,
            not_by={"proposed_by": _("You proposed this file; another person must decide on it.")},
            reason=_("Give the reason for the rejection."),
        ),
        step(
            Step.WITHDRAW,
            sources=APPLICATION_STATUSES,
            target=Status.WITHDRAWN,
            roles=CASEWORKER,
            reason=_("Say why the application is withdrawn."),
        ),
    ],
)
