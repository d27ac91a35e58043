"""Intake: the public fast path (numbers from the day counter, the writers' queue, prepared
inserts) and the agent's desk (a call taken and classified at once), linking the caller."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core import bulk, clock
from nuanjia.core.actors import Actor
from nuanjia.core.audit import append_event, append_event_and, prepare_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.core.prepared import PreparedInsert, hot_cursor, unsaved
from nuanjia.core.sms import send_sms
from nuanjia.core.workflow import access
from nuanjia.orgs.models import Org
from nuanjia.people.models import Employer, Worker

from .. import queries, rules
from ..models import DayCounter, Ticket, TicketEvent
from ..rules import Channel, Status, TicketClass
from ..workflow import FLOW
from .attachments import attach_caller_files, clean_caller_files
from .common import _apply_deadlines, _may, _save, _signed_in, clean_request
from .lifecycle import dispatch_ticket

# ---- Numbers ------------------------------------------------------------------------------


def _next_number(day: datetime.date, *, take_id: bool = False) -> tuple[str, int | None]:
    """The next number of `day`, in the caller's transaction: one UPDATE … RETURNING of the
    day's counter row (which holds its lock until commit), created on the day's first ticket.
    A rolled-back transaction leaves a gap in the day's numbers, never a repeat. `take_id`
    (PostgreSQL): also the ticket's id, from its sequence, in the same statement."""
    table = connection.ops.quote_name(DayCounter._meta.db_table)
    ahead = f", (SELECT nextval(pg_get_serial_sequence('{Ticket._meta.db_table}', 'id')))"
    sql = f"UPDATE {table} SET last = last + 1 WHERE day = %s RETURNING last{ahead if take_id else ''}"  # noqa: S608 -- our own names
    with hot_cursor() as cursor:
        cursor.execute(sql, [day])
        row = cursor.fetchone()
        if row is None:
            try:
                with transaction.atomic():
                    DayCounter.objects.create(day=day, last=0)
            except IntegrityError:  # another submission created it first
                pass
            cursor.execute(sql, [day])
            row = cursor.fetchone()
    return rules.ticket_number(day, row[0]), (row[1] if take_id else None)


def writers_queue() -> AbstractContextManager[None]:
    """On SQLite, queue the public path's writers on a file lock before they ask for the
    database's write lock (core.bulk.sqlite_writers_queue): SQLite's busy handler sleeps in
    growing steps (up to 100 ms) and makes the slowest submissions slow. PostgreSQL queues row
    locks itself: nothing to do there."""
    return bulk.sqlite_writers_queue("hotline-writers.lock")


def _notify_received(ticket: Ticket, phone: str) -> None:
    """Text the caller the number after commit; `phone` is the cleaned number just sealed
    into the ticket (reading `ticket.caller_phone` back would decrypt it again)."""
    number = ticket.number
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
    files: Iterable[UploadedFile] = (),
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
    now = timezone.now()
    employer = queries.match_employer(request.employer_name)
    org = queries.proposed_org(request.region_code, employer)
    if org is None:
        raise RuleViolation(_("Choose the place (city or county)."), field="region_code")
    ticket = Ticket(  # type: ignore[misc]  # a sealed-phone property (core.sealed_phones)
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
    )
    key = ticket.duplicate_key = rules.duplicate_key(ticket.caller_phone_index, request.description)
    _apply_deadlines(ticket)
    day = timezone.localdate(now)
    with writers_queue():
        number, ticket.pk = _take_number(day)
        intake = _prepare_intake(ticket, channel)
        with transaction.atomic():
            number = number or _next_number(day)[0]
            _queue_twins(key)
            twin = intake.first_twin()
            if twin:
                ticket = _merge_into(twin, channel)
            else:
                intake.write(number)
    attach_caller_files(ticket, files)
    if not twin:
        _notify_received(ticket, request.phone)
    return ticket, not twin


def _take_number(day: datetime.date) -> tuple[str, int | None]:
    """On PostgreSQL, the day's next number in a transaction of its own, so that the counter
    row every submission of the day updates is locked for one statement, not for the whole
    intake, with the ticket's id taken ahead from its sequence in the same statement (the
    ticket, its timeline row and its audit event are then written by one statement,
    `_Intake.write`). A submission that then fails or is merged leaves a gap in the day's
    numbers and in the ids.

    On SQLite, ("", None) (the intake's transaction takes the number): the writers' queue
    already lets one writer at a time in, so a transaction of its own would lock nothing less
    and only cost a second BEGIN IMMEDIATE and COMMIT on every submission."""
    if connection.vendor == "sqlite":
        return "", None
    if not connection.in_atomic_block:  # the UPDATE commits by itself: no BEGIN, no COMMIT
        return _next_number(day, take_id=True)
    with transaction.atomic():
        return _next_number(day, take_id=True)


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
    twins: tuple[str, list[Any]]
    ticket_insert: PreparedInsert[Ticket]
    event_insert: PreparedInsert[TicketEvent]
    audit: PreparedInsert[AuditEvent]

    def first_twin(self) -> tuple[int, str, str] | None:
        """(pk, number, status) of the newest ticket with the same phone and text within
        the duplicate window, if any."""
        with hot_cursor() as cursor:
            cursor.execute(*self.twins)
            row: tuple[int, str, str] | None = cursor.fetchone()
            return row

    def write(self, number: str) -> None:
        """The ticket, its timeline's first row and the audit event: with the id taken
        ahead (PostgreSQL), all three in the audit event's statement."""
        if self.ticket.pk is None:
            self.ticket_insert.execute(number=number)
            self.event_insert.execute(ticket_id=self.ticket.pk)
            append_event(self.audit, object_id=str(self.ticket.pk), object_label=number)
            return
        rows = [self.ticket_insert.statement_and_params(number=number),
                self.event_insert.statement_and_params(ticket_id=self.ticket.pk)]  # fmt: skip
        append_event_and(self.audit, rows, object_id=str(self.ticket.pk), object_label=number)
        self.ticket_insert.mark_saved()
        self.event_insert.mark_saved()


def _twins_statement(ticket: Ticket) -> tuple[str, list[Any]]:
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
    """The same rows `ticket.save()` and `FLOW.record(ticket, "received", …)` would write."""
    ticket.number = ""  # taken under the lock
    changes = {"channel": channel}
    event = unsaved(TicketEvent, {"ticket_id": 0, "action": "received", "from_status": "",
                                  "to_status": ticket.status, "changes": changes})  # fmt: skip
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
    the audit trail, as any step would (`Workflow.record`). Rare, so written the ordinary way, in the
    intake's transaction under the writers' queue."""
    ticket = Ticket.objects.select_related("org").get(pk=twin[0])
    Ticket.objects.filter(pk=ticket.pk).update(merged_count=F("merged_count") + 1)
    ticket.merged_count += 1
    FLOW.record(ticket, "merged", ticket.status, by=None, changes={"channel": channel})
    return ticket


@transaction.atomic
def open_ticket(
    *,
    by: Actor,
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
    if not _may(by, rules.INTAKE_ROLES) or by.org is None:
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
    if worker is not None and not access().in_scope(by, worker.org):
        raise PermissionDenied
    if employer is None:
        employer = queries.match_employer(request.employer_name) or (
            worker.employer if worker is not None else None
        )
    proposed = queries.proposed_org(request.region_code, employer)
    now = clock.now()  # the real time, unless the demo holds an earlier business day
    ticket = Ticket(  # type: ignore[misc]  # a sealed-phone property (core.sealed_phones)
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
        received_by=_signed_in(by),
        classified_at=now,
    )
    ticket.duplicate_key = rules.duplicate_key(ticket.caller_phone_index, request.description)
    _apply_deadlines(ticket)
    ticket.number = _next_number(timezone.localdate(now))[0]
    ticket.save(force_insert=True)
    FLOW.record(ticket, "received", "", by=by, changes={"channel": channel, "kind": request.kind})
    _notify_received(ticket, request.phone)
    if dispatch:
        target = dispatch_to or proposed
        ticket = dispatch_ticket(ticket, by=by, org=target, reason=reason)
    return ticket


@transaction.atomic
def link_worker(ticket: Ticket, worker: Worker | None, *, by: Actor) -> Ticket:
    """Link the caller to a worker record (or unlink with None)."""
    ticket = FLOW.lock(ticket)
    if not _may(by, rules.HANDLERS, ticket.org):
        raise PermissionDenied
    if worker is not None and not access().in_scope(by, worker.org):
        raise PermissionDenied
    before = ticket.worker_id
    ticket.worker = worker
    _save(ticket, "worker")
    FLOW.record(
        ticket,
        "worker_linked",
        ticket.status,
        by=by,
        changes={"worker": [before, worker and worker.pk]},
    )
    return ticket
