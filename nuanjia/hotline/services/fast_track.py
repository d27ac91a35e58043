"""一事一议、先行救助 from a ticket: the rules, the cap, proposing the advance grant through
relief, its one-approver approval, the payment record and the paperwork after it."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core import bulk, clock
from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.core.workflow import access
from nuanjia.orgs.models import Org
from nuanjia.people.models import Worker
from nuanjia.relief.rules import Status as GrantStatus
from nuanjia.standards.queries import dibao_fen_for, in_force

from .. import deadlines, rules
from ..models import FastTrack, Ticket
from ..rules import Kind, Status
from ..workflow import FLOW
from .common import NOTE_MAX, _may, _signed_in, _text

if TYPE_CHECKING:
    from nuanjia.relief.models import Grant

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


def approver_level_ok(by: Actor) -> bool:
    """One approver at county or city level (not a grassroots union, not the province)."""
    org = getattr(by, "org", None)
    return org is not None and org.kind in (Org.Kind.COUNTY, Org.Kind.CITY)


def fast_track_values(region_code: str, on: datetime.date | None = None) -> rules.FastTrackValues:
    from ..models import FastTrackPolicy

    row = in_force(FastTrackPolicy, region_code, on or clock.today())
    if row is not None:
        return rules.FastTrackValues(row.dibao_multiple, row.cap_fen, row.paperwork_days)
    return rules.FastTrackValues()


def fast_track_cap_fen(region_code: str) -> int:
    dibao_fen = dibao_fen_for(region_code, clock.today())
    return fast_track_values(region_code).cap_for(dibao_fen)


def fast_track_allowed(ticket: Ticket) -> bool:
    """Whether the ticket may open advance relief: an open, urgent help ticket."""
    return (
        ticket.kind == Kind.HELP
        and ticket.is_urgent
        and ticket.status not in (Status.CALLED_BACK, Status.CLOSED)
    )


def may_open_fast_track(user: Actor | None, ticket: Ticket) -> bool:
    return _may(user, rules.FAST_TRACK_PROPOSERS, ticket.org) and fast_track_allowed(ticket)


def may_approve_fast_track(user: Actor | None) -> bool:
    return user is not None and _may(user, rules.FAST_TRACK_APPROVERS) and approver_level_ok(user)


ADVANCE_GRANT_TYPE = "advance"  # relief's grant type 先行救助


@transaction.atomic
def open_fast_track(
    ticket: Ticket,
    *,
    by: Actor,
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

    ticket = FLOW.lock(ticket)
    if not _may(by, rules.FAST_TRACK_PROPOSERS, ticket.org):
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
                proposed_by=_signed_in(by),
            )
    except IntegrityError:
        raise RuleViolation(
            _("This worker already had advance relief for the same cause this year."),
            field="cause",
        ) from None
    FLOW.record(ticket, "fast_track_proposed", ticket.status, by=by, note=cause,
           changes={"grant": grant.number, "amount_fen": amount_fen})  # fmt: skip
    return fast_track


def _lock_fast_track(fast_track: FastTrack) -> FastTrack:
    list(FastTrack.objects.select_for_update().filter(pk=fast_track.pk).values_list("pk"))
    fast_track.refresh_from_db()
    return fast_track


@transaction.atomic
def approve_fast_track(fast_track: FastTrack, *, by: Actor) -> FastTrack:
    """The simplified approval of 先行救助: one approver of a county or city union, who is
    not the proposer and has the paying union in scope; the money is reserved at once and
    the grant is ready for the next payment batch."""
    fast_track = _lock_fast_track(fast_track)
    grant = fast_track.grant
    if not may_approve_fast_track(by) or not access().in_scope(by, grant.org):
        raise PermissionDenied
    if fast_track.is_cancelled or fast_track.approved_by_id or grant.status != GrantStatus.PROPOSED:
        raise RuleViolation(_("This advance relief is already decided."), code="invalid_transition")
    if fast_track.proposed_by_id == by.pk:
        raise RuleViolation(
            _("You proposed this advance relief; another person must approve it."),
            code="maker_checker",
        )
    _approve_grant_simplified(grant, by=by)
    fast_track.approved_by = _signed_in(by)
    fast_track.approved_at = timezone.now()
    fast_track.save(update_fields=["approved_by", "approved_at"])
    FLOW.record(fast_track.ticket, "fast_track_approved", fast_track.ticket.status, by=by,
           changes={"grant": grant.number})  # fmt: skip
    return fast_track


def _approve_grant_simplified(grant: Grant, *, by: Actor) -> None:
    """The relief app's one-approver path of 先行救助 (it owns the grant's states and the
    ledger reservation; see the ADR)."""
    from nuanjia.relief import services as relief

    relief.approve_advance_grant(grant, by=by)


PAYMENT_CHUNK = 500


def follow_grant_payments(
    sender: object,
    *,
    grant_ids: list[int],
    paid_on: datetime.date,
    by: Actor | None = None,
    **kwargs: object,
) -> int:
    """relief.signals.grants_paid, inside the paying transaction: record at once when the
    advance reliefs among the grants were paid — the time from call to payment in working days
    and the paperwork deadline after payment. Returns how many were recorded."""
    waiting = _grants_waiting_for_payment(grant_ids)
    recorded = 0
    for start in range(0, len(grant_ids), PAYMENT_CHUNK):
        chunk = [pk for pk in grant_ids[start : start + PAYMENT_CHUNK] if pk in waiting]
        if not chunk:
            continue
        pending = FastTrack.objects.filter(
            grant_id__in=chunk,
            paid_on__isnull=True,
            is_cancelled=False,
        ).order_by("pk")
        recorded += sum(_record_fast_track_payment(item, paid_on, by=by) for item in pending)
    return recorded


def _grants_waiting_for_payment(grant_ids: list[int]) -> set[int]:
    """The grants among `grant_ids` that are an advance relief waiting for its payment, by
    plain IN look-ups: a payment batch pays 100,000 grants, nearly all of them without one,
    and ORM IN lookups of that many ids cost more in Python than the queries themselves."""
    found = bulk.select_in(
        f"SELECT grant_id FROM {bulk.quoted(FastTrack._meta.db_table)} "  # noqa: S608
        "WHERE paid_on IS NULL AND NOT is_cancelled AND grant_id IN",
        grant_ids,
    )
    return {grant_id for (grant_id,) in found}


def _record_fast_track_payment(
    fast_track: FastTrack, paid_on: datetime.date, *, by: Actor | None
) -> bool:
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
    figures = {
        "grant": grant.number,
        "paid_on": paid_on,
        "working_days": fast_track.days_to_payment,
    }
    FLOW.record(
        fast_track.ticket, "fast_track_paid", fast_track.ticket.status, by=by, changes=figures
    )
    return True


@transaction.atomic
def complete_fast_track_paperwork(fast_track: FastTrack, *, by: Actor, note: str = "") -> FastTrack:
    """补办手续: the paperwork of a paid advance relief is complete (application, evidence,
    signatures). Until then it shows on the to-do list, late after `paperwork_due_on`."""
    if not _may(by, rules.FAST_TRACK_PROPOSERS, fast_track.org):
        raise PermissionDenied
    fast_track = _lock_fast_track(fast_track)
    if fast_track.paid_on is None:
        raise RuleViolation(_("The advance relief is not paid yet."), code="invalid_transition")
    if fast_track.paperwork_done_on is not None:
        raise RuleViolation(_("The paperwork is already complete."), code="invalid_transition")
    # Recording the payment set the paperwork's deadline with its date.
    assert fast_track.paperwork_due_on is not None
    fast_track.paperwork_done_on = clock.today()
    fast_track.save(update_fields=["paperwork_done_on"])
    FLOW.record(fast_track.ticket, "fast_track_paperwork", fast_track.ticket.status, by=by,
           note=note[:NOTE_MAX], changes={"grant": fast_track.grant.number,
                                          "late": fast_track.paperwork_done_on > fast_track.paperwork_due_on})  # fmt: skip
    return fast_track
