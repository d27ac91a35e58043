"""The lifecycle steps of a ticket, each the handler of its step in workflow.FLOW, and the
notes staff add to the timeline."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.core.sms import send_sms
from nuanjia.core.workflow import Move
from nuanjia.orgs.models import Org

from .. import deadlines, rules
from ..models import Ticket, TicketEvent
from ..rules import Kind, Satisfaction, Status, Step, TicketClass
from ..workflow import FLOW, WHILE_PAUSED
from .common import NOTE_MAX, _apply_deadlines, _may, _text
from .escalation import _escalate

# ---- Lifecycle ----------------------------------------------------------------------------


@contextmanager
def _moving(
    ticket: Ticket, step: str, *, by: Actor, note: str = "", fields: tuple[str, ...] = ()
) -> Iterator[Move[Ticket]]:
    """`FLOW.moving` plus the pause: a paused ticket takes no step but resume and transfer.
    `fields` are the ticket's columns the step changes besides its status. A ticket that goes
    to another union leaves the hands of whoever held it (its new union takes it)."""
    with FLOW.moving(ticket, step, by=by, note=note) as move:
        if move.obj.is_paused and step not in WHILE_PAUSED:
            raise RuleViolation(
                _("The ticket is paused while waiting for the caller: resume it first."),
                code="paused",
            )
        move.save_fields = list(fields)
        org_before = move.obj.org_id
        yield move
        if move.obj.org_id != org_before and move.obj.holder_id is not None:
            move.obj.holder, move.obj.held_since = None, None
            move.save_fields += ["holder", "held_since"]
            move.changes["holder"] = None


@FLOW.handler(Step.CLASSIFY)
@transaction.atomic
def classify_ticket(
    ticket: Ticket,
    *,
    by: Actor,
    kind: str,
    ticket_class: str,
    is_urgent: bool = False,
    note: str = "",
) -> Ticket:
    """分类: set kind, class and urgency; the deadlines follow from them (counted from the
    moment of receipt, so re-classifying never buys time)."""
    fields = ("kind", "ticket_class", "is_urgent", "classified_at", "first_contact_due_at",
              "resolution_due_at")  # fmt: skip
    with _moving(ticket, Step.CLASSIFY, by=by, note=note, fields=fields) as move:
        if kind not in Kind.values:
            raise RuleViolation(_("Choose what the request is about."), field="kind")
        if ticket_class not in TicketClass.values:
            raise RuleViolation(_("Choose the class."), field="ticket_class")
        ticket = move.obj
        before = (ticket.kind, ticket.ticket_class)
        ticket.kind, ticket.ticket_class, ticket.is_urgent = kind, ticket_class, bool(is_urgent)
        _apply_deadlines(ticket)
        ticket.classified_at = ticket.classified_at or timezone.now()
        move.changes.update(
            {"kind": [before[0], kind], "class": [before[1], ticket_class], "urgent": is_urgent}
        )
    return ticket


@FLOW.handler(Step.DISPATCH)
@transaction.atomic
def dispatch_ticket(
    ticket: Ticket, *, by: Actor, org: Org | None = None, reason: str = ""
) -> Ticket:
    """派单: send the ticket to the responsible union. The proposal comes from the place and
    the employer; sending it elsewhere is the agent's call and needs a reason."""
    fields = ("dispatched_from", "org", "dispatched_at")
    with _moving(ticket, Step.DISPATCH, by=by, fields=fields) as move:
        ticket = move.obj
        target = org or ticket.proposed_org or ticket.org
        move.note = _text(reason, "reason", required=False, limit=NOTE_MAX, message="")
        if ticket.proposed_org_id and target.pk != ticket.proposed_org_id and not move.note:
            raise RuleViolation(
                _("Say why the ticket goes to another union than the proposed one."),
                field="reason",
            )
        if not target.is_active:
            raise RuleViolation(_("That union is no longer active."), field="org")
        ticket.dispatched_from = ticket.org
        ticket.org = target
        ticket.dispatched_at = timezone.now()
        move.changes.update({"org": target.name, "proposed": ticket.proposed_org_id == target.pk})
    return ticket


@FLOW.handler(Step.ACCEPT)
@transaction.atomic
def accept_ticket(ticket: Ticket, *, by: Actor, note: str = "") -> Ticket:
    """签收: the responsible union takes the ticket; this is the first contact."""
    with _moving(ticket, Step.ACCEPT, by=by, note=note, fields=("accepted_at",)) as move:
        move.obj.accepted_at = timezone.now()
    return move.obj


@FLOW.handler(Step.START)
@transaction.atomic
def start_ticket(ticket: Ticket, *, by: Actor, note: str = "") -> Ticket:
    with _moving(ticket, Step.START, by=by, note=note) as move:
        pass
    return move.obj


@FLOW.handler(Step.RETURN)
@transaction.atomic
def return_ticket(ticket: Ticket, *, by: Actor, reason: str) -> Ticket:
    """退回: the union says the ticket is not theirs; it goes back to whoever dispatched it,
    to be dispatched again. The deadlines keep running."""
    fields = ("org", "dispatched_from", "accepted_at")
    with _moving(ticket, Step.RETURN, by=by, fields=fields) as move:
        move.note = _text(reason, "reason", required=True, limit=NOTE_MAX,
                          message=_("Say why the ticket is returned."))  # fmt: skip
        ticket = move.obj
        back_to = ticket.dispatched_from or ticket.org
        ticket.org, ticket.dispatched_from = back_to, None
        ticket.accepted_at = None
        move.changes["org"] = back_to.name
    return ticket


@FLOW.handler(Step.TRANSFER)
@transaction.atomic
def transfer_ticket(ticket: Ticket, *, by: Actor, org: Org | None, reason: str) -> Ticket:
    """转派: hand the ticket to another union, with a reason; it must accept it again."""
    fields = ("dispatched_from", "org", "dispatched_at", "accepted_at", "paused_at",
              "paused_minutes", "resolution_due_at")  # fmt: skip
    with _moving(ticket, Step.TRANSFER, by=by, fields=fields) as move:
        move.note = _text(reason, "reason", required=True, limit=NOTE_MAX,
                          message=_("Say why the ticket is transferred."))  # fmt: skip
        ticket = move.obj
        if org is None:
            raise RuleViolation(_("Enter the code of the union."), field="org")
        if org.pk == ticket.org_id:
            raise RuleViolation(_("Choose another union than the current one."), field="org")
        if not org.is_active:
            raise RuleViolation(_("That union is no longer active."), field="org")
        if ticket.is_paused:
            _unpause(ticket)
        ticket.dispatched_from, ticket.org = ticket.org, org
        ticket.dispatched_at = timezone.now()
        ticket.accepted_at = None
        move.changes["org"] = org.name
    return ticket


@FLOW.handler(Step.PAUSE)
@transaction.atomic
def pause_ticket(ticket: Ticket, *, by: Actor, reason: str) -> Ticket:
    """暂停: the union waits for the caller (documents, a call back); the resolution clock
    stops until resumed."""
    with _moving(ticket, Step.PAUSE, by=by, fields=("paused_at",)) as move:
        move.note = _text(reason, "reason", required=True, limit=NOTE_MAX,
                          message=_("Say what the caller is to provide."))  # fmt: skip
        move.obj.paused_at = timezone.now()
    return move.obj


def _unpause(ticket: Ticket) -> int:
    """Stop the pause: the resolution deadline moves on by the working time it lasted."""
    if ticket.paused_at is None:
        return 0
    minutes = deadlines.working_minutes(ticket.paused_at, timezone.now())
    ticket.paused_minutes += minutes
    if ticket.resolution_due_at and minutes:
        ticket.resolution_due_at = deadlines.extend(ticket.resolution_due_at, minutes)
    ticket.paused_at = None
    return minutes


@FLOW.handler(Step.RESUME)
@transaction.atomic
def resume_ticket(ticket: Ticket, *, by: Actor, note: str = "") -> Ticket:
    fields = ("paused_at", "paused_minutes", "resolution_due_at")
    with _moving(ticket, Step.RESUME, by=by, note=note, fields=fields) as move:
        ticket = move.obj
        if not ticket.is_paused:
            raise RuleViolation(_("The ticket is not paused."), code="invalid_transition")
        minutes = _unpause(ticket)
        move.changes.update(
            {"paused_minutes": minutes, "resolution_due_at": ticket.resolution_due_at}
        )
    return ticket


@FLOW.handler(Step.ANSWER)
@transaction.atomic
def answer_ticket(ticket: Ticket, *, by: Actor, answer: str) -> Ticket:
    """反馈: the caller is given the answer; the call-back is due the next working day."""
    fields = ("answer", "answered_at", "is_late", "callback_due_at", "accepted_at")
    with _moving(ticket, Step.ANSWER, by=by, fields=fields) as move:
        ticket = move.obj
        ticket.answer = move.note = _text(answer, "answer", required=True, limit=NOTE_MAX,
                                          message=_("Write the answer given to the caller."))  # fmt: skip
        now = timezone.now()
        values = deadlines.deadlines_for(
            ticket.kind, ticket.ticket_class, is_urgent=ticket.is_urgent
        )
        ticket.answered_at = now
        ticket.is_late = bool(ticket.resolution_due_at and now > ticket.resolution_due_at)
        ticket.callback_due_at = deadlines.days_due(now, values.callback_days)
        if ticket.accepted_at is None:
            ticket.accepted_at = now  # answered on the spot: that is the first contact too
        move.changes["late"] = ticket.is_late
    number, phone = ticket.number, ticket.caller_phone
    text = _(
        "12351: your request %(number)s has been answered. Follow it with the number and the "
        "last 4 digits of this phone; we will call you back."
    ) % {"number": number}
    transaction.on_commit(lambda: send_sms(phone, text))
    return ticket


@FLOW.handler(Step.CALL_BACK)
@transaction.atomic
def record_callback(
    ticket: Ticket, *, by: Actor, satisfaction: str, comment: str = "", escalate: bool = False
) -> Ticket:
    """回访: the caller says how satisfied they are. 不满意 reopens the ticket with a fresh
    resolution deadline for the same union, or (`escalate`) sends it up to its parent."""
    with _moving(ticket, Step.CALL_BACK, by=by) as move:
        if satisfaction not in Satisfaction.values:
            raise RuleViolation(_("Choose how satisfied the caller is."), field="satisfaction")
        unsatisfied = satisfaction == Satisfaction.UNSATISFIED
        move.note = _text(comment, "comment", required=unsatisfied, limit=NOTE_MAX,
                          message=_("Say why the caller is not satisfied."))  # fmt: skip
        _called_back(move, satisfaction, unsatisfied=unsatisfied)
    if unsatisfied and escalate:
        _escalate(move.obj, by=by, reason=_("The caller is not satisfied."))
    return move.obj


def _called_back(move: Move[Ticket], satisfaction: str, *, unsatisfied: bool) -> None:
    ticket = move.obj
    now = timezone.now()
    ticket.satisfaction = satisfaction
    ticket.callback_comment = move.note
    ticket.called_back_at = now
    move.save_fields = [
        *(move.save_fields or []),
        "satisfaction",
        "callback_comment",
        "called_back_at",
    ]
    move.changes["satisfaction"] = satisfaction
    move.target = Status.IN_PROGRESS if unsatisfied else Status.CALLED_BACK
    if unsatisfied:
        values = deadlines.deadlines_for(
            ticket.kind, ticket.ticket_class, is_urgent=ticket.is_urgent
        )
        ticket.reopen_count += 1
        ticket.resolution_due_at = deadlines.days_due(now, values.resolution_days)
        ticket.callback_due_at = None
        move.save_fields.extend(["reopen_count", "resolution_due_at", "callback_due_at"])


@FLOW.handler(Step.CLOSE)
@transaction.atomic
def close_ticket(ticket: Ticket, *, by: Actor, note: str = "") -> Ticket:
    """结案: after a satisfied (or basically satisfied) call-back."""
    with _moving(ticket, Step.CLOSE, by=by, note=note, fields=("closed_at",)) as move:
        move.obj.closed_at = timezone.now()
    return move.obj


@transaction.atomic
def add_note(ticket: Ticket, *, by: Actor, note: str) -> TicketEvent:
    ticket = FLOW.lock(ticket)
    if not _may(by, rules.HANDLERS, ticket.org):
        raise PermissionDenied
    note = _text(note, "note", required=True, limit=NOTE_MAX, message=_("Write the note."))
    return FLOW.record(ticket, "note", ticket.status, by=by, note=note)
