"""Who holds a ticket (认领): a person who may work it takes it and it is theirs by name
("my tickets"); they release it; a supervisor hands it to another person who may work it.

Holding is a field of the ticket, not a lifecycle step: it changes no status and can happen
in any open status, so it has its own services rather than steps of workflow.FLOW. Each one
locks the ticket's row (two people taking it at once: the second sees the first's name and
is refused), writes one TicketEvent and one audit event through FLOW.record, in one
transaction. Pages and the API call these same functions.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.core.workflow import access
from nuanjia.orgs.models import Staff
from nuanjia.orgs.permissions import staff_of

from .. import rules
from ..models import Ticket
from ..workflow import FLOW
from .common import NOTE_MAX, _text


def may_work(user: Actor | None, ticket: Ticket) -> bool:
    """Whether `user` may work the ticket now: it is open, in the user's scope, and the user
    holds one of the roles whose queue its status sits in."""
    state = FLOW.states.get(ticket.status)
    if user is None or state is None or not state.queue:
        return False
    hooks = access()
    return bool(hooks.roles_of(user) & state.queue) and hooks.in_scope(user, ticket.org)


def may_supervise(user: Actor | None, ticket: Ticket) -> bool:
    """Whether `user` may hand the ticket to someone else (a supervisor with it in scope)."""
    hooks = access()
    return bool(hooks.roles_of(user) & rules.HOLD_SUPERVISORS) and hooks.in_scope(user, ticket.org)


def _holder_name(ticket: Ticket) -> str:
    holder = ticket.holder
    return (holder.full_name or holder.username) if holder else ""


def _hold(
    ticket: Ticket, holder: Staff | None, *, action: str, by: Actor, note: str = ""
) -> Ticket:
    before = _holder_name(ticket)
    ticket.holder = holder
    ticket.held_since = timezone.now() if holder else None
    ticket.save(update_fields=["holder", "held_since", "updated_at"])
    FLOW.record(
        ticket,
        action,
        ticket.status,
        by=by,
        note=note,
        changes={"holder": [before, _holder_name(ticket)]},
    )
    return ticket


@transaction.atomic
def take_ticket(ticket: Ticket, *, by: Actor) -> Ticket:
    """认领: the ticket becomes `by`'s. Taking one's own ticket again changes nothing."""
    ticket = FLOW.lock(ticket)
    if not may_work(by, ticket):
        raise PermissionDenied
    if ticket.holder_id == by.pk:
        return ticket
    if ticket.holder_id is not None:
        raise RuleViolation(
            _("%(name)s has already taken this ticket.") % {"name": _holder_name(ticket)},
            code="already_held",
        )
    return _hold(ticket, staff_of(by), action="taken", by=by)


@transaction.atomic
def release_ticket(ticket: Ticket, *, by: Actor) -> Ticket:
    """释放: the holder gives the ticket back to the union's queue."""
    ticket = FLOW.lock(ticket)
    if ticket.holder_id is None or ticket.holder_id != by.pk:
        raise RuleViolation(_("Only the person holding the ticket can release it."),
                            code="not_holder")  # fmt: skip
    return _hold(ticket, None, action="released", by=by)


@transaction.atomic
def reassign_ticket(ticket: Ticket, *, by: Actor, to: Staff | None, reason: str = "") -> Ticket:
    """改派: a supervisor hands the ticket to another person who may work it (or, with no
    one named, back to the queue), with a reason."""
    ticket = FLOW.lock(ticket)
    if not may_supervise(by, ticket):
        raise PermissionDenied
    note = _text(reason, "reason", required=True, limit=NOTE_MAX,
                 message=_("Say why the ticket goes to someone else."))  # fmt: skip
    if to is not None and (not to.is_active or not may_work(to, ticket)):
        raise RuleViolation(
            _("%(name)s may not work this ticket.") % {"name": to.full_name or to.username},
            field="holder",
        )
    if ticket.holder_id == (to.pk if to else None):
        raise RuleViolation(_("The ticket is already theirs."), field="holder")
    return _hold(ticket, to, action="reassigned", by=by, note=note)


def holders_for(ticket: Ticket, *, limit: int = 50) -> list[Staff]:
    """The active people who may work the ticket now, for a supervisor's choice: staff of its
    union and the unions above it holding a role of its status's queue."""
    state = FLOW.states.get(ticket.status)
    if state is None or not state.queue:
        return []
    people = (
        Staff.objects.filter(
            is_active=True,
            org__code__in=ticket.org.ancestor_codes(),
            role_assignments__role__in=state.queue,
        )
        .select_related("org")
        .distinct()
        .order_by("org__path", "username")
    )
    return [person for person in people[:limit] if may_work(person, ticket)]


HOLD_ACTIONS = tuple(rules.HoldAction.values)


def change_holder(
    ticket: Ticket, *, by: Actor, action: str, holder_id: int | None = None, reason: str = "",
    where: str = "",
) -> Ticket:  # fmt: skip
    """What the page and the API both call: take, release or reassign, refusing a role or
    scope with an audit record (403) and anything else with a message naming the field."""
    if action not in HOLD_ACTIONS:
        raise RuleViolation(_("Choose take, release or reassign."), field="action")
    allowed = {"take": may_work, "release": lambda user, _t: True, "reassign": may_supervise}
    if not allowed[action](by, ticket):
        access().deny(by, f"hotline.{action}", where)
    if action == "take":
        return take_ticket(ticket, by=by)
    if action == "release":
        return release_ticket(ticket, by=by)
    to = None
    if holder_id is not None:
        to = next((person for person in holders_for(ticket) if person.pk == holder_id), None)
        if to is None:
            raise RuleViolation(_("Choose someone who may work this ticket."), field="holder")
    return reassign_ticket(ticket, by=by, to=to, reason=reason)
