"""Free health checks (免费体检) at partner hospitals: a worker on an approved list of a
health-check activity takes one of their union's places for a day at an outlet of a hospital
whose contract covers that day, within the contract's checks per outlet a day. Booked by the
union's staff or by the member on the phone; the hospital marks the check attended (done on
the day; nothing medical is kept) or missed. A first miss clears the day and re-invites the
worker once; a second closes the booking and gives the place back to the union's quota.

Every booking locks the contract's row first (the daily count is read under that lock, so
two bookings never take the last check of a day together), then takes the place through the
same conditional UPDATE as every other booking (quotas._book_a_place)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core import clock
from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.members.models import Member, Outlet, Partner, PartnerUser
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of
from nuanjia.people.models import Worker

from ..models import Activity, Booking, Enrolment, Invitation, PartnerContract
from ..rules import ActivityKind, BookedVia, BookingStatus, InvitationStatus
from .common import require_open, require_planner, require_taking_part
from .quotas import _book_a_place, _return_place

# Bookings that hold a check of their day at an outlet.
HOLDING = (BookingStatus.BOOKED, BookingStatus.DONE)


@dataclass(frozen=True)
class Who:
    """Who acts: a union's staff (`by`), a member on the phone, or a hospital's person."""

    by: Actor | None = None
    member: Member | None = None
    partner_user: PartnerUser | None = None

    def audit(self) -> dict[str, Any]:
        if self.member is not None:
            return {"actor_label": self.member.actor_label}
        if self.partner_user is not None:
            return {"actor_label": self.partner_user.actor_label}
        return {"by": self.by}


def require_health_check(activity: Activity) -> None:
    if activity.kind != ActivityKind.HEALTH_CHECK or not activity.uses_places:
        raise RuleViolation(_("This is not a health-check activity with places."), field="activity")


def enrolment_of(activity: Activity, worker: Worker) -> Enrolment:
    """The worker's row on an approved list of the activity, or the refusal."""
    from .enrolment import approved_enrolments

    row = approved_enrolments(activity).filter(worker=worker).select_related("org").first()
    if row is None:
        raise RuleViolation(
            _("This person is not on an approved list of this activity."),
            field="worker",
            code="not_enrolled",
        )
    return row


def _check_day(day: Any) -> datetime.date:
    if not isinstance(day, datetime.date):
        raise RuleViolation(_("Give the date."), field="day")
    if day < clock.today():
        raise RuleViolation(_("Choose today or a later day."), field="day")
    return day


def _hospital_outlet(outlet: Any) -> Outlet:
    if (
        not isinstance(outlet, Outlet)
        or not outlet.is_active
        or outlet.partner.kind != Partner.Kind.HOSPITAL
        or not outlet.partner.is_active
    ):
        raise RuleViolation(_("Choose an outlet of a partner hospital."), field="outlet")
    return outlet


def _hold_day(activity: Activity, outlet: Outlet, day: datetime.date) -> PartnerContract:
    """The hospital's contract covering `day`, locked; refused when the outlet's day is full.
    The lock serializes every booking under this contract, so the count cannot go stale."""
    from .contracts import live_contract

    found = live_contract(activity, outlet.partner, day)
    contract = PartnerContract.objects.select_for_update().get(pk=found.pk)
    if not contract.is_active:  # ended while we waited for the lock
        raise RuleViolation(_("This contract has already ended."), field="outlet")
    if contract.capacity_per_day is not None:
        taken = Booking.objects.filter(
            outlet=outlet, appointment_on=day, status__in=HOLDING
        ).count()
        if taken >= contract.capacity_per_day:
            raise RuleViolation(
                _("%(outlet)s is fully booked on %(day)s: choose another day.")
                % {"outlet": outlet.name, "day": day.isoformat()},
                field="day",
                code="day_full",
            )
    return contract


def _mark_invitations_booked(booking: Booking) -> None:
    Invitation.objects.filter(
        activity_id=booking.activity_id, worker_id=booking.worker_id, status=InvitationStatus.SENT
    ).update(status=InvitationStatus.BOOKED, booking=booking)


def _book(
    activity: Activity, enrolment: Enrolment, org: Org, outlet: Any, day: Any, who: Who
) -> Booking:
    require_health_check(activity)
    require_open(activity.campaign)
    require_taking_part(activity, org)
    outlet = _hospital_outlet(outlet)
    day = _check_day(day)
    _hold_day(activity, outlet, day)
    worker_id = enrolment.worker_id
    booking = _book_a_place(
        activity,
        org,
        worker_id,
        booked_by=staff_of(who.by) if who.by is not None else None,
        booked_via=BookedVia.MEMBER if who.member is not None else BookedVia.UNION,
        member=who.member,
        partner=outlet.partner,
        outlet=outlet,
        appointment_on=day,
    )
    quota = booking.quota
    _mark_invitations_booked(booking)
    record_event(
        booking,
        "campaigns.check_booked",
        org=org,
        **who.audit(),
        changes={
            "activity": activity.pk,
            "worker": worker_id,
            "outlet": outlet.name,
            "day": day.isoformat(),
            "via": booking.booked_via,
            "left": quota.remaining,
        },
    )
    return booking


@transaction.atomic
def book_check(
    activity: Activity, worker: Worker, *, outlet: Any, day: Any, by: Actor, org: Org | None = None
) -> Booking:
    """A union's staff book a check for a worker on an approved list: a place of `org` (the
    worker's union on the list by default, or a union above it) at `outlet` on `day`."""
    enrolment = enrolment_of(activity, worker)
    org = org or enrolment.org
    if not enrolment.org.path.startswith(org.path):
        raise RuleViolation(
            _("The place must be of the person's union or a union above it."), field="org"
        )
    require_planner(by, org)
    return _book(activity, enrolment, org, outlet, day, Who(by=by))


@transaction.atomic
def member_book_check(member: Member, activity: Activity, *, outlet: Any, day: Any) -> Booking:
    """The member books their own check on the phone, within their union's places."""
    worker = member.worker
    if worker is None:
        raise RuleViolation(_("Your account is not linked to your union record yet."))
    enrolment = enrolment_of(activity, worker)
    return _book(activity, enrolment, enrolment.org, outlet, day, Who(member=member))


def _locked_booking(booking: Booking) -> Booking:
    locked = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("activity")
        .get(pk=booking.pk)
    )
    require_health_check(locked.activity)
    return locked


def _require_may_change(booking: Booking, who: Who) -> None:
    if who.member is not None:
        if booking.worker_id != who.member.worker_id:
            raise RuleViolation(_("This is not your booking."), field="booking")
    elif who.partner_user is not None:
        if booking.partner_id != who.partner_user.partner_id:
            raise RuleViolation(_("This is not a booking at your hospital."), field="booking")
    else:
        require_planner(who.by, booking.org)


@transaction.atomic
def change_check_day(
    booking: Booking,
    *,
    outlet: Any,
    day: Any,
    by: Actor | None = None,
    member: Member | None = None,
) -> Booking:
    """A new day (and outlet) for a booked check, e.g. after a missed first appointment. The
    new day is checked against its contract and capacity like a new booking."""
    who = Who(by=by, member=member)
    locked = Booking.objects.select_related("activity").get(pk=booking.pk)
    _require_may_change(locked, who)
    require_open(locked.activity.campaign)
    outlet = _hospital_outlet(outlet)
    day = _check_day(day)
    _hold_day(locked.activity, outlet, day)  # contract before booking, as booking does
    locked = _locked_booking(locked)
    if locked.status != BookingStatus.BOOKED:
        raise RuleViolation(_("Only a booked check can be given a new day."), field="status")
    before = locked.appointment_on
    locked.partner, locked.outlet, locked.appointment_on = outlet.partner, outlet, day
    locked.save(update_fields=["partner", "outlet", "appointment_on"])
    _mark_invitations_booked(locked)
    record_event(
        locked,
        "campaigns.check_day_changed",
        org=locked.org,
        **who.audit(),
        changes={
            "worker": locked.worker_id,
            "outlet": outlet.name,
            "day": day.isoformat(),
            "before": before.isoformat() if before else "",
        },
    )
    return locked


def _lapse_invitations(booking: Booking) -> None:
    """Invitations still waiting for this worker lapse: the place is no longer held."""
    Invitation.objects.filter(
        activity_id=booking.activity_id,
        worker_id=booking.worker_id,
        status=InvitationStatus.SENT,
    ).update(status=InvitationStatus.LAPSED)


@transaction.atomic
def cancel_check(booking: Booking, *, by: Actor, reason: str = "") -> Booking:
    """A union cancels a booked check: the place goes back (quotas.cancel_booking) and a
    re-invite still waiting lapses."""
    from .quotas import cancel_booking

    cancelled = cancel_booking(booking, by=by, reason=reason)
    _lapse_invitations(cancelled)
    return cancelled


@transaction.atomic
def member_cancel_check(member: Member, booking: Booking) -> Booking:
    """The member cancels their own booked check: the place goes back to the union."""
    locked = _locked_booking(booking)
    _require_may_change(locked, Who(member=member))
    if locked.status != BookingStatus.BOOKED:
        raise RuleViolation(_("Only a booked place can be cancelled."), field="status")
    _return_place(locked)
    locked.status, locked.closed_at = BookingStatus.CANCELLED, timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    _lapse_invitations(locked)
    record_event(
        locked,
        "campaigns.booking_cancelled",
        org=locked.org,
        actor_label=member.actor_label,
        changes={"activity": locked.activity_id, "worker": locked.worker_id, "reason": "member"},
    )
    return locked


def _require_day_come(booking: Booking) -> datetime.date:
    if booking.status != BookingStatus.BOOKED or booking.appointment_on is None:
        raise RuleViolation(_("This check has no appointment waiting."), field="status")
    if booking.appointment_on > clock.today():
        raise RuleViolation(_("The appointment day has not come yet."), field="status")
    return booking.appointment_on


@transaction.atomic
def mark_check_attended(
    booking: Booking, *, by: Actor | None = None, partner_user: PartnerUser | None = None
) -> Booking:
    """The worker came: the check is done on the appointment day (nothing medical kept)."""
    who = Who(by=by, partner_user=partner_user)
    locked = _locked_booking(booking)
    _require_may_change(locked, who)
    day = _require_day_come(locked)
    locked.status, locked.done_on, locked.closed_at = BookingStatus.DONE, day, timezone.now()
    locked.save(update_fields=["status", "done_on", "closed_at"])
    record_event(
        locked,
        "campaigns.check_attended",
        org=locked.org,
        **who.audit(),
        changes={"worker": locked.worker_id, "done_on": day.isoformat()},
    )
    return locked


@transaction.atomic
def mark_check_no_show(
    booking: Booking, *, by: Actor | None = None, partner_user: PartnerUser | None = None
) -> Booking:
    """The worker did not come. The first time the day is cleared and the worker is invited
    once more (round 2); the second time the booking closes and the place goes back."""
    from .health_invitations import reinvite

    who = Who(by=by, partner_user=partner_user)
    locked = _locked_booking(booking)
    _require_may_change(locked, who)
    missed = _require_day_come(locked)
    locked.no_shows += 1
    if locked.no_shows == 1:
        locked.appointment_on = None
        locked.save(update_fields=["no_shows", "appointment_on"])
        reinvite(locked, by=by)
        action = "campaigns.check_missed"
    else:
        _return_place(locked)
        locked.status, locked.closed_at = BookingStatus.NO_SHOW, timezone.now()
        locked.save(update_fields=["no_shows", "status", "closed_at"])
        _lapse_invitations(locked)
        action = "campaigns.check_no_show"
    record_event(
        locked,
        action,
        org=locked.org,
        **who.audit(),
        changes={
            "worker": locked.worker_id,
            "missed": missed.isoformat(),
            "no_shows": locked.no_shows,
            "place_returned": locked.status == BookingStatus.NO_SHOW,
        },
    )
    return locked


def worker_has_booked_check(worker_id: int, _is_member: bool) -> str:
    """The card-scan status for the "health_check" use: booked or not (any hospital)."""
    booked = Booking.objects.filter(
        worker_id=worker_id,
        activity__kind=ActivityKind.HEALTH_CHECK,
        status=BookingStatus.BOOKED,
        appointment_on__isnull=False,
    ).exists()
    return CHECK_BOOKED if booked else CHECK_NOT_BOOKED


CHECK_BOOKED = "booked"
CHECK_NOT_BOOKED = "not_booked"
