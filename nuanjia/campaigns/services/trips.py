"""疗休养 trips (ADR 0015): a union running a TRIP activity sets up trips (团期) under a travel
partner's contract; the unions below nominate enrolled workers (推荐人选) within their quota;
an approver who did not nominate approves (NOMINATION_FLOW); after the trip leaves, union staff
or the travel partner marks who went.

A nomination holds two places in one transaction: one of the nominating union's quota (a
`Booking` through `quotas.book_place`, with the travel partner on it) and one of the trip's
(`Trip.taken`, one conditional UPDATE; the CHECK taken ≤ places is the last guard). Refusing or
withdrawing gives both back. Lock order, everywhere: the trip's row first, then the
nomination's, then the quota rows (parent before child, as quotas does), so two writers never
wait on each other in a cycle.

A trip's cost per person is always its contract's price: the monthly settlement pays the
partner price × people who went, so a trip priced otherwise would never add up.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import clock
from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.text import one_line
from nuanjia.members.models import Partner, PartnerUser
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of
from nuanjia.orgs.rules import Role
from nuanjia.people.models import Worker

from ..models import Activity, Booking, Enrolment, Nomination, PartnerContract, Trip
from ..rules import (
    ActivityKind,
    BookingStatus,
    NominationStatus,
    NominationStep,
    RosterStatus,
    TripStatus,
)
from ..workflow import NOMINATION_FLOW
from .common import require_open, require_planner, require_taking_part
from .quotas import MAX_PLACES, book_place, cancel_booking

__all__ = [
    "NOMINATION_ACTIONS",
    "NOMINATOR_ROLES",
    "approve_nomination",
    "cancel_trip",
    "change_trip_places",
    "close_trip",
    "create_trip",
    "mark_trip_attendance",
    "nominate",
    "refuse_nomination",
    "withdraw_nomination",
]

# Who nominates: a union's caseworkers (an approver of the union decides).
NOMINATOR_ROLES = frozenset({Role.CASEWORKER})
# How a nomination's history names its actions (the steps' names come from NominationStep).
NOMINATION_ACTIONS = {
    "nominate": gettext_lazy("Nominated"),
    NominationStep.APPROVE.value: gettext_lazy("Approved"),
    NominationStep.REFUSE.value: gettext_lazy("Refused; both places returned"),
    NominationStep.WITHDRAW.value: gettext_lazy("Withdrawn; both places returned"),
    "attended": gettext_lazy("Went on the trip"),
    "absent": gettext_lazy("Did not go"),
}
# Nominations in a campaign that keep a worker from another trip of it: still waiting, going,
# or gone. (Did not go: the worker may be nominated for another trip activity.)
_HOLDING = (NominationStatus.NOMINATED, NominationStatus.APPROVED, NominationStatus.ATTENDED)


# ---- trips -----------------------------------------------------------------------------------


def _check_contract(activity: Activity, contract: PartnerContract) -> None:
    if activity.kind != ActivityKind.TRIP or not activity.uses_places:
        raise RuleViolation(
            _("Trips belong to a rest and recuperation activity with limited places."),
            field="activity",
        )
    if contract.activity_id != activity.pk:
        raise RuleViolation(_("Choose a contract of this activity."), field="contract")
    partner = contract.partner
    if partner.kind != Partner.Kind.TRAVEL or not partner.is_active or not contract.is_active:
        raise RuleViolation(
            _("Choose a live contract of an active travel partner."), field="contract"
        )


def _check_dates(
    activity: Activity, contract: PartnerContract, starts_on: Any, ends_on: Any
) -> tuple[datetime.date, datetime.date]:
    if not isinstance(starts_on, datetime.date) or not isinstance(ends_on, datetime.date):
        raise RuleViolation(_("Give the day the trip leaves and returns."), field="starts_on")
    if ends_on < starts_on:
        raise RuleViolation(_("The trip returns before it leaves."), field="ends_on")
    campaign = activity.campaign
    bounds = [
        (contract.starts_on, contract.ends_on, _("the contract")),
        (campaign.starts_on, campaign.ends_on, _("the campaign")),
        (activity.starts_on, activity.ends_on, _("the activity")),
    ]
    for first, last, what in bounds:
        if (first and starts_on < first) or (last and ends_on > last):
            raise RuleViolation(
                _("The trip must fall within the period of %(what)s (%(from)s to %(until)s).")
                % {"what": what, "from": first or "…", "until": last or "…"},
                field="starts_on" if first and starts_on < first else "ends_on",
            )
    return starts_on, ends_on


def _trip_places(value: Any, field: str = "places") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_PLACES:
        raise RuleViolation(
            _("The number of places must be between 1 and %(max)d.") % {"max": MAX_PLACES},
            field=field,
        )
    return int(value)


@transaction.atomic
def create_trip(
    activity: Activity,
    contract: PartnerContract,
    *,
    name: str,
    place: str,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    places: int,
    by: Actor,
) -> Trip:
    """A trip (团期) of `activity` with the travel partner of `contract`, set up by a
    caseworker or approver of the activity's union; it costs the contract's price a person."""
    require_planner(by, activity.org)
    require_open(activity.campaign)
    _check_contract(activity, contract)
    starts_on, ends_on = _check_dates(activity, contract, starts_on, ends_on)
    trip = Trip.objects.create(
        activity=activity,
        contract=contract,
        name=one_line(name, "name", 100, required_message=_("Name the trip.")),
        place=one_line(place, "place", 100, required_message=_("Say where the trip goes.")),
        starts_on=starts_on,
        ends_on=ends_on,
        places=_trip_places(places),
        cost_fen=contract.price_fen,
        created_by=staff_of(by),
    )
    record_event(
        trip,
        "campaigns.trip_created",
        by=by,
        org=activity.org,
        changes={
            "activity": activity.pk,
            "partner": contract.partner.name,
            "name": trip.name,
            "place": trip.place,
            "from": starts_on.isoformat(),
            "until": ends_on.isoformat(),
            "places": trip.places,
            "cost_fen": trip.cost_fen,
        },
    )
    return trip


def _locked_trip(trip: Trip) -> Trip:
    """The trip's row locked (its own only: the activity, campaign and contract read with it
    stay free for everyone else)."""
    return (
        Trip.objects.select_for_update(of=("self",))
        .select_related("activity__campaign", "contract__partner")
        .get(pk=trip.pk)
    )


@transaction.atomic
def change_trip_places(trip: Trip, places: int, *, by: Actor) -> Trip:
    """More or fewer places on an open trip; never fewer than the nominations holding one."""
    trip = _locked_trip(trip)
    require_planner(by, trip.activity.org)
    if trip.status == TripStatus.CANCELLED:
        raise RuleViolation(_("This trip is cancelled."), field="status")
    places = _trip_places(places)
    if places < trip.taken:
        raise RuleViolation(
            _("%(count)d places are already taken by nominations.") % {"count": trip.taken},
            field="places",
        )
    before = trip.places
    trip.places = places
    trip.save(update_fields=["places"])
    record_event(
        trip,
        "campaigns.trip_places_changed",
        by=by,
        org=trip.activity.org,
        changes={"places": [before, places], "taken": trip.taken},
    )
    return trip


@transaction.atomic
def close_trip(trip: Trip, *, by: Actor, reason: str = "") -> Trip:
    """Stop taking nominations (停止推荐); the nominations made stand."""
    trip = _locked_trip(trip)
    require_planner(by, trip.activity.org)
    if trip.status != TripStatus.OPEN:
        raise RuleViolation(_("Only a trip open for nominations can be closed."), field="status")
    trip.status = TripStatus.CLOSED
    trip.save(update_fields=["status"])
    record_event(
        trip,
        "campaigns.trip_closed",
        by=by,
        org=trip.activity.org,
        changes={"taken": trip.taken, "reason": one_line(reason, "reason", 200)},
    )
    return trip


@transaction.atomic
def cancel_trip(trip: Trip, *, by: Actor, reason: str) -> Trip:
    """Cancel a trip nobody was approved for: the waiting nominations are withdrawn and give
    both their places back, in this one transaction."""
    trip = _locked_trip(trip)
    require_planner(by, trip.activity.org)
    reason = one_line(reason, "reason", 200, required_message=_("Say why the trip is cancelled."))
    if trip.status == TripStatus.CANCELLED:
        raise RuleViolation(_("This trip is already cancelled."), field="status")
    decided = trip.nominations.exclude(
        status__in=[NominationStatus.NOMINATED, NominationStatus.WITHDRAWN]
    )
    if decided.exists():
        raise RuleViolation(
            _("People were approved for this trip: withdraw them first."), field="status"
        )
    waiting = list(trip.nominations.filter(status=NominationStatus.NOMINATED).order_by("pk"))
    for nomination in waiting:
        nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
        source = nomination.status
        _give_back(nomination, by=by, reason=reason)
        nomination.status = NominationStatus.WITHDRAWN
        nomination.decided_at = timezone.now()
        nomination.save(update_fields=["status", "decided_at", "updated_at"])
        NOMINATION_FLOW.record(
            nomination, NominationStep.WITHDRAW.value, source, by=by, note=reason,
            changes={"trip_cancelled": trip.pk},
        )  # fmt: skip
    trip.refresh_from_db()
    trip.status = TripStatus.CANCELLED
    trip.save(update_fields=["status"])
    record_event(
        trip,
        "campaigns.trip_cancelled",
        by=by,
        org=trip.activity.org,
        changes={"withdrawn": len(waiting), "reason": reason},
    )
    return trip


# ---- nominations -----------------------------------------------------------------------------


def _check_nominee(trip: Trip, worker: Worker, org: Org) -> None:
    """The worker is on an approved list of the activity at `org` or a union below it, and
    holds no other nomination of the campaign (waiting, going or gone)."""
    enrolled = Enrolment.objects.filter(
        activity=trip.activity,
        worker=worker,
        roster__status=RosterStatus.APPROVED,
        org__path__startswith=org.path,
    ).exists()
    if not enrolled:
        raise RuleViolation(
            _("%(name)s is not on an approved list of this activity at %(union)s or below.")
            % {"name": worker.name, "union": org.name},
            field="worker",
        )
    other = (
        Nomination.objects.filter(
            worker=worker,
            trip__activity__campaign_id=trip.activity.campaign_id,
            status__in=_HOLDING,
        )
        .select_related("trip")
        .first()
    )
    if other is not None:
        message = (
            _("%(name)s already went on the trip “%(trip)s” in this campaign.")
            if other.status == NominationStatus.ATTENDED
            else _("%(name)s is already nominated for the trip “%(trip)s” in this campaign.")
        )
        raise RuleViolation(
            message % {"name": worker.name, "trip": other.trip.name},
            field="worker",
            code="already_nominated",
        )


def _require_open_trip(trip: Trip) -> None:
    if trip.status != TripStatus.OPEN:
        raise RuleViolation(_("This trip takes no more nominations."), field="trip")
    if trip.starts_on <= clock.today():
        raise RuleViolation(_("This trip has already left."), field="trip")
    if not trip.contract.is_active:
        raise RuleViolation(_("The travel partner's contract has ended."), field="trip")


def _trip_full() -> RuleViolation:
    return RuleViolation(_("This trip has no place left."), field="trip", code="no_place")


@transaction.atomic
def nominate(trip: Trip, worker: Worker, org: Org, *, by: Actor, note: str = "") -> Nomination:
    """A caseworker of `org` (or above) nominates an enrolled worker of its subtree: one
    place of `org`'s quota and one of the trip's, both or neither."""
    trip = _locked_trip(trip)  # first: nominations of one trip queue here, one at a time
    activity = trip.activity
    require_planner(by, org, NOMINATOR_ROLES)
    require_open(activity.campaign)
    require_taking_part(activity, org)
    _require_open_trip(trip)
    note = one_line(note, "note", 200)
    if trip.taken >= trip.places:
        raise _trip_full()
    _check_nominee(trip, worker, org)
    booking = book_place(activity, worker, org, by=by, note=note)
    booking.partner = trip.contract.partner
    booking.appointment_on = trip.starts_on
    booking.save(update_fields=["partner", "appointment_on"])
    taken = Trip.objects.filter(pk=trip.pk, taken__lt=F("places")).update(taken=F("taken") + 1)
    if not taken:  # never with the row locked above; kept as the guard the docstring names
        raise _trip_full()
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(
                trip=trip, booking=booking, org=org, worker=worker,
                nominated_by=staff_of(by), note=note,
            )  # fmt: skip
    except IntegrityError:
        raise RuleViolation(
            _("%(name)s is already nominated for this trip.") % {"name": worker.name},
            field="worker",
        ) from None
    NOMINATION_FLOW.record(
        nomination, "nominate", "", by=by, note=note,
        changes={"trip": trip.pk, "worker": worker.pk, "left": trip.places - trip.taken - 1},
    )  # fmt: skip
    return nomination


def _give_back(nomination: Nomination, *, by: Actor | None, reason: str) -> None:
    """Both places back: the trip's (its row is locked by the caller) and the union's quota
    (the booking cancelled through quotas, audited there)."""
    Trip.objects.filter(pk=nomination.trip_id).update(taken=F("taken") - 1)
    booking = nomination.booking
    if booking.status == BookingStatus.BOOKED:
        assert by is not None
        cancel_booking(booking, by=by, reason=reason or _("Trip nomination withdrawn"))


def _lock_trip_of(nomination: Nomination) -> Trip:
    """The trip's row, locked before the nomination's (the module's lock order)."""
    return Trip.objects.select_for_update().get(pk=nomination.trip_id)


@NOMINATION_FLOW.handler(NominationStep.APPROVE)
@transaction.atomic
def approve_nomination(nomination: Nomination, *, by: Actor | None, note: str = "") -> Nomination:
    """审批通过: by an approver who did not nominate (the engine refuses the nominator)."""
    trip = _lock_trip_of(nomination)
    with NOMINATION_FLOW.moving(nomination, NominationStep.APPROVE, by=by, note=note) as move:
        if trip.status == TripStatus.CANCELLED:
            raise RuleViolation(_("This trip is cancelled."), field="trip")
        move.obj.decided_at = timezone.now()
        move.changes.update(trip=trip.pk, worker=move.obj.worker_id)
    return move.obj


@NOMINATION_FLOW.handler(NominationStep.REFUSE)
@transaction.atomic
def refuse_nomination(nomination: Nomination, *, by: Actor | None, note: str = "") -> Nomination:
    """不予批准: the nomination ends (withdrawn) and both places are free again."""
    _lock_trip_of(nomination)
    with NOMINATION_FLOW.moving(nomination, NominationStep.REFUSE, by=by, note=note) as move:
        _give_back(move.obj, by=by, reason=move.note)
        move.obj.decided_at = timezone.now()
        move.changes.update(places_returned=2)
    return move.obj


@NOMINATION_FLOW.handler(NominationStep.WITHDRAW)
@transaction.atomic
def withdraw_nomination(nomination: Nomination, *, by: Actor | None, note: str = "") -> Nomination:
    """撤回: by the nominating union (or one above it) before the trip leaves."""
    trip = _lock_trip_of(nomination)
    with NOMINATION_FLOW.moving(nomination, NominationStep.WITHDRAW, by=by, note=note) as move:
        if trip.starts_on <= clock.today():
            raise RuleViolation(
                _("The trip has left: record whether the person went instead."), field="status"
            )
        _give_back(move.obj, by=by, reason=move.note)
        move.changes.update(places_returned=2)
    return move.obj


# ---- attendance ------------------------------------------------------------------------------


@transaction.atomic
def mark_trip_attendance(
    nomination: Nomination,
    *,
    attended: bool,
    by: Actor | None = None,
    partner_user: PartnerUser | None = None,
) -> Nomination:
    """Record, once the trip has left, whether an approved nominee went: by staff of the
    nominating union (or above), or by a person of the trip's travel partner.

    Went: the booking is done (完成), on the day the trip left. Did not go: nothing is given
    back — the place on the trip was held for the person until it left and nobody else could
    take it, so the union's quota place stays used and the trip's place stays taken; the
    booking stays open (booked) with its closing time set, and nothing is settled for it."""
    trip = _lock_trip_of(nomination)
    if partner_user is not None:
        if by is not None:
            raise ValueError("either staff or a partner user records attendance")
        partner = partner_user.partner
        if not (partner_user.is_active and partner.is_active) or (
            trip.contract.partner_id != partner.pk
        ):
            raise RuleViolation(_("This trip is not one of yours."), field="trip")
    else:
        require_planner(by, nomination.org)
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.status != NominationStatus.APPROVED:
        raise RuleViolation(
            _("Only an approved nominee's attendance is recorded, once."), field="status"
        )
    if trip.starts_on > clock.today():
        raise RuleViolation(_("The trip has not left yet."), field="status")
    now = timezone.now()
    if attended:
        Booking.objects.filter(pk=nomination.booking_id).update(
            status=BookingStatus.DONE, closed_at=now, done_on=trip.starts_on
        )
    else:
        Booking.objects.filter(pk=nomination.booking_id).update(closed_at=now)
    source = nomination.status
    nomination.status = NominationStatus.ATTENDED if attended else NominationStatus.ABSENT
    nomination.save(update_fields=["status", "updated_at"])
    NOMINATION_FLOW.record(
        nomination,
        "attended" if attended else "absent",
        source,
        by=by,
        changes={"trip": trip.pk, "worker": nomination.worker_id},
        actor_label=partner_user.actor_label if partner_user is not None else "",
    )
    return nomination
