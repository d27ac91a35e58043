"""Reads of 疗休养 trips, scoped: a trip is seen by the unions taking part in its campaign (they
nominate for it), its nominations by the nominating union's subtree; the approvers' queue; per
union figures of a trip; and the travel partner's own trips with the people approved, named
only where the worker's member account consented for that partner (else masked)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from nuanjia.core import clock
from nuanjia.core.actors import Actor
from nuanjia.core.masking import mask_name
from nuanjia.members.models import Partner, PartnerConsent
from nuanjia.orgs.queries import get_scoped_or_404

from .models import Activity, Nomination, Quota, Trip
from .queries import scoped, visible_activities
from .rules import NominationStatus, TripStatus

# What a trip holds a place for (withdrawn nominations gave theirs back).
LIVE = (
    NominationStatus.NOMINATED,
    NominationStatus.APPROVED,
    NominationStatus.ATTENDED,
    NominationStatus.ABSENT,
)
# What the partner sees: the people going (or gone), never the ones still waiting.
PARTNER_STATUSES = (NominationStatus.APPROVED, NominationStatus.ATTENDED, NominationStatus.ABSENT)


def _trips() -> QuerySet[Trip]:
    return Trip.objects.select_related("activity__campaign", "activity__org", "contract__partner")


def scoped_trips(user: Actor) -> QuerySet[Trip]:
    """Trips of the activities the user sees (the campaign's unions taking part)."""
    return _trips().filter(activity__in=visible_activities(user))


def get_trip_for(user: Actor, pk: Any, *, write: bool = False) -> Trip:
    return get_scoped_or_404(scoped_trips(user), user, write=write, pk=pk)


def activity_trips(user: Actor, activity: Activity) -> QuerySet[Trip]:
    return scoped_trips(user).filter(activity=activity)


def visible_nominations(user: Actor) -> QuerySet[Nomination]:
    return scoped(
        Nomination.objects.select_related(
            "trip__activity", "trip__contract__partner", "org", "worker", "nominated_by",
            "approved_by", "booking",
        ),
        user,
    )  # fmt: skip


def get_nomination_for(user: Actor, pk: Any, *, write: bool = False) -> Nomination:
    return get_scoped_or_404(visible_nominations(user), user, write=write, pk=pk)


def trip_nominations(user: Actor, trip: Trip, status: str = "") -> QuerySet[Nomination]:
    rows = visible_nominations(user).filter(trip=trip)
    if status in NominationStatus.values:
        rows = rows.filter(status=status)
    return rows.order_by("org__path", "pk")


def nominations_to_approve(user: Actor) -> QuerySet[Nomination]:
    """Waiting nominations of the subtree another person made (the approvers' queue)."""
    return (
        visible_nominations(user)
        .filter(status=NominationStatus.NOMINATED)
        .exclude(nominated_by_id=user.pk)
    )


def attendance_to_record(user: Actor) -> QuerySet[Nomination]:
    """Approved nominees of the subtree whose trip has come back, not yet marked."""
    return visible_nominations(user).filter(
        status=NominationStatus.APPROVED, trip__ends_on__lt=clock.today()
    )


@dataclass(frozen=True)
class UnionTripRow:
    """One union's figures on one trip: its nominations by status, its quota's free places."""

    org_code: str
    org_name: str
    nominated: int
    approved: int
    attended: int
    absent: int
    quota_left: int | None


def union_rows(
    user: Actor, trip: Trip | None = None, *, activity: Any = None
) -> list[UnionTripRow]:
    """Per nominating union of the viewer's subtree: its live nominations on the trip (or on
    every trip of `activity`) and the places its quota has left."""
    rows = visible_nominations(user).filter(status__in=LIVE)
    rows = rows.filter(trip=trip) if trip is not None else rows.filter(trip__activity=activity)
    activity_id = trip.activity_id if trip is not None else activity.pk
    counts = (
        rows.values("org_id", "org__code", "org__name")
        .annotate(
            nominated=Count("pk", filter=Q(status=NominationStatus.NOMINATED)),
            approved=Count("pk", filter=Q(status=NominationStatus.APPROVED)),
            attended=Count("pk", filter=Q(status=NominationStatus.ATTENDED)),
            absent=Count("pk", filter=Q(status=NominationStatus.ABSENT)),
        )
        .order_by("org__code")
    )
    left = {
        quota.org_id: quota.remaining
        for quota in Quota.objects.filter(
            activity_id=activity_id, org_id__in=[row["org_id"] for row in counts]
        )
    }
    return [
        UnionTripRow(
            row["org__code"], row["org__name"], row["nominated"], row["approved"],
            row["attended"], row["absent"], left.get(row["org_id"]),
        )
        for row in counts
    ]  # fmt: skip


def own_quota(activity: Activity, org: Any) -> Quota | None:
    return Quota.objects.filter(activity=activity, org=org).first()


# ---- the travel partner's view -------------------------------------------------------------


def partner_trips(partner: Partner) -> QuerySet[Trip]:
    """The trips under the partner's contracts (cancelled ones left out)."""
    return (
        Trip.objects.filter(contract__partner=partner)
        .exclude(status=TripStatus.CANCELLED)
        .select_related("activity", "contract")
        .order_by("starts_on", "pk")
    )


def get_partner_trip(partner: Partner, pk: Any) -> Trip | None:
    return partner_trips(partner).filter(pk=pk).first()


def partner_nominations(partner: Partner) -> QuerySet[Nomination]:
    return Nomination.objects.filter(
        trip__contract__partner=partner, status__in=PARTNER_STATUSES
    ).exclude(trip__status=TripStatus.CANCELLED)


def consented_workers(partner: Partner, worker_ids: Iterable[int]) -> set[int]:
    """The workers whose member account has a live consent for `partner` (PIPL art. 23)."""
    return set(
        PartnerConsent.objects.filter(
            partner=partner, withdrawn_at=None, member__worker_id__in=list(worker_ids)
        ).values_list("member__worker_id", flat=True)
    )


@dataclass(frozen=True)
class PartnerPerson:
    """A person on a partner's trip list: the name in full only with consent."""

    nomination_id: int
    number: str  # TN000123: how the partner and the union name the row to each other
    trip_id: int
    trip_name: str
    starts_on: Any
    ends_on: Any
    name: str
    name_shown: bool
    org_name: str
    status: str
    status_label: str
    may_mark: bool


def partner_people(partner: Partner, trip: Trip | None = None) -> list[PartnerPerson]:
    """The approved people of the partner's trips (or one trip), masked unless consented."""
    found = partner_nominations(partner).select_related("trip", "worker", "org")
    if trip is not None:
        found = found.filter(trip=trip)
    rows = list(found.order_by("trip__starts_on", "trip_id", "org__path", "pk"))
    shown = consented_workers(partner, [row.worker_id for row in rows])
    today = clock.today()
    return [
        PartnerPerson(
            nomination_id=row.pk,
            number=str(row),
            trip_id=row.trip_id,
            trip_name=row.trip.name,
            starts_on=row.trip.starts_on,
            ends_on=row.trip.ends_on,
            name=row.worker.name if row.worker_id in shown else mask_name(row.worker.name),
            name_shown=row.worker_id in shown,
            org_name=row.org.name,
            status=row.status,
            status_label=str(NominationStatus(row.status).label),
            may_mark=row.status == NominationStatus.APPROVED and row.trip.starts_on <= today,
        )
        for row in rows
    ]
