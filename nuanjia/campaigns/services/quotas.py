"""Places of an activity down the tree (名额), like money: the organising union sets the places
it has, each union passes some on to the unions right below it, and bookings take them.

Every change locks the rows it touches parent first, then child, in one transaction; the
database's CHECK (passed on + taken ≤ given) is the last guard. Booking is one conditional
UPDATE, so concurrent bookings against the last places never oversell."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of
from nuanjia.people.models import Worker

from ..models import Activity, Booking, Quota, QuotaEvent
from ..rules import BookingStatus
from .common import require_open, require_planner, require_taking_part

MAX_PLACES = 10_000_000


def _places(value: object, field: str = "places") -> int:
    try:
        places = int(str(value))
    except (TypeError, ValueError):
        raise RuleViolation(
            _("Give the number of places as a whole number."), field=field
        ) from None
    if places <= 0 or places > MAX_PLACES:
        raise RuleViolation(
            _("The number of places must be between 1 and %(max)d.") % {"max": MAX_PLACES},
            field=field,
        )
    return places


def _require_places(activity: Activity) -> None:
    if not activity.uses_places:
        raise RuleViolation(_("This activity has no limited places."), field="activity")


def _locked(activity: Activity, org: Org) -> Quota | None:
    return Quota.objects.select_for_update().filter(activity=activity, org=org).first()


def _event(
    quota: Quota,
    change: int,
    what: str,
    *,
    by: Actor | None,
    counterpart: Org | None = None,
    note: str = "",
) -> None:
    QuotaEvent.objects.create(
        quota=quota,
        change=change,
        what=what,
        counterpart=counterpart,
        note=note[:200],
        by=staff_of(by) if by is not None and by.is_authenticated else None,
    )


@transaction.atomic
def set_places(activity: Activity, total: int, *, by: Actor) -> Quota:
    """The organising union's own places (the top of the tree); never below what it has
    already passed on and booked."""
    _require_places(activity)
    require_planner(by, activity.org)
    total = _places(total, "total")
    quota = _locked(activity, activity.org)
    if quota is None:
        quota = Quota.objects.create(activity=activity, org=activity.org, total=0)
    if total < quota.allocated_down + quota.used:
        raise RuleViolation(
            _("%(count)d places are already passed on or taken.")
            % {"count": quota.allocated_down + quota.used},
            field="total",
        )
    change = total - quota.total
    quota.total = total
    quota.save(update_fields=["total", "updated_at"])
    _event(quota, change, "given", by=by)
    record_event(
        quota,
        "campaigns.places_set",
        by=by,
        org=activity.org,
        changes={"activity": activity.pk, "total": total, "change": change},
    )
    return quota


def _check_child(parent: Org, child: Org) -> None:
    if child.parent_id != parent.pk:
        raise RuleViolation(
            _("Places go to a union directly below: %(union)s is not.") % {"union": child.name},
            field="to_org",
        )


@dataclass(frozen=True)
class _Shift:
    """Places moving between a union and one right below it: `places` > 0 passes them
    down, < 0 takes them back; the history's words for both sides and the audit's name."""

    places: int
    parent_what: str
    child_what: str
    action: str


def _shift(
    activity: Activity, parent: Quota, child: Quota, shift: _Shift, *, by: Actor, note: str
) -> Quota:
    """Move the places on both locked rows, with their history and one audit event."""
    parent.allocated_down = F("allocated_down") + shift.places
    parent.save(update_fields=["allocated_down", "updated_at"])
    child.total = F("total") + shift.places
    child.save(update_fields=["total", "updated_at"])
    _event(parent, -shift.places, shift.parent_what, by=by, counterpart=child.org, note=note)
    _event(child, shift.places, shift.child_what, by=by, counterpart=parent.org, note=note)
    record_event(
        child,
        shift.action,
        by=by,
        org=parent.org,
        changes={
            "activity": activity.pk,
            "parent": parent.org.code,
            "child": child.org.code,
            "places": shift.places,
        },
    )
    child.refresh_from_db()
    return child


def _checked_move(activity: Activity, from_org: Org, to_org: Org, places: int, by: Actor) -> int:
    _require_places(activity)
    require_planner(by, from_org)
    _check_child(from_org, to_org)
    return _places(places)


@transaction.atomic
def allocate_places(
    activity: Activity, from_org: Org, to_org: Org, places: int, *, by: Actor, note: str = ""
) -> Quota:
    """Pass `places` from `from_org` to a union right below it (parent locked, then child)."""
    places = _checked_move(activity, from_org, to_org, places, by)
    require_taking_part(activity, to_org)
    parent = _locked(activity, from_org)
    if parent is None or parent.remaining < places:
        raise RuleViolation(
            _("Not enough places left: %(count)d.") % {"count": parent.remaining if parent else 0},
            field="places",
        )
    child = _locked(activity, to_org) or Quota.objects.create(
        activity=activity, org=to_org, parent=parent, total=0
    )
    shift = _Shift(places, "allocated", "given", "campaigns.places_allocated")
    return _shift(activity, parent, child, shift, by=by, note=note)


@transaction.atomic
def withdraw_places(
    activity: Activity, from_org: Org, to_org: Org, places: int, *, by: Actor, note: str = ""
) -> Quota:
    """Take back places a union below has neither passed on nor used (parent, then child)."""
    places = _checked_move(activity, from_org, to_org, places, by)
    parent = _locked(activity, from_org)
    child = _locked(activity, to_org)
    if parent is None or child is None or child.remaining < places:
        raise RuleViolation(
            _("%(union)s has only %(count)d places free.")
            % {"union": to_org.name, "count": child.remaining if child else 0},
            field="places",
        )
    shift = _Shift(-places, "returned", "withdrawn", "campaigns.places_withdrawn")
    return _shift(activity, parent, child, shift, by=by, note=note)


def _take_place(activity: Activity, org: Org) -> Quota:
    """One place of `org`'s quota: the parent's row locked first (as allocating does, so the
    two never wait on each other in opposite orders), then one conditional UPDATE of the
    child's (no lost update, no oversell)."""
    parent_id = (
        Quota.objects.filter(activity=activity, org=org).values_list("parent_id", flat=True).first()
    )
    if parent_id is not None:
        list(Quota.objects.select_for_update().filter(pk=parent_id).values_list("pk"))
    taken = Quota.objects.filter(
        activity=activity, org=org, total__gt=F("allocated_down") + F("used")
    ).update(used=F("used") + 1, updated_at=timezone.now())
    if not taken:
        raise RuleViolation(
            _("%(union)s has no place left in this activity.") % {"union": org.name},
            field="org",
            code="no_place",
        )
    return Quota.objects.get(activity=activity, org=org)


def _return_place(booking: Booking) -> None:
    """The booking's place back to its union's quota (the caller holds the booking's lock
    and closes it in the same transaction)."""
    Quota.objects.filter(pk=booking.quota_id).update(used=F("used") - 1, updated_at=timezone.now())


def _book_a_place(activity: Activity, org: Org, worker_id: int, **fields: Any) -> Booking:
    """The worker's booking on one of `org`'s places (the booking's other `fields` given);
    refused when the worker already has a place in the activity, even one taken at the same
    moment elsewhere."""
    taken = Booking.objects.filter(activity=activity, worker_id=worker_id).exclude(
        status=BookingStatus.CANCELLED
    )
    if taken.exists():
        raise RuleViolation(_("This person already has a place in this activity."), field="worker")
    quota = _take_place(activity, org)
    try:
        with transaction.atomic():
            return Booking.objects.create(
                activity=activity, quota=quota, org=org, worker_id=worker_id, **fields
            )
    except IntegrityError:  # the same worker booked at the same moment elsewhere
        raise RuleViolation(
            _("This person already has a place in this activity."), field="worker"
        ) from None


@transaction.atomic
def book_place(
    activity: Activity, worker: Worker, org: Org, *, by: Actor, note: str = ""
) -> Booking:
    """A worker takes one of `org`'s places in the activity; once per worker."""
    _require_places(activity)
    require_open(activity.campaign)
    require_planner(by, org)
    require_taking_part(activity, org)
    booking = _book_a_place(activity, org, worker.pk, booked_by=staff_of(by), note=note[:200])
    quota = booking.quota
    record_event(
        booking,
        "campaigns.place_booked",
        by=by,
        org=org,
        changes={"activity": activity.pk, "worker": worker.pk, "left": quota.remaining},
    )
    return booking


@transaction.atomic
def cancel_booking(booking: Booking, *, by: Actor, reason: str = "") -> Booking:
    """The place goes back to the union's quota."""
    require_planner(by, booking.org)
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != BookingStatus.BOOKED:
        raise RuleViolation(_("Only a booked place can be cancelled."), field="status")
    _return_place(booking)
    booking.status = BookingStatus.CANCELLED
    booking.closed_at = timezone.now()
    booking.save(update_fields=["status", "closed_at"])
    record_event(
        booking,
        "campaigns.booking_cancelled",
        by=by,
        org=booking.org,
        changes={
            "activity": booking.activity_id,
            "worker": booking.worker_id,
            "reason": reason[:200],
        },
    )
    return booking


@transaction.atomic
def mark_attended(booking: Booking, *, by: Actor) -> Booking:
    require_planner(by, booking.org)
    booking = Booking.objects.select_for_update().get(pk=booking.pk)
    if booking.status != BookingStatus.BOOKED:
        raise RuleViolation(_("Only a booked place can be marked as attended."), field="status")
    booking.status = BookingStatus.DONE
    booking.closed_at = timezone.now()
    booking.save(update_fields=["status", "closed_at"])
    record_event(
        booking,
        "campaigns.booking_attended",
        by=by,
        org=booking.org,
        changes={"activity": booking.activity_id, "worker": booking.worker_id},
    )
    return booking
