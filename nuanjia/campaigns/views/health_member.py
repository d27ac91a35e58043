"""The member's free health checks on the phone (/m/campaigns/checks/): the open health-check
activities their record is on an approved list of, a hospital outlet and a day to book
within their union's places, their booking with a new day (after a missed one) or cancel.
One page, no ids in its address: what it changes is looked up among the member's own."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from nuanjia.core import clock
from nuanjia.core.errors import RuleViolation
from nuanjia.core.schemas import parse_day
from nuanjia.members.auth import member_page

from .. import queries_health, services
from ..rules import BookingStatus

BOOKING_DAYS = 30  # how far ahead a member may book


def open_check_count(member) -> int:
    """The badge of the member's tile: booked checks waiting for their day (or a new one)."""
    return queries_health.member_bookings(member).filter(status=BookingStatus.BOOKED).count()


def _post(request) -> str:
    """Carry out the posted action for the signed-in member; the message to show."""
    member = request.member
    action = request.POST.get("action", "")
    if action == "cancel":
        booking = queries_health.member_booking(member, request.POST.get("booking"))
        if booking is None:
            raise RuleViolation(_("This is not your booking."), field="booking")
        services.member_cancel_check(member, booking)
        return _("Your booking has been cancelled.")
    activity = queries_health.member_activities(member).filter(pk=_int(request, "activity")).first()
    if activity is None:
        raise RuleViolation(_("Choose one of your health checks."), field="activity")
    outlet = queries_health.serving_outlet(activity, request.POST.get("outlet"))
    day = parse_day(request.POST.get("day", ""), "day")
    if action == "day":
        booking = queries_health.member_booking(member, request.POST.get("booking"))
        if booking is None or booking.activity_id != activity.pk:
            raise RuleViolation(_("This is not your booking."), field="booking")
        services.change_check_day(booking, outlet=outlet, day=day, member=member)
        return _("Your check has a new day.")
    services.member_book_check(member, activity, outlet=outlet, day=day)
    return _("Your health check is booked.")


def _int(request, key: str) -> int:
    value = request.POST.get(key, "")
    return int(value) if value.isdigit() else 0


def _days(outlets) -> list[datetime.date]:
    """The days offered: from today (or the first contract day) for BOOKING_DAYS days, up to
    the last day a contract runs."""
    if not outlets:
        return []
    first = max(clock.today(), min(outlet.contract.starts_on for outlet in outlets))
    last = max(outlet.contract.ends_on for outlet in outlets)
    days = (first + datetime.timedelta(days=n) for n in range(BOOKING_DAYS))
    return [day for day in days if day <= last]


@member_page
def my_checks_view(request):
    member = request.member
    if request.method == "POST":
        try:
            messages.success(request, _post(request))
        except RuleViolation as error:
            messages.error(request, error.message)
        return redirect("campaigns:my_checks")
    bookings = {
        booking.activity_id: booking
        for booking in queries_health.member_bookings(member).exclude(
            status=BookingStatus.CANCELLED
        )
    }
    activities = []
    for activity in queries_health.member_activities(member):
        activity.booking = bookings.get(activity.pk)  # type: ignore[attr-defined]
        activity.outlets = queries_health.serving_outlets(activity)  # type: ignore[attr-defined]
        activity.days = _days(activity.outlets)  # type: ignore[attr-defined]
        activities.append(activity)
    return render(
        request,
        "campaigns/health/my_checks.html",
        {
            "bound": member.worker_id is not None,
            "activities": activities,
            "today": clock.today(),
        },
    )
