"""The lifecycle of a 12351 ticket, declared once for the workflow engine: received and
classified by the line's agents, dispatched to the responsible union, accepted, handled
(paused while waiting for the caller), returned or transferred, answered, called back and
closed by the line. The services of the steps are in hotline.services."""

from django.utils.translation import gettext_lazy as _

from nuanjia.core.workflow import State, Workflow, step

from .models import Ticket, TicketEvent
from .rules import AGENT, HANDLERS, Status, Step

# A paused ticket waits for the caller: it can only be resumed or handed to another union.
WHILE_PAUSED = frozenset({Step.RESUME, Step.TRANSFER})
# Where the union's staff handle a ticket (and may pause or resume it).
HANDLING = [Status.ACCEPTED, Status.IN_PROGRESS]

FLOW = Workflow(
    name="hotline",
    model=Ticket,
    history=TicketEvent,
    history_fk="ticket",
    noun=_("ticket"),
    status_labels=Status,
    step_labels=Step,
    states=[
        State(Status.RECEIVED, queue=AGENT),
        State(Status.CLASSIFIED, queue=AGENT),
        State(Status.DISPATCHED, queue=HANDLERS),
        State(Status.ACCEPTED, queue=HANDLERS),
        State(Status.IN_PROGRESS, queue=HANDLERS),
        State(Status.ANSWERED, queue=AGENT),
        State(Status.CALLED_BACK, queue=AGENT),
        State(Status.CLOSED),
    ],
    steps=[
        step(Step.CLASSIFY, sources=[Status.RECEIVED, Status.CLASSIFIED],
             target=Status.CLASSIFIED, roles=AGENT, action="classified"),
        step(Step.DISPATCH, sources=[Status.CLASSIFIED], target=Status.DISPATCHED, roles=AGENT,
             action="dispatched", fields=("org", "reason")),
        step(Step.ACCEPT, sources=[Status.DISPATCHED], target=Status.ACCEPTED, roles=HANDLERS,
             action="accepted"),
        step(Step.START, sources=[Status.ACCEPTED], target=Status.IN_PROGRESS, roles=HANDLERS,
             action="started"),
        step(Step.RETURN, sources=[Status.DISPATCHED, Status.ACCEPTED],
             target=Status.CLASSIFIED, roles=HANDLERS, action="returned", fields=("reason",)),
        step(Step.TRANSFER, sources=[Status.DISPATCHED, *HANDLING], target=Status.DISPATCHED,
             roles=HANDLERS, action="transferred", fields=("org", "reason")),
        # Pausing and resuming leave the status as it is; the flag is the ticket's paused_at.
        step(Step.PAUSE, sources=HANDLING, target=None, roles=HANDLERS, action="paused",
             fields=("reason",)),
        step(Step.RESUME, sources=HANDLING, target=None, roles=HANDLERS, action="resumed"),
        step(Step.ANSWER, sources=[Status.CLASSIFIED, *HANDLING], target=Status.ANSWERED,
             roles=HANDLERS, action="answered", fields=("answer",)),
        # Unsatisfied: the ticket is handled again; else it waits to be closed.
        step(Step.CALL_BACK, sources=[Status.ANSWERED],
             target=[Status.CALLED_BACK, Status.IN_PROGRESS], roles=AGENT, action="called_back",
             fields=("satisfaction", "comment", "escalate")),
        step(Step.CLOSE, sources=[Status.CALLED_BACK], target=Status.CLOSED, roles=AGENT,
             action="closed"),
    ],
)  # fmt: skip


def offered_now(ticket: Ticket, spec) -> bool:
    """The pause flag's say in the steps offered (`Workflow.steps_for`'s `available`): a
    paused ticket offers only resume and transfer; one that is not paused, no resume."""
    if ticket.is_paused:
        return spec.name in WHILE_PAUSED
    return spec.name != Step.RESUME


def steps_for(ticket: Ticket, user) -> list[str]:
    """The steps `user` may take on `ticket` now (role, scope, status and pause)."""
    return [
        name
        for name in FLOW.steps_for(ticket, user, available=offered_now)
        if FLOW.may_take(user, name, ticket)
    ]
