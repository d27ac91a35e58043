"""Every write to tickets: intake (agent and public), each lifecycle step, escalation and the
deadline sweep, call-backs, attachments, and advance relief opened from a ticket.

Each step locks the ticket, checks the step's role and scope, changes the ticket and writes
one TicketEvent and one audit event in the same transaction. Refusals raise RuleViolation (a
rule, with the field at fault) or PermissionDenied (a role or scope) and change nothing.
Text messages to the caller go out after commit.
"""

from __future__ import annotations

import datetime
import fcntl
import hmac
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core import clock
from nuanjia.core.audit import append_event, prepare_event, record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.phones import normalize_phone, validate_phone
from nuanjia.core.prepared import PreparedInsert
from nuanjia.core.sms import send_sms
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import deny
from nuanjia.people.models import Employer, Worker
from nuanjia.standards.queries import dibao_fen_for, in_force

from . import deadlines, queries, rules
from .models import DayCounter, FastTrack, Ticket, TicketAttachment, TicketEvent
from .rules import Channel, Kind, Satisfaction, Status, Step, TicketClass

NAME_MAX = 50
EMPLOYER_MAX = 120
NOTE_MAX = 2000
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
ATTACHMENT_TYPES = (".jpg", ".jpeg", ".png", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".txt")
# What a caller may attach from the public page or API: photos and PDFs, checked by content.
CALLER_FILE_SIGNATURES = {
    ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff", ".png": b"\x89PNG\r\n\x1a\n", ".pdf": b"%PDF-",
}  # fmt: skip
CALLER_FILES_PER_REQUEST = 3
CALLER_FILES_PER_TICKET = 9

# ---- Guards -------------------------------------------------------------------------------


def _roles(by) -> frozenset[str]:
    if by is None or not getattr(by, "is_active", False):
        return frozenset()
    return frozenset(getattr(by, "roles", frozenset()))


def _in_scope(by, org: Org) -> bool:
    return by is not None and by.org is not None and org.is_within(by.org)


def may_take(by, step: str, ticket: Ticket | None = None) -> bool:
    if not rules.role_may(_roles(by), step):
        return False
    return ticket is None or _in_scope(by, ticket.org)


def authorize_step(user, step: str, ticket: Ticket, where: str = "") -> None:
    """For pages and the API, before calling a service: refuse (403) and audit the denial
    outside the service's transaction, so the denial record is kept."""
    if not may_take(user, step, ticket):
        deny(user, f"hotline.{step}", where)


def authorize_roles(user, roles: frozenset[str], name: str, where: str = "") -> None:
    if not (_roles(user) & roles):
        deny(user, f"hotline.{name}", where)


def _require_step(by, step: str, ticket: Ticket) -> None:
    if not may_take(by, step, ticket):
        raise PermissionDenied


def _lock(ticket: Ticket) -> Ticket:
    list(Ticket.objects.select_for_update().filter(pk=ticket.pk).values_list("pk"))
    ticket.refresh_from_db()
    return ticket


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value in choices.values else value


def _check_step(ticket: Ticket, step: str, target: str | None = None) -> None:
    if ticket.status not in rules.STEP_SOURCES[step] or (
        target is not None and not rules.can_move(ticket.status, target)
    ):
        raise RuleViolation(
            _("A ticket that is %(status)s cannot take the step “%(step)s”.")
            % {"status": _label(Status, ticket.status), "step": Step(step).label},
            code="invalid_transition",
        )
    if ticket.is_paused and step not in (Step.RESUME, Step.TRANSFER):
        raise RuleViolation(
            _("The ticket is paused while waiting for the caller: resume it first."),
            code="paused",
        )


def _text(value, field: str, *, required: bool, limit: int, message: str) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise RuleViolation(message, field=field)
    if len(text) > limit:
        raise RuleViolation(
            _("%(field)s is too long: at most %(limit)d characters.")
            % {"field": _field_label(field), "limit": limit},
            field=field,
        )
    return text


def _field_label(field: str) -> str:
    return {
        "description": _("Description"),
        "caller_name": _("Caller"),
        "employer_name": _("Employer"),
        "reason": _("Reason"),
        "answer": _("Answer"),
        "comment": _("Comment"),
        "note": _("Note"),
        "cause": _("Cause"),
    }.get(field, field)


def _actor(by):
    return by if getattr(by, "is_authenticated", False) else None


def _jsonable(value):
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def _event(
    ticket: Ticket, action: str, source: str, *, by, note: str = "", changes: dict | None = None
) -> TicketEvent:
    """One timeline row and one audit event."""
    changes = {key: _jsonable(value) for key, value in (changes or {}).items()}
    event = TicketEvent.objects.create(
        ticket=ticket,
        action=action,
        from_status=source,
        to_status=ticket.status,
        note=note,
        changes=changes,
        by=_actor(by),
    )
    audit_changes = {"status": [source, ticket.status], **changes}
    if note:
        audit_changes["note"] = note[:200]
    record_event(ticket, f"hotline.{action}", by=by, changes=audit_changes, org=ticket.org)
    return event


def _save(ticket: Ticket, *fields: str) -> None:
    ticket.save(update_fields=[*fields, "updated_at"])


def normalized_phone(raw: str) -> str:
    return normalize_phone(raw)


# ---- Validation of what callers and agents type -------------------------------------------


@dataclass(frozen=True)
class Request:
    """A request as typed, cleaned: what both intake paths store."""

    caller_name: str
    phone: str
    region_code: str
    employer_name: str
    kind: str
    description: str


def clean_request(
    *,
    caller_name: str,
    phone: str,
    region_code: str,
    employer_name: str = "",
    kind: str,
    description: str,
    allow_landline: bool = False,
) -> Request:
    try:
        number = validate_phone(phone, allow_landline=allow_landline)
    except ValidationError as error:
        raise RuleViolation(
            _("Phone: %(message)s") % {"message": error.messages[0]}, field="phone"
        ) from None
    region_code = str(region_code or "").strip()
    if not (len(region_code) == 6 and region_code.isdigit()):
        raise RuleViolation(_("Choose the place (city or county)."), field="region_code")
    if kind not in Kind.values:
        raise RuleViolation(_("Choose what the request is about."), field="kind")
    return Request(
        caller_name=_text(caller_name, "caller_name", required=False, limit=NAME_MAX, message=""),
        phone=number,
        region_code=region_code,
        employer_name=_text(
            employer_name, "employer_name", required=False, limit=EMPLOYER_MAX, message=""
        ),
        kind=kind,
        description=_text(
            description,
            "description",
            required=True,
            limit=rules.DESCRIPTION_MAX,
            message=_("Describe the request."),
        ),
    )


# ---- Numbers ------------------------------------------------------------------------------


def _next_number(day: datetime.date) -> str:
    """The next number of `day`, in the caller's transaction: one UPDATE … RETURNING of the
    day's counter row (which holds its lock until commit), created on the day's first ticket.
    A rolled-back transaction leaves a gap in the day's numbers, never a repeat."""
    table = connection.ops.quote_name(DayCounter._meta.db_table)
    sql = f"UPDATE {table} SET last = last + 1 WHERE day = %s RETURNING last"  # noqa: S608 -- our own table name
    with connection.cursor() as cursor:
        cursor.execute(sql, [day])
        row = cursor.fetchone()
        if row is None:
            try:
                with transaction.atomic():
                    DayCounter.objects.create(day=day, last=1)
                    return rules.ticket_number(day, 1)
            except IntegrityError:  # another submission created it first
                cursor.execute(sql, [day])
                row = cursor.fetchone()
    return rules.ticket_number(day, row[0])


@contextmanager
def writers_queue() -> Iterator[None]:
    """On SQLite, queue the public path's writers on a file lock before they ask for the
    database's write lock: a blocked flock wakes the moment it is free, where SQLite's busy
    handler sleeps in growing steps (up to 100 ms) and makes the slowest submissions slow.
    PostgreSQL queues row locks itself: nothing to do there."""
    if connection.vendor != "sqlite":
        yield
        return
    path = Path(settings.VAR_DIR) / "hotline-writers.lock"
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _apply_deadlines(ticket: Ticket) -> None:
    values = deadlines.deadlines_for(ticket.kind, ticket.ticket_class, is_urgent=ticket.is_urgent)
    ticket.first_contact_due_at = deadlines.first_contact_due(
        ticket.received_at, values.first_contact_hours
    )
    due = deadlines.days_due(ticket.received_at, values.resolution_days)
    if ticket.paused_minutes:
        due = deadlines.extend(due, ticket.paused_minutes)
    ticket.resolution_due_at = due


def _notify_received(ticket: Ticket) -> None:
    number, phone = ticket.number, ticket.caller_phone
    text = _(
        "12351: your request is received, ticket number %(number)s. Follow it with the number "
        "and the last 4 digits of this phone."
    ) % {"number": number}
    transaction.on_commit(lambda: send_sms(phone, text))


# ---- Intake -------------------------------------------------------------------------------


def submit_request(
    *,
    caller_name: str,
    phone: str,
    region_code: str,
    kind: str,
    description: str,
    employer_name: str = "",
    channel: str = Channel.WEB,
    files=(),
) -> tuple[Ticket, bool]:
    """A request from the public page or API; returns (ticket, is_new).

    The same phone with the same text within 10 minutes is merged into the first ticket (a
    double tap, a retry after a slow answer). The write is one short transaction: routing
    and deadlines come from in-process caches, so submissions stay fast under load. Files
    (photos, PDFs) are checked before anything is written and attached just after.
    """
    request = clean_request(
        caller_name=caller_name,
        phone=phone,
        region_code=region_code,
        employer_name=employer_name,
        kind=kind,
        description=description,
    )
    files = clean_caller_files(files)
    if channel not in (Channel.WEB, Channel.MINIPROGRAM):
        channel = Channel.WEB
    key = rules.duplicate_key(request.phone, request.description)
    now = timezone.now()
    employer = queries.match_employer(request.employer_name)
    org = queries.proposed_org(request.region_code, employer)
    if org is None:
        raise RuleViolation(_("Choose the place (city or county)."), field="region_code")
    ticket = Ticket(
        channel=channel,
        caller_name=request.caller_name,
        caller_phone=request.phone,
        region_code=request.region_code,
        employer_name=request.employer_name,
        employer=employer,
        kind=request.kind,
        ticket_class=TicketClass.GENERAL,
        description=request.description,
        status=Status.RECEIVED,
        org=org,
        proposed_org=org,
        received_at=now,
        duplicate_key=key,
    )
    _apply_deadlines(ticket)
    intake = _prepare_intake(ticket, channel)
    with writers_queue():
        number = _take_number(timezone.localdate(now))
        with transaction.atomic():
            _queue_twins(key)
            twin = intake.first_twin()
            if twin:
                ticket = _merge_into(twin, channel)
            else:
                intake.write(number)
    attach_caller_files(ticket, files)
    if not twin:
        _notify_received(ticket)
    return ticket, not twin


def _take_number(day: datetime.date) -> str:
    """The day's next number in a transaction of its own, so that the counter row every
    submission of the day updates is locked for one statement, not for the whole intake.
    A submission that then fails or is merged leaves a gap in the day's numbers."""
    with transaction.atomic():
        return _next_number(day)


TWINS_LOCK_SPACE = 12351  # first key of the advisory locks that queue twin submissions


def _queue_twins(key: str) -> None:
    """Queue submissions with the same phone and text behind each other, so that the later
    one's twin check sees the first one committed. SQLite's writers' queue already lines
    up every writer; on PostgreSQL a transaction-scoped advisory lock on the key makes only
    twins wait, not every caller."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [TWINS_LOCK_SPACE, int(key[:7], 16)])


@dataclass
class _Intake:
    """The writes of one public submission, built before the writers' lock so that the
    lock is held only to take a number, look for a twin and run finished statements."""

    ticket: Ticket
    twins: tuple[str, list]
    ticket_insert: PreparedInsert
    event_insert: PreparedInsert
    audit: PreparedInsert

    def first_twin(self) -> tuple[int, str, str] | None:
        """(pk, number, status) of the newest ticket with the same phone and text within
        the duplicate window, if any."""
        with connection.cursor() as cursor:
            cursor.execute(*self.twins)
            return cursor.fetchone()

    def write(self, number: str) -> None:
        self.ticket_insert.execute(number=number)
        self.event_insert.execute(ticket_id=self.ticket.pk)
        append_event(self.audit, object_id=str(self.ticket.pk), object_label=number)


def _twins_statement(ticket: Ticket) -> tuple[str, list]:
    """The newest ticket with the same phone and text within the duplicate window, as SQL
    written once: this runs on every public submission, and compiling the queryset each time
    cost more than running it."""
    quote = connection.ops.quote_name
    sql = (
        f"SELECT {quote('id')}, {quote('number')}, {quote('status')} "  # noqa: S608 -- our own names
        f"FROM {quote(Ticket._meta.db_table)} "
        f"WHERE {quote('duplicate_key')} = %s AND {quote('received_at')} >= %s "
        f"ORDER BY {quote('id')} DESC LIMIT 1"
    )
    since = Ticket._meta.get_field("received_at").get_db_prep_value(
        ticket.received_at - rules.DUPLICATE_WINDOW, connection
    )
    return sql, [ticket.duplicate_key, since]


def _prepare_intake(ticket: Ticket, channel: str) -> _Intake:
    """The same rows `ticket.save()` and `_event(ticket, "received", …)` would write."""
    ticket.number = ""  # taken under the lock
    changes = {"channel": channel}
    event = TicketEvent(
        ticket_id=0, action="received", from_status="", to_status=ticket.status, changes=changes
    )
    audit = prepare_event(
        ticket, "hotline.received", changes={"status": ["", ticket.status], **changes},
        org=ticket.org,
    )  # fmt: skip
    return _Intake(
        ticket=ticket,
        twins=_twins_statement(ticket),
        ticket_insert=PreparedInsert(ticket),
        event_insert=PreparedInsert(event),
        audit=audit,
    )


def _merge_into(twin: tuple[int, str, str], channel: str) -> Ticket:
    """A double tap or a retry: count it on the first ticket and note it in its timeline and
    the audit trail, as any step would (`_event`). Rare, so written the ordinary way, in the
    intake's transaction under the writers' queue."""
    ticket = Ticket.objects.select_related("org").get(pk=twin[0])
    Ticket.objects.filter(pk=ticket.pk).update(merged_count=F("merged_count") + 1)
    ticket.merged_count += 1
    _event(ticket, "merged", ticket.status, by=None, changes={"channel": channel})
    return ticket


@transaction.atomic
def open_ticket(
    *,
    by,
    channel: str = Channel.PHONE,
    caller_name: str = "",
    phone: str,
    region_code: str,
    kind: str,
    description: str,
    employer_name: str = "",
    employer: Employer | None = None,
    worker: Worker | None = None,
    ticket_class: str = TicketClass.GENERAL,
    is_urgent: bool = False,
    dispatch_to: Org | None = None,
    dispatch: bool = False,
    reason: str = "",
) -> Ticket:
    """A call taken by an agent (or a walk-in at a union's desk): received and classified at
    once, its deadlines set; with `dispatch`, sent straight to the proposed union (or to
    `dispatch_to`, the agent's override, which needs a reason)."""
    if not (_roles(by) & rules.INTAKE_ROLES) or by.org is None:
        raise PermissionDenied
    request = clean_request(
        caller_name=caller_name,
        phone=phone,
        region_code=region_code,
        employer_name=employer_name,
        kind=kind,
        description=description,
        allow_landline=True,
    )
    if channel not in Channel.values:
        raise RuleViolation(_("Choose the channel."), field="channel")
    if ticket_class not in TicketClass.values:
        raise RuleViolation(_("Choose the class."), field="ticket_class")
    if worker is not None and not _in_scope(by, worker.org):
        raise PermissionDenied
    if employer is None:
        employer = queries.match_employer(request.employer_name) or (
            worker.employer if worker is not None else None
        )
    proposed = queries.proposed_org(request.region_code, employer)
    now = timezone.now()
    ticket = Ticket(
        channel=channel,
        caller_name=request.caller_name or (worker.name if worker else ""),
        caller_phone=request.phone,
        worker=worker,
        region_code=request.region_code,
        employer_name=request.employer_name or (employer.name if employer else ""),
        employer=employer,
        kind=request.kind,
        ticket_class=ticket_class,
        is_urgent=bool(is_urgent),
        description=request.description,
        status=Status.CLASSIFIED,
        org=by.org,
        proposed_org=proposed,
        received_at=now,
        received_by=_actor(by),
        classified_at=now,
        duplicate_key=rules.duplicate_key(request.phone, request.description),
    )
    _apply_deadlines(ticket)
    ticket.number = _next_number(timezone.localdate(now))
    ticket.save(force_insert=True)
    _event(ticket, "received", "", by=by, changes={"channel": channel, "kind": request.kind})
    _notify_received(ticket)
    if dispatch:
        target = dispatch_to or proposed
        ticket = dispatch_ticket(ticket, by=by, org=target, reason=reason)
    return ticket


@transaction.atomic
def link_worker(ticket: Ticket, worker: Worker | None, *, by) -> Ticket:
    """Link the caller to a worker record (or unlink with None)."""
    ticket = _lock(ticket)
    if not (_roles(by) & rules.HANDLERS) or not _in_scope(by, ticket.org):
        raise PermissionDenied
    if worker is not None and not _in_scope(by, worker.org):
        raise PermissionDenied
    before = ticket.worker_id
    ticket.worker = worker
    _save(ticket, "worker")
    _event(
        ticket,
        "worker_linked",
        ticket.status,
        by=by,
        changes={"worker": [before, worker and worker.pk]},
    )
    return ticket


# ---- Lifecycle ----------------------------------------------------------------------------


@transaction.atomic
def classify_ticket(
    ticket: Ticket, *, by, kind: str, ticket_class: str, is_urgent: bool = False, note: str = ""
) -> Ticket:
    """分类: set kind, class and urgency; the deadlines follow from them (counted from the
    moment of receipt, so re-classifying never buys time)."""
    ticket = _lock(ticket)
    _require_step(by, Step.CLASSIFY, ticket)
    _check_step(ticket, Step.CLASSIFY, Status.CLASSIFIED)
    if kind not in Kind.values:
        raise RuleViolation(_("Choose what the request is about."), field="kind")
    if ticket_class not in TicketClass.values:
        raise RuleViolation(_("Choose the class."), field="ticket_class")
    source = ticket.status
    before = (ticket.kind, ticket.ticket_class, ticket.is_urgent)
    ticket.kind, ticket.ticket_class, ticket.is_urgent = kind, ticket_class, bool(is_urgent)
    _apply_deadlines(ticket)
    ticket.status = Status.CLASSIFIED
    ticket.classified_at = ticket.classified_at or timezone.now()
    _save(ticket, "kind", "ticket_class", "is_urgent", "status", "classified_at",
          "first_contact_due_at", "resolution_due_at")  # fmt: skip
    _event(ticket, "classified", source, by=by, note=note[:NOTE_MAX], changes={
        "kind": [before[0], kind], "class": [before[1], ticket_class], "urgent": is_urgent,
    })  # fmt: skip
    return ticket


@transaction.atomic
def dispatch_ticket(ticket: Ticket, *, by, org: Org | None = None, reason: str = "") -> Ticket:
    """派单: send the ticket to the responsible union. The proposal comes from the place and
    the employer; sending it elsewhere is the agent's call and needs a reason."""
    ticket = _lock(ticket)
    _require_step(by, Step.DISPATCH, ticket)
    _check_step(ticket, Step.DISPATCH, Status.DISPATCHED)
    target = org or ticket.proposed_org or ticket.org
    reason = _text(reason, "reason", required=False, limit=NOTE_MAX, message="")
    if ticket.proposed_org_id and target.pk != ticket.proposed_org_id and not reason:
        raise RuleViolation(
            _("Say why the ticket goes to another union than the proposed one."), field="reason"
        )
    if not target.is_active:
        raise RuleViolation(_("That union is no longer active."), field="org")
    source = ticket.status
    ticket.dispatched_from = ticket.org
    ticket.org = target
    ticket.status = Status.DISPATCHED
    ticket.dispatched_at = timezone.now()
    _save(ticket, "dispatched_from", "org", "status", "dispatched_at")
    _event(ticket, "dispatched", source, by=by, note=reason,
           changes={"org": target.name, "proposed": ticket.proposed_org_id == target.pk})  # fmt: skip
    return ticket


def _status_step(
    ticket: Ticket, step: str, target: str, action: str, *, by, note: str, stamp: str = ""
) -> Ticket:
    """A step that only moves the status, with an optional note, and stamps its time in
    `stamp` when given (签收, 办理, 结案)."""
    ticket = _lock(ticket)
    _require_step(by, step, ticket)
    _check_step(ticket, step, target)
    source = ticket.status
    ticket.status = target
    fields = ["status"]
    if stamp:
        setattr(ticket, stamp, timezone.now())
        fields.append(stamp)
    _save(ticket, *fields)
    _event(ticket, action, source, by=by, note=note[:NOTE_MAX])
    return ticket


@transaction.atomic
def accept_ticket(ticket: Ticket, *, by, note: str = "") -> Ticket:
    """签收: the responsible union takes the ticket; this is the first contact."""
    return _status_step(ticket, Step.ACCEPT, Status.ACCEPTED, "accepted", by=by, note=note,
                        stamp="accepted_at")  # fmt: skip


@transaction.atomic
def start_ticket(ticket: Ticket, *, by, note: str = "") -> Ticket:
    return _status_step(ticket, Step.START, Status.IN_PROGRESS, "started", by=by, note=note)


@transaction.atomic
def return_ticket(ticket: Ticket, *, by, reason: str) -> Ticket:
    """退回: the union says the ticket is not theirs; it goes back to whoever dispatched it,
    to be dispatched again. The deadlines keep running."""
    ticket = _lock(ticket)
    _require_step(by, Step.RETURN, ticket)
    _check_step(ticket, Step.RETURN, Status.CLASSIFIED)
    reason = _text(reason, "reason", required=True, limit=NOTE_MAX,
                   message=_("Say why the ticket is returned."))  # fmt: skip
    source = ticket.status
    back_to = ticket.dispatched_from or ticket.org
    ticket.org, ticket.dispatched_from = back_to, None
    ticket.status = Status.CLASSIFIED
    ticket.accepted_at = None
    _save(ticket, "org", "dispatched_from", "status", "accepted_at")
    _event(ticket, "returned", source, by=by, note=reason, changes={"org": back_to.name})
    return ticket


@transaction.atomic
def transfer_ticket(ticket: Ticket, *, by, org: Org, reason: str) -> Ticket:
    """转派: hand the ticket to another union, with a reason; it must accept it again."""
    ticket = _lock(ticket)
    _require_step(by, Step.TRANSFER, ticket)
    _check_step(ticket, Step.TRANSFER, Status.DISPATCHED)
    reason = _text(reason, "reason", required=True, limit=NOTE_MAX,
                   message=_("Say why the ticket is transferred."))  # fmt: skip
    if org.pk == ticket.org_id:
        raise RuleViolation(_("Choose another union than the current one."), field="org")
    if not org.is_active:
        raise RuleViolation(_("That union is no longer active."), field="org")
    source = ticket.status
    if ticket.is_paused:
        _unpause(ticket)
    ticket.dispatched_from, ticket.org = ticket.org, org
    ticket.status = Status.DISPATCHED
    ticket.dispatched_at = timezone.now()
    ticket.accepted_at = None
    _save(ticket, "dispatched_from", "org", "status", "dispatched_at", "accepted_at",
          "paused_at", "paused_minutes", "resolution_due_at")  # fmt: skip
    _event(ticket, "transferred", source, by=by, note=reason, changes={"org": org.name})
    return ticket


@transaction.atomic
def pause_ticket(ticket: Ticket, *, by, reason: str) -> Ticket:
    """暂停: the union waits for the caller (documents, a call back); the resolution clock
    stops until resumed."""
    ticket = _lock(ticket)
    _require_step(by, Step.PAUSE, ticket)
    _check_step(ticket, Step.PAUSE)
    reason = _text(reason, "reason", required=True, limit=NOTE_MAX,
                   message=_("Say what the caller is to provide."))  # fmt: skip
    ticket.paused_at = timezone.now()
    _save(ticket, "paused_at")
    _event(ticket, "paused", ticket.status, by=by, note=reason)
    return ticket


def _unpause(ticket: Ticket) -> int:
    """Stop the pause: the resolution deadline moves on by the working time it lasted."""
    minutes = deadlines.working_minutes(ticket.paused_at, timezone.now())
    ticket.paused_minutes += minutes
    if ticket.resolution_due_at and minutes:
        ticket.resolution_due_at = deadlines.extend(ticket.resolution_due_at, minutes)
    ticket.paused_at = None
    return minutes


@transaction.atomic
def resume_ticket(ticket: Ticket, *, by, note: str = "") -> Ticket:
    ticket = _lock(ticket)
    _require_step(by, Step.RESUME, ticket)
    if not ticket.is_paused or ticket.status not in rules.STEP_SOURCES[Step.RESUME]:
        raise RuleViolation(_("The ticket is not paused."), code="invalid_transition")
    minutes = _unpause(ticket)
    _save(ticket, "paused_at", "paused_minutes", "resolution_due_at")
    _event(ticket, "resumed", ticket.status, by=by, note=note[:NOTE_MAX],
           changes={"paused_minutes": minutes, "resolution_due_at": ticket.resolution_due_at})  # fmt: skip
    return ticket


@transaction.atomic
def answer_ticket(ticket: Ticket, *, by, answer: str) -> Ticket:
    """反馈: the caller is given the answer; the call-back is due the next working day."""
    ticket = _lock(ticket)
    _require_step(by, Step.ANSWER, ticket)
    _check_step(ticket, Step.ANSWER, Status.ANSWERED)
    answer = _text(answer, "answer", required=True, limit=NOTE_MAX,
                   message=_("Write the answer given to the caller."))  # fmt: skip
    source = ticket.status
    now = timezone.now()
    values = deadlines.deadlines_for(ticket.kind, ticket.ticket_class, is_urgent=ticket.is_urgent)
    ticket.status = Status.ANSWERED
    ticket.answer = answer
    ticket.answered_at = now
    ticket.is_late = bool(ticket.resolution_due_at and now > ticket.resolution_due_at)
    ticket.callback_due_at = deadlines.days_due(now, values.callback_days)
    if ticket.accepted_at is None:
        ticket.accepted_at = now  # answered on the spot: that is the first contact too
    _save(ticket, "status", "answer", "answered_at", "is_late", "callback_due_at", "accepted_at")
    _event(ticket, "answered", source, by=by, note=answer, changes={"late": ticket.is_late})
    number, phone = ticket.number, ticket.caller_phone
    text = _(
        "12351: your request %(number)s has been answered. Follow it with the number and the "
        "last 4 digits of this phone; we will call you back."
    ) % {"number": number}
    transaction.on_commit(lambda: send_sms(phone, text))
    return ticket


@transaction.atomic
def record_callback(
    ticket: Ticket, *, by, satisfaction: str, comment: str = "", escalate: bool = False
) -> Ticket:
    """回访: the caller says how satisfied they are. 不满意 reopens the ticket with a fresh
    resolution deadline for the same union, or (`escalate`) sends it up to its parent."""
    ticket = _lock(ticket)
    _require_step(by, Step.CALL_BACK, ticket)
    if satisfaction not in Satisfaction.values:
        raise RuleViolation(_("Choose how satisfied the caller is."), field="satisfaction")
    target = Status.IN_PROGRESS if satisfaction == Satisfaction.UNSATISFIED else Status.CALLED_BACK
    _check_step(ticket, Step.CALL_BACK, target)
    comment = _text(comment, "comment", required=satisfaction == Satisfaction.UNSATISFIED,
                    limit=NOTE_MAX, message=_("Say why the caller is not satisfied."))  # fmt: skip
    source = ticket.status
    now = timezone.now()
    ticket.satisfaction = satisfaction
    ticket.callback_comment = comment
    ticket.called_back_at = now
    fields = ["satisfaction", "callback_comment", "called_back_at", "status"]
    if target == Status.IN_PROGRESS:
        values = deadlines.deadlines_for(
            ticket.kind, ticket.ticket_class, is_urgent=ticket.is_urgent
        )
        ticket.reopen_count += 1
        ticket.resolution_due_at = deadlines.days_due(now, values.resolution_days)
        ticket.callback_due_at = None
        fields += ["reopen_count", "resolution_due_at", "callback_due_at"]
    ticket.status = target
    _save(ticket, *fields)
    _event(ticket, "called_back", source, by=by, note=comment,
           changes={"satisfaction": satisfaction})  # fmt: skip
    if target == Status.IN_PROGRESS and escalate:
        _escalate(ticket, by=by, reason=_("The caller is not satisfied."))
    return ticket


@transaction.atomic
def close_ticket(ticket: Ticket, *, by, note: str = "") -> Ticket:
    """结案: after a satisfied (or basically satisfied) call-back."""
    return _status_step(ticket, Step.CLOSE, Status.CLOSED, "closed", by=by, note=note,
                        stamp="closed_at")  # fmt: skip


@transaction.atomic
def add_note(ticket: Ticket, *, by, note: str) -> TicketEvent:
    ticket = _lock(ticket)
    if not (_roles(by) & rules.HANDLERS) or not _in_scope(by, ticket.org):
        raise PermissionDenied
    note = _text(note, "note", required=True, limit=NOTE_MAX, message=_("Write the note."))
    return _event(ticket, "note", ticket.status, by=by, note=note)


@transaction.atomic
def add_attachment(ticket: Ticket, upload, *, by) -> TicketAttachment:
    ticket = _lock(ticket)
    if not (_roles(by) & rules.HANDLERS) or not _in_scope(by, ticket.org):
        raise PermissionDenied
    name = str(getattr(upload, "name", "") or "")[-120:]
    if not name.lower().endswith(ATTACHMENT_TYPES):
        raise RuleViolation(_("Attach a picture, PDF, Word, Excel or text file."), field="file")
    if upload.size > ATTACHMENT_MAX_BYTES:
        raise RuleViolation(_("The file is larger than 5 MB."), field="file")
    attachment = TicketAttachment.objects.create(
        ticket=ticket, file=upload, name=name, size=upload.size, added_by=_actor(by)
    )
    _event(ticket, "attached", ticket.status, by=by, changes={"file": name})
    return attachment


def _caller_file_problem(upload) -> str:
    """Why a caller's file cannot be taken, or "" when it can."""
    name = str(getattr(upload, "name", "") or "")
    signature = CALLER_FILE_SIGNATURES.get(Path(name).suffix.lower())
    if signature is None:
        return _("%(name)s: attach a photo (JPEG or PNG) or a PDF.") % {"name": name[-60:]}
    if not upload.size:
        return _("%(name)s is empty.") % {"name": name[-60:]}
    if upload.size > ATTACHMENT_MAX_BYTES:
        return _("%(name)s is larger than 5 MB.") % {"name": name[-60:]}
    upload.seek(0)
    head = upload.read(len(signature))
    upload.seek(0)
    if head != signature:
        return _("%(name)s is not the picture or PDF its name says.") % {"name": name[-60:]}
    return ""


def clean_caller_files(files) -> list:
    """A caller's photos (a pay slip, a contract) or PDFs: at most 3 per request, 5 MB each,
    each checked by its first bytes, not only by its name."""
    files = [upload for upload in (files or ()) if upload]
    if len(files) > CALLER_FILES_PER_REQUEST:
        raise RuleViolation(
            _("Attach at most %(count)d files.") % {"count": CALLER_FILES_PER_REQUEST},
            field="files",
        )
    for upload in files:
        if problem := _caller_file_problem(upload):
            raise RuleViolation(problem, field="files")
    return files


def attach_caller_files(ticket: Ticket, files) -> list[TicketAttachment]:
    """Keep a caller's checked files on their ticket; a file already there (same name and
    size, from a double tap) is not kept twice. At most 9 files from callers per ticket."""
    if not files:
        return []  # before the transaction: on SQLite even an empty one takes the write lock
    with transaction.atomic():
        return _keep_caller_files(_lock(ticket), files)


def _keep_caller_files(ticket: Ticket, files) -> list[TicketAttachment]:
    if ticket.status == Status.CLOSED:
        raise RuleViolation(_("This request is closed: call 12351 to add to it."), field="files")
    kept = set(ticket.attachments.filter(added_by=None).values_list("name", "size"))
    added = []
    for upload in files:
        name = str(upload.name)[-120:]
        if (name, upload.size) in kept:
            continue
        if len(kept) >= CALLER_FILES_PER_TICKET:
            raise RuleViolation(
                _("This request already has %(count)d files from the caller.")
                % {"count": CALLER_FILES_PER_TICKET},
                field="files",
            )
        added.append(
            TicketAttachment.objects.create(ticket=ticket, file=upload, name=name, size=upload.size)
        )
        kept.add((name, upload.size))
        _event(ticket, "attached", ticket.status, by=None, changes={"file": name, "by": "caller"})
    return added


def attach_files_to_followed(number: str, last4: str, files) -> Ticket | None:
    """Files a caller adds later, proving the request is theirs as when following it (the
    number and the phone's last 4 digits). None when they do not match (no enumeration)."""
    files = clean_caller_files(files)
    if not files:
        raise RuleViolation(_("Choose a file to attach."), field="files")
    ticket = follow_ticket(number, last4)
    if ticket is not None:
        attach_caller_files(ticket, files)
    return ticket


# ---- Escalation and the sweep -------------------------------------------------------------


def _escalate(ticket: Ticket, *, by, reason: str, stages: list[str] | None = None) -> bool:
    """Raise the ticket one level: to the parent of the union it was last escalated to (or
    of the responsible union). The root stays where it is."""
    base = ticket.escalated_to or ticket.org
    parent = base.parent
    if parent is None:
        return False
    ticket.escalated_to = parent
    ticket.escalated_at = timezone.now()
    _save(ticket, "escalated_to", "escalated_at")
    _event(ticket, "escalated", ticket.status, by=by, note=reason,
           changes={"to": parent.name, "stages": ",".join(stages or [])})  # fmt: skip
    return True


@transaction.atomic
def escalate_ticket(ticket: Ticket, *, by=None, reason: str = "") -> bool:
    ticket = _lock(ticket)
    if by is not None and not (_roles(by) & rules.HANDLERS and _in_scope(by, ticket.org)):
        raise PermissionDenied
    return _escalate(ticket, by=by, reason=reason or _("Escalated by hand."))


def sweep_deadlines(*, now: datetime.datetime | None = None) -> int:
    """The periodic sweep: every overdue ticket not yet escalated for being late goes up to
    the parent of its union (each ticket once per sweep, each in its own transaction)."""
    now = now or timezone.now()
    overdue = (
        Ticket.objects.filter(queries.overdue_q(now), escalated_to__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    raised = 0
    for pk in list(overdue[:5000]):
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().select_related("org").get(pk=pk)
            stages = ticket.overdue_stages(now)
            if ticket.escalated_to_id or not stages:
                continue
            if _escalate(ticket, by=None, reason=_("Past its deadline."), stages=stages):
                raised += 1
    return raised


# ---- Public follow-up ---------------------------------------------------------------------


def follow_ticket(number: str, last4: str) -> Ticket | None:
    """The ticket when the number and the last 4 digits of its phone match, else None: an
    unknown number and a wrong phone get the same answer, in about the same time."""
    number = str(number or "").strip().upper()[:24]
    last4 = "".join(char for char in str(last4 or "") if char.isdigit())
    ticket = Ticket.objects.select_related("org").filter(number=number).first()
    expected = ticket.caller_phone[-4:] if ticket is not None else "----"
    matches = hmac.compare_digest(expected.encode(), last4[-4:].encode() if last4 else b"")
    return ticket if ticket is not None and matches and len(last4) == 4 else None


# ---- Fast track: 一事一议、先行救助 ----------------------------------------------------------


def fast_track_rule_check(
    ticket: Ticket, *, worker: Worker, amount_fen: int, cause: str, cap_fen: int
) -> str:
    """Refuse an advance relief the rules do not allow; returns the normalised cause key.

    Only from an urgent 帮扶救助 ticket, with a linked worker, within the cap, and the same
    cause at most once a calendar year for the worker."""
    if ticket.kind != Kind.HELP or not ticket.is_urgent:
        raise RuleViolation(
            _("Advance relief is opened only from an urgent help-and-relief ticket."),
            field="ticket",
        )
    if ticket.status in (Status.CALLED_BACK, Status.CLOSED):
        raise RuleViolation(_("The ticket is already closed."), field="ticket")
    if amount_fen <= 0:
        raise RuleViolation(_("Enter an amount above zero."), field="amount_fen")
    if amount_fen > cap_fen:
        raise RuleViolation(
            _("Advance relief is at most %(cap)s yuan.") % {"cap": f"{cap_fen / 100:.2f}"},
            field="amount_fen",
        )
    key = rules.cause_key(_text(cause, "cause", required=True, limit=200,
                                message=_("Say what the relief is for.")))  # fmt: skip
    year = clock.today().year
    if FastTrack.objects.filter(
        worker=worker, cause_key=key, year=year, is_cancelled=False
    ).exists():
        raise RuleViolation(
            _("This worker already had advance relief for the same cause this year."),
            field="cause",
        )
    return key


def approver_level_ok(by) -> bool:
    """One approver at county or city level (not a grassroots union, not the province)."""
    org = getattr(by, "org", None)
    return org is not None and org.kind in (Org.Kind.COUNTY, Org.Kind.CITY)


def fast_track_values(region_code: str, on: datetime.date | None = None) -> rules.FastTrackValues:
    from .models import FastTrackPolicy

    row = in_force(FastTrackPolicy, region_code, on or clock.today())
    if row is not None:
        return rules.FastTrackValues(row.dibao_multiple, row.cap_fen, row.paperwork_days)
    return rules.FastTrackValues()


def fast_track_cap_fen(region_code: str) -> int:
    dibao_fen = dibao_fen_for(region_code, clock.today())
    return fast_track_values(region_code).cap_for(dibao_fen)


def may_open_fast_track(user, ticket: Ticket) -> bool:
    return (
        bool(_roles(user) & rules.FAST_TRACK_PROPOSERS)
        and _in_scope(user, ticket.org)
        and ticket.kind == Kind.HELP
        and ticket.is_urgent
        and ticket.status not in (Status.CALLED_BACK, Status.CLOSED)
    )


def may_approve_fast_track(user) -> bool:
    return bool(_roles(user) & rules.FAST_TRACK_APPROVERS) and approver_level_ok(user)


ADVANCE_GRANT_TYPE = "advance"  # relief's grant type 先行救助


@transaction.atomic
def open_fast_track(
    ticket: Ticket,
    *,
    by,
    amount_fen: int,
    cause: str,
    reason: str = "",
    worker: Worker | None = None,
) -> FastTrack:
    """一事一议、先行救助: propose an advance relief grant for the caller, linked to the ticket.

    Only from an urgent 帮扶救助 ticket whose caller is linked to a worker record, up to the
    region's cap, the same cause at most once a calendar year. The grant itself is proposed
    through the relief app (its caps and duplicate warnings apply too), paid by the
    proposer's union; one approver at county or city level decides (approve_fast_track).
    """
    from nuanjia.relief import services as relief
    from nuanjia.relief.models import GrantType

    ticket = _lock(ticket)
    if not (_roles(by) & rules.FAST_TRACK_PROPOSERS) or not _in_scope(by, ticket.org):
        raise PermissionDenied
    worker = worker or ticket.worker
    if worker is None:
        raise RuleViolation(
            _("Link the caller to a worker record before opening advance relief."),
            field="worker",
        )
    key = fast_track_rule_check(
        ticket,
        worker=worker,
        amount_fen=amount_fen,
        cause=cause,
        cap_fen=fast_track_cap_fen(ticket.region_code),
    )
    grant_type = GrantType.objects.filter(code=ADVANCE_GRANT_TYPE).first()
    if grant_type is None:
        raise RuleViolation(_("The advance relief grant type is not set up."), field="grant_type")
    cause = cause.strip()
    note = _text(reason, "reason", required=False, limit=NOTE_MAX, message="")
    grant = relief.propose_grant(
        worker,
        grant_type=grant_type,
        amount_fen=amount_fen,
        reason=f"{ticket.number} {cause}" + (f"：{note}" if note else ""),
        by=by,
        org=by.org,
    )
    try:
        with transaction.atomic():
            fast_track = FastTrack.objects.create(
                ticket=ticket,
                grant=grant,
                org=grant.org,
                worker=worker,
                cause=cause[:200],
                cause_key=key,
                year=grant.year,
                amount_fen=amount_fen,
                proposed_by=_actor(by),
            )
    except IntegrityError:
        raise RuleViolation(
            _("This worker already had advance relief for the same cause this year."),
            field="cause",
        ) from None
    _event(ticket, "fast_track_proposed", ticket.status, by=by, note=cause,
           changes={"grant": grant.number, "amount_fen": amount_fen})  # fmt: skip
    return fast_track


def _lock_fast_track(fast_track: FastTrack) -> FastTrack:
    list(FastTrack.objects.select_for_update().filter(pk=fast_track.pk).values_list("pk"))
    fast_track.refresh_from_db()
    return fast_track


@transaction.atomic
def approve_fast_track(fast_track: FastTrack, *, by) -> FastTrack:
    """The simplified approval of 先行救助: one approver of a county or city union, who is
    not the proposer and has the paying union in scope; the money is reserved at once and
    the grant is ready for the next payment batch."""
    fast_track = _lock_fast_track(fast_track)
    grant = fast_track.grant
    if not may_approve_fast_track(by) or not _in_scope(by, grant.org):
        raise PermissionDenied
    if fast_track.is_cancelled or fast_track.approved_by_id or grant.status != "proposed":
        raise RuleViolation(_("This advance relief is already decided."), code="invalid_transition")
    if fast_track.proposed_by_id == by.pk:
        raise RuleViolation(
            _("You proposed this advance relief; another person must approve it."),
            code="maker_checker",
        )
    _approve_grant_simplified(grant, by=by)
    fast_track.approved_by = _actor(by)
    fast_track.approved_at = timezone.now()
    fast_track.save(update_fields=["approved_by", "approved_at"])
    _event(fast_track.ticket, "fast_track_approved", fast_track.ticket.status, by=by,
           changes={"grant": grant.number})  # fmt: skip
    return fast_track


def _approve_grant_simplified(grant, *, by) -> None:
    """The relief app's one-approver path of 先行救助 (it owns the grant's states and the
    ledger reservation; see the ADR)."""
    from nuanjia.relief import services as relief

    relief.approve_advance_grant(grant, by=by)


PAYMENT_CHUNK = 500


def follow_grant_payments(sender, *, grant_ids: list[int], paid_on, by=None, **kwargs) -> int:
    """relief.signals.grants_paid, inside the paying transaction: record at once when the
    advance reliefs among the grants were paid — the time from call to payment in working days
    and the paperwork deadline after payment. Returns how many were recorded."""
    recorded = 0
    for start in range(0, len(grant_ids), PAYMENT_CHUNK):
        pending = FastTrack.objects.filter(
            grant_id__in=grant_ids[start : start + PAYMENT_CHUNK],
            paid_on__isnull=True,
            is_cancelled=False,
        ).order_by("pk")
        recorded += sum(_record_fast_track_payment(item, paid_on, by=by) for item in pending)
    return recorded


def _record_fast_track_payment(fast_track: FastTrack, paid_on: datetime.date, *, by) -> bool:
    from nuanjia.core.workdays import add_working_days

    fast_track = _lock_fast_track(fast_track)
    if fast_track.paid_on is not None:
        return False
    grant = fast_track.grant
    values = fast_track_values(grant.region_code or fast_track.ticket.region_code)
    fast_track.paid_on = paid_on
    fast_track.days_to_payment = deadlines.working_days_from_call(
        fast_track.ticket.received_at, paid_on
    )
    fast_track.paperwork_due_on = add_working_days(paid_on, values.paperwork_days)
    fast_track.save(update_fields=["paid_on", "days_to_payment", "paperwork_due_on"])
    _event(fast_track.ticket, "fast_track_paid", fast_track.ticket.status, by=by,
           changes={"grant": grant.number, "paid_on": paid_on,
                    "working_days": fast_track.days_to_payment})  # fmt: skip
    return True


@transaction.atomic
def complete_fast_track_paperwork(fast_track: FastTrack, *, by, note: str = "") -> FastTrack:
    """补办手续: the paperwork of a paid advance relief is complete (application, evidence,
    signatures). Until then it shows on the to-do list, late after `paperwork_due_on`."""
    if not (_roles(by) & rules.FAST_TRACK_PROPOSERS) or not _in_scope(by, fast_track.org):
        raise PermissionDenied
    fast_track = _lock_fast_track(fast_track)
    if fast_track.paid_on is None:
        raise RuleViolation(_("The advance relief is not paid yet."), code="invalid_transition")
    if fast_track.paperwork_done_on is not None:
        raise RuleViolation(_("The paperwork is already complete."), code="invalid_transition")
    fast_track.paperwork_done_on = clock.today()
    fast_track.save(update_fields=["paperwork_done_on"])
    _event(fast_track.ticket, "fast_track_paperwork", fast_track.ticket.status, by=by,
           note=note[:NOTE_MAX], changes={"grant": fast_track.grant.number,
                                          "late": fast_track.paperwork_done_on > fast_track.paperwork_due_on})  # fmt: skip
    return fast_track
