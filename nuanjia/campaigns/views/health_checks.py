"""Staff pages of free health checks: an activity's checks (book one for a worker on an
approved list, give a new day, cancel, mark attended or missed), its invitations (send the
next N by text, in priority order), the checks whose day passed unmarked, and a hospital's
list of checks done outside nuanjia imported as check records."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from nuanjia.core.errors import RuleViolation
from nuanjia.core.flash import attempt
from nuanjia.core.imports import (
    ImportForm,
    imported_context,
    owned_error_sheet,
    template_response,
)
from nuanjia.core.listexport import CSV_ABOVE_ROWS, ListExport, column
from nuanjia.core.schemas import parse_day
from nuanjia.orgs.permissions import deny, requires
from nuanjia.orgs.queries import get_scoped_or_404
from nuanjia.orgs.rules import Perm
from nuanjia.people.queries import get_worker_for

from .. import queries, queries_health, services
from ..imports_health import RECORD_SHEET, import_check_records, write_record_template
from ..models import Activity, Booking
from ..rules import ActivityKind, BookingStatus, InvitationStatus
from ..tabs import activity_context

PAGE_SIZE = 50

CHECK_EXPORT = ListExport(
    "campaigns.health_checks",
    gettext_lazy("Health checks"),
    (
        column(gettext_lazy("Name"), "worker.name"),
        column(gettext_lazy("ID number"), "worker.id_number_masked"),
        column(gettext_lazy("Union"), "org.name"),
        column(gettext_lazy("Hospital"), "partner.name"),
        column(gettext_lazy("Outlet"), "outlet.name"),
        column(gettext_lazy("Appointment"), "appointment_on"),
        column(gettext_lazy("Status"), "get_status_display"),
        column(gettext_lazy("Done on"), "done_on"),
        column(gettext_lazy("Missed appointments"), "no_shows"),
    ),
    limit=CSV_ABOVE_ROWS,
)


def _health_activity(request, activity_id: int, *, write: bool = False) -> Activity:
    activity = queries.get_activity_for(request.user, activity_id, write=write)
    if activity.kind != ActivityKind.HEALTH_CHECK or not activity.uses_places:
        raise Http404
    return activity


def _booking_for(request, booking_id: int) -> Booking:
    bookings = queries.scoped(
        Booking.objects.filter(activity__kind=ActivityKind.HEALTH_CHECK).select_related("activity"),
        request.user,
    )
    return get_scoped_or_404(bookings, request.user, write=True, pk=booking_id)


def _day(request) -> Any:
    """The `day` posted (YYYY-MM-DD), as a date, or the refusal."""
    return parse_day(request.POST.get("day", ""), "day")


def _outlet(activity: Activity, request) -> Any:
    outlet = queries_health.serving_outlet(activity, request.POST.get("outlet"))
    if outlet is None:
        raise RuleViolation(_("Choose an outlet of a partner hospital."), field="outlet")
    return outlet


@requires(Perm.VIEW_BUSINESS)
def checks_view(request, activity_id: int):
    activity = _health_activity(request, activity_id)
    bookings = queries_health.health_bookings(request.user, activity)
    status = request.GET.get("status", "")
    if status in BookingStatus.values:
        bookings = bookings.filter(status=status)
    day = request.GET.get("day", "")
    if day:
        try:
            bookings = bookings.filter(appointment_on=parse_day(day, "day"))
        except RuleViolation as error:
            messages.error(request, error.message)
    if request.GET.get("export"):
        return CHECK_EXPORT.download(request, bookings, {"status": status, "day": day})
    return render(
        request,
        "campaigns/health/checks.html",
        activity_context(
            activity,
            "checks",
            page=Paginator(bookings, PAGE_SIZE).get_page(request.GET.get("page")),
            outlets=queries_health.serving_outlets(activity),
            status=status,
            day=day,
            statuses=BookingStatus.choices,
            query=f"status={status}&day={day}",
            may_plan=services.may_act_for(request.user, request.user.org),
        ),
    )


def _back(activity_id: int):
    return redirect("campaigns:checks", activity_id=activity_id)


def _after(request, booking: Booking):
    """Back to the overdue list when the button was there, else to the activity's checks."""
    if request.POST.get("back") == "overdue":
        return redirect("campaigns:checks_overdue")
    return _back(booking.activity_id)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def check_book_view(request, activity_id: int):
    activity = _health_activity(request, activity_id, write=True)
    worker_id = request.POST.get("worker", "")
    if not worker_id.isdigit():
        messages.error(request, _("Give the worker's registry number."))
        return _back(activity.pk)
    worker = get_worker_for(request.user, int(worker_id))
    code = request.POST.get("org", "").strip()

    def book():
        return services.book_check(
            activity,
            worker,
            outlet=_outlet(activity, request),
            day=_day(request),
            org=queries.union_by_code(request.user, code) if code else None,
            by=request.user,
        )

    attempt(request, book, _("The health check has been booked."))
    return _back(activity.pk)


def _on_booking(request, booking_id: int, act, done: str, *, then=None):
    """A POST action on one of the activity's checks: `act(booking)` with `done` as its
    message (a refusal shown instead); then back to the checks (or `then(request, booking)`)."""
    booking = _booking_for(request, booking_id)
    attempt(request, lambda: act(booking), done)
    return then(request, booking) if then else _back(booking.activity_id)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def check_day_view(request, booking_id: int):
    return _on_booking(
        request,
        booking_id,
        lambda booking: services.change_check_day(
            booking, outlet=_outlet(booking.activity, request), day=_day(request), by=request.user
        ),
        _("The check has a new day."),
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def check_cancel_view(request, booking_id: int):
    return _on_booking(
        request,
        booking_id,
        lambda booking: services.cancel_check(
            booking, by=request.user, reason=request.POST.get("reason", "")
        ),
        _("The booking has been cancelled; the place is free again."),
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def check_attended_view(request, booking_id: int):
    return _on_booking(
        request,
        booking_id,
        lambda booking: services.mark_check_attended(booking, by=request.user),
        _("Marked as attended."),
        then=_after,
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def check_no_show_view(request, booking_id: int):
    return _on_booking(
        request,
        booking_id,
        lambda booking: services.mark_check_no_show(booking, by=request.user),
        _("Marked as missed."),
        then=_after,
    )


@requires(Perm.VIEW_BUSINESS)
def checks_overdue_view(request):
    """Booked checks whose day has passed: waiting for attended or missed."""
    rows = queries_health.overdue_checks(request.user)
    return render(
        request,
        "campaigns/health/overdue.html",
        {
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "may_plan": services.may_act_for(request.user, request.user.org),
        },
    )


@requires(Perm.VIEW_BUSINESS)
def check_invitations_view(request, activity_id: int):
    """The activity's invitations in the viewer's subtree; POST sends the next N."""
    activity = _health_activity(request, activity_id, write=request.method == "POST")
    if request.method == "POST":
        code = request.POST.get("org", "").strip() or request.user.org.code

        def send():
            org = queries.union_by_code(request.user, code)
            sent = services.send_invitations(
                activity, org, limit=request.POST.get("limit"), by=request.user
            )
            messages.success(
                request, _("%(count)d invitations have been sent.") % {"count": len(sent)}
            )

        try:
            send()
        except RuleViolation as error:
            messages.error(request, error.message)
        return redirect("campaigns:check_invitations", activity_id=activity.pk)
    rows = queries_health.invitations(request.user, activity)
    status = request.GET.get("status", "")
    if status in InvitationStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "campaigns/health/invitations.html",
        activity_context(
            activity,
            "checks",
            page=Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            status=status,
            statuses=InvitationStatus.choices,
            query=f"status={status}",
            may_plan=services.may_act_for(request.user, request.user.org),
        ),
    )


# ---- A hospital's list of checks done outside nuanjia ---------------------------------------


@requires(Perm.VIEW_BUSINESS)
def check_records_view(request):
    """The check records of the viewer's subtree, and the upload of a hospital's list."""
    form = ImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"form": form, "columns": RECORD_SHEET.columns}
    if request.method == "POST":
        if not services.may_act_for(request.user, request.user.org):
            deny(request.user, "campaigns.check_records.import", request.path)
        context |= imported_context(
            request,
            form,
            lambda upload, **how: import_check_records(upload, by=request.user, **how),
        )
    rows = queries_health.check_records(request.user)
    context["page"] = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "campaigns/health/records.html", context)


@requires(Perm.VIEW_BUSINESS)
@require_GET
def check_records_errors_view(request, import_token: str):
    return owned_error_sheet(
        request,
        import_token,
        filename="已检名单导入错误.xlsx",
        what="check record import error sheet",
    )


@requires(Perm.VIEW_BUSINESS)
@require_GET
def check_records_template_view(request):
    return template_response(write_record_template, filename="已检名单导入模板.xlsx")
