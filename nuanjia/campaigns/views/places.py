"""Places pages: the quotas of the viewer's subtree (given, passed on, taken, left), the
forms that set, pass on and take back places, and the bookings that take them."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from nuanjia.core.flash import attempt
from nuanjia.core.listexport import CSV_ABOVE_ROWS, ListExport, column
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.queries import get_scoped_or_404, visible_orgs
from nuanjia.orgs.rules import Perm
from nuanjia.people.queries import get_worker_for

from .. import queries, services
from ..models import Booking, Quota
from ..rules import BookingStatus
from ..tabs import activity_context

PAGE_SIZE = 50

BOOKING_EXPORT = ListExport(
    "campaigns.bookings",
    gettext_lazy("Bookings"),
    (
        column(gettext_lazy("Name"), "worker.name"),
        column(gettext_lazy("ID number"), "worker.id_number_masked"),
        column(gettext_lazy("Union"), "org.name"),
        column(gettext_lazy("Booked at"), "booked_at"),
        column(gettext_lazy("Status"), "get_status_display"),
        column(gettext_lazy("Closed at"), "closed_at"),
    ),
    limit=CSV_ABOVE_ROWS,
)


@requires(Perm.VIEW_BUSINESS)
def places_view(request, activity_id: int):
    activity = queries.get_activity_for(request.user, activity_id)
    quotas = queries.scoped(Quota.objects.filter(activity=activity), request.user)
    bookings = queries.scoped(
        Booking.objects.filter(activity=activity).select_related("worker", "org"), request.user
    )
    org_code = request.GET.get("org", "")
    if org_code:
        bookings = bookings.filter(org__code=org_code)
    status = request.GET.get("status", "")
    if status in BookingStatus.values:
        bookings = bookings.filter(status=status)
    if request.GET.get("export"):
        return BOOKING_EXPORT.download(request, bookings, {"org": org_code, "status": status})
    own = Quota.objects.filter(activity=activity, org=request.user.org).first()
    return render(
        request,
        "campaigns/places.html",
        activity_context(
            activity,
            "places",
            quotas=quotas.select_related("org"),
            own=own,
            page=Paginator(bookings, PAGE_SIZE).get_page(request.GET.get("page")),
            org_code=org_code,
            status=status,
            statuses=BookingStatus.choices,
            query=f"org={org_code}&status={status}",
            children=visible_orgs(request.user).filter(parent=request.user.org, is_active=True),
            is_organiser=services.may_act_for(request.user, activity.org)
            and request.user.org == activity.org,
            may_plan=services.may_act_for(request.user, request.user.org),
        ),
    )


def _back(activity):
    return redirect("campaigns:places", activity_id=activity.pk)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def places_set_view(request, activity_id: int):
    activity = queries.get_activity_for(request.user, activity_id, write=True)
    attempt(
        request,
        lambda: services.set_places(activity, request.POST.get("total"), by=request.user),
        _("The places have been set."),
    )
    return _back(activity)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def places_allocate_view(request, activity_id: int):
    """Pass places from the viewer's union to one right below it, or take some back."""
    activity = queries.get_activity_for(request.user, activity_id, write=True)
    withdraw = request.POST.get("direction") == "withdraw"
    move = services.withdraw_places if withdraw else services.allocate_places
    attempt(
        request,
        lambda: move(
            activity,
            request.user.org,
            queries.union_by_code(request.user, request.POST.get("to_org", ""), "to_org"),
            request.POST.get("places"),
            by=request.user,
            note=request.POST.get("note", ""),
        ),
        _("The places have been taken back.") if withdraw else _("The places have been passed on."),
    )
    return _back(activity)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def book_view(request, activity_id: int):
    activity = queries.get_activity_for(request.user, activity_id, write=True)
    worker_id = request.POST.get("worker", "")
    if not worker_id.isdigit():
        messages.error(request, _("Give the worker's registry number."))
        return _back(activity)
    worker = get_worker_for(request.user, int(worker_id))
    attempt(
        request,
        lambda: services.book_place(
            activity,
            worker,
            queries.union_by_code(request.user, request.POST.get("org") or request.user.org.code),
            by=request.user,
        ),
        _("The place has been booked."),
    )
    return _back(activity)


def _booking_for(request, booking_id: int) -> Booking:
    return get_scoped_or_404(
        queries.scoped(Booking.objects.select_related("activity"), request.user),
        request.user,
        write=True,
        pk=booking_id,
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def booking_cancel_view(request, booking_id: int):
    booking = _booking_for(request, booking_id)
    attempt(
        request,
        lambda: services.cancel_booking(
            booking, by=request.user, reason=request.POST.get("reason", "")
        ),
        _("The booking has been cancelled; the place is free again."),
    )
    return _back(booking.activity)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def booking_attended_view(request, booking_id: int):
    booking = _booking_for(request, booking_id)
    attempt(
        request,
        lambda: services.mark_attended(booking, by=request.user),
        _("Marked as attended."),
    )
    return _back(booking.activity)
