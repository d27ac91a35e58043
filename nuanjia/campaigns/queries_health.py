"""Reads of free health checks: a union's bookings and invitations (scoped to the viewer's
subtree), the hospitals and outlets serving an activity, a member's own checks, and a
hospital's bookings with names shown only where the worker consented for that hospital."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from nuanjia.core import clock
from nuanjia.core.actors import Actor
from nuanjia.core.masking import mask_name
from nuanjia.members.models import Member, Outlet, Partner
from nuanjia.members.services.partners import consenting_workers
from nuanjia.members.services.scanning import CardStatus

from .models import Activity, Booking, HealthCheckRecord, Invitation, PartnerContract
from .queries import scoped
from .rules import ActivityKind, BookingStatus, CampaignStatus, RosterStatus


def health_bookings(user: Actor, activity: Activity) -> QuerySet[Booking]:
    rows = Booking.objects.filter(activity=activity).select_related(
        "worker", "org", "partner", "outlet"
    )
    return scoped(rows, user).order_by("appointment_on", "pk")


def overdue_checks(user: Actor) -> QuerySet[Booking]:
    """Booked checks whose day has passed, waiting for attended or missed."""
    rows = Booking.objects.filter(
        activity__kind=ActivityKind.HEALTH_CHECK,
        status=BookingStatus.BOOKED,
        appointment_on__lt=clock.today(),
    ).select_related("worker", "org", "partner", "outlet", "activity")
    return scoped(rows, user).order_by("appointment_on", "pk")


def invitations(user: Actor, activity: Activity) -> QuerySet[Invitation]:
    rows = Invitation.objects.filter(activity=activity).select_related("worker", "org")
    return scoped(rows, user)


def check_records(user: Actor) -> QuerySet[HealthCheckRecord]:
    return scoped(HealthCheckRecord.objects.select_related("worker", "org"), user)


def serving_outlets(activity: Activity, on: datetime.date | None = None) -> list[Outlet]:
    """The active outlets of hospitals whose active contract for `activity` runs on `on` or
    later (today by default), each with its `contract` set."""
    day = on or clock.today()
    contracts = PartnerContract.objects.filter(
        activity=activity,
        is_active=True,
        ends_on__gte=day,
        partner__is_active=True,
        partner__kind=Partner.Kind.HOSPITAL,
    )
    by_partner = {contract.partner_id: contract for contract in contracts}
    outlets = list(
        Outlet.objects.filter(partner_id__in=by_partner, is_active=True)
        .select_related("partner")
        .order_by("partner__name", "name")
    )
    for outlet in outlets:
        outlet.contract = by_partner[outlet.partner_id]  # type: ignore[attr-defined]
    return outlets


def serving_outlet(activity: Activity, outlet_id: Any) -> Outlet | None:
    try:
        wanted = int(str(outlet_id))
    except (TypeError, ValueError):
        return None
    return next((outlet for outlet in serving_outlets(activity) if outlet.pk == wanted), None)


def member_activities(member: Member) -> QuerySet[Activity]:
    """Open health-check activities with the member's worker on an approved list."""
    if member.worker_id is None:
        return Activity.objects.none()
    return (
        Activity.objects.filter(
            kind=ActivityKind.HEALTH_CHECK,
            uses_places=True,
            campaign__status=CampaignStatus.OPEN,
            enrolments__worker_id=member.worker_id,
            enrolments__roster__status=RosterStatus.APPROVED,
        )
        .select_related("campaign")
        .distinct()
        .order_by("-campaign__starts_on", "pk")
    )


def member_bookings(member: Member) -> QuerySet[Booking]:
    """The member's own checks (their worker's), newest first."""
    if member.worker_id is None:
        return Booking.objects.none()
    return Booking.objects.filter(
        worker_id=member.worker_id, activity__kind=ActivityKind.HEALTH_CHECK
    ).select_related("activity", "partner", "outlet")


def member_booking(member: Member, booking_id: Any) -> Booking | None:
    try:
        return member_bookings(member).filter(pk=int(str(booking_id))).first()
    except (TypeError, ValueError):
        return None


def hospital_bookings(partner: Partner) -> QuerySet[Booking]:
    return Booking.objects.filter(
        partner=partner, activity__kind=ActivityKind.HEALTH_CHECK
    ).select_related("worker", "outlet", "activity")


@dataclass(frozen=True)
class HospitalRow:
    """A booking as a hospital sees it: the name in full only with the worker's consent for
    this hospital, else masked; whether the worker holds a valid member card."""

    booking: Booking
    name: str
    card_status: str
    consented: bool


def hospital_rows(partner: Partner, bookings: Any) -> list[HospitalRow]:
    rows = list(bookings)
    consented = consenting_workers(partner, {row.worker_id for row in rows})
    found = []
    for row in rows:
        worker = row.worker
        shown = row.worker_id in consented
        found.append(
            HospitalRow(
                booking=row,
                name=worker.name if shown else mask_name(worker.name),
                card_status=CardStatus.VALID if worker.is_member else CardStatus.NOT_MEMBER,
                consented=shown,
            )
        )
    return found
