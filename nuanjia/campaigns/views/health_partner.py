"""A hospital's phone pages under /p/campaigns/checks/ (合作医院): the day's and coming
checks at its outlets, a member card scanned to find a booking, attended or missed, and its
completion sheet. A worker's name shows in full only with their consent for this hospital;
otherwise the masked name and whether the member card is valid."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from nuanjia.core import clock
from nuanjia.core.errors import RuleViolation
from nuanjia.core.flash import attempt
from nuanjia.core.imports import ImportForm, result_context, template_response
from nuanjia.members.auth import partner_page
from nuanjia.members.models import Partner
from nuanjia.members.partner_views import STATUS_LABELS
from nuanjia.members.services import partners

from .. import queries_health, services
from ..imports_health import COMPLETION_SHEET, import_completions, write_completion_template
from ..rules import BookingStatus
from ..services.health_checks import CHECK_BOOKED

UPCOMING_DAYS = 30
LIST_LIMIT = 300
SCAN_LABELS = {
    CHECK_BOOKED: gettext_lazy("Has a booked health check"),
    "not_booked": gettext_lazy("No health check booked"),
}


def _day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text) if text else clock.today()
    except ValueError:
        return clock.today()


def _rows(partner, bookings):
    rows = queries_health.hospital_rows(partner, bookings[:LIST_LIMIT])
    for row in rows:
        row.booking.card_label = STATUS_LABELS.get(row.card_status, "")  # type: ignore[attr-defined]
    return rows


def _found(request, user):
    """A scanned card: the scan (on the hospital's scan list) and the worker's booked checks
    at this hospital."""
    card = {key: request.POST.get(key, "").strip() for key in ("code", "number", "id_last4")}
    outlet = request.POST.get("outlet") or None
    result = partners.partner_scan(user, use="health_check", outlet=outlet, **card)
    bookings = queries_health.hospital_bookings(user.partner).filter(
        worker_id=result.worker_id or 0, status=BookingStatus.BOOKED
    )
    return result, _rows(user.partner, bookings.order_by("appointment_on"))


def _scan_label(scanned) -> Any:
    if scanned is None:
        return ""
    return SCAN_LABELS.get(scanned.status) or STATUS_LABELS.get(scanned.status) or ""


def _hospital_user(request) -> Any:
    """The signed-in person of a hospital; other partners have no health checks here."""
    user = request.partner_user
    if user.partner.kind != Partner.Kind.HOSPITAL:
        raise Http404
    return user


@partner_page
def partner_checks_view(request):
    user = _hospital_user(request)
    partner = user.partner
    day = _day(request.GET.get("day", ""))
    bookings = queries_health.hospital_bookings(partner)
    scanned, found = None, None
    if request.method == "POST":
        try:
            scanned, found = _found(request, user)
        except RuleViolation as error:
            messages.error(request, error.message)
    context = {
        "partner": partner,
        "day": day,
        "today": clock.today(),
        "found": found,
        "scanned": scanned,
        "scan_label": _scan_label(scanned),
        "outlets": partner.outlets.filter(is_active=True),
        "day_rows": _rows(partner, bookings.filter(appointment_on=day).order_by("outlet", "pk")),
        "upcoming": _rows(
            partner,
            bookings.filter(
                status=BookingStatus.BOOKED,
                appointment_on__gt=day,
                appointment_on__lte=day + datetime.timedelta(days=UPCOMING_DAYS),
            ).order_by("appointment_on", "pk"),
        ),
        "waiting": _rows(
            partner,
            bookings.filter(status=BookingStatus.BOOKED, appointment_on__lt=clock.today()).order_by(
                "appointment_on", "pk"
            ),
        ),
    }
    return render(request, "campaigns/health/partner_checks.html", context)


def _own_booking(request, booking_id: int):
    booking = queries_health.hospital_bookings(_hospital_user(request).partner).filter(
        pk=booking_id
    )
    found = booking.first()
    if found is None:
        raise Http404
    return found


def _back(booking):
    day = booking.appointment_on or clock.today()
    return redirect(reverse("campaigns:partner_checks") + f"?day={day.isoformat()}")


def _on_own_booking(request, booking_id: int, act, done: str):
    """A POST action on one of the hospital's own checks: `act(booking)` with `done` as its
    message (a refusal shown instead); then back to that day's checks."""
    booking = _own_booking(request, booking_id)
    attempt(request, lambda: act(booking), done)
    return _back(booking)


@partner_page
@require_POST
def partner_check_attended_view(request, booking_id: int):
    return _on_own_booking(
        request,
        booking_id,
        lambda booking: services.mark_check_attended(booking, partner_user=request.partner_user),
        _("Marked as attended."),
    )


@partner_page
@require_POST
def partner_check_no_show_view(request, booking_id: int):
    return _on_own_booking(
        request,
        booking_id,
        lambda booking: services.mark_check_no_show(booking, partner_user=request.partner_user),
        _("Marked as missed."),
    )


@partner_page
def partner_completions_view(request):
    """Upload the hospital's completion sheet: its matching booked checks become done."""
    _hospital_user(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": COMPLETION_SHEET.columns}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = import_completions(
            upload, request.partner_user, mode=form.cleaned_data["mode"], file_name=upload.name
        )
        context |= result_context(result)
    return render(request, "campaigns/health/partner_completions.html", context)


@partner_page
def partner_completions_template_view(request):
    return template_response(write_completion_template, filename="体检完成名单模板.xlsx")
