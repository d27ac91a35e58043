"""Places, bookings and visits operations of the campaigns API (under /api/v1/campaigns/)."""

import datetime
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.core.errors import RuleViolation
from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import OneOf, parse_day
from nuanjia.core.workflow_api import ERROR_RESPONSES
from nuanjia.orgs.queries import get_scoped_or_404
from nuanjia.people.queries import get_worker_for

from . import queries, services
from .api_common import CampaignReasonIn, guard, org_by_code
from .models import Booking, GoodsItem, Quota, Visit
from .rules import BookingStatus

router = Router(tags=["campaigns"])


# ---- places and bookings -------------------------------------------------------------------


class CampaignQuotaOut(Schema):
    id: int
    org: str = Field(..., alias="org.code")
    total: int
    allocated_down: int
    used: int
    remaining: int


class CampaignPlacesIn(Schema):
    total: int = Field(..., ge=1)


class CampaignAllocationIn(Schema):
    to_org: str
    places: int = Field(..., ge=1)
    withdraw: bool = Field(False, description="take places back instead of passing them on")
    note: str = ""


class CampaignBookingIn(Schema):
    worker_id: int
    org: str | None = Field(None, description="the union whose place is taken (yours by default)")


class CampaignBookingOut(Schema):
    id: int
    worker_id: int
    org: str = Field(..., alias="org.code")
    status: str
    booked_at: datetime.datetime


@router.get(
    "/activities/{activity_id}/places", response=list[CampaignQuotaOut], summary="Places per union"
)
def quota_list(request, activity_id: int):
    guard(request)
    activity = queries.get_activity_for(request.user, activity_id)
    return queries.scoped(
        Quota.objects.filter(activity=activity).select_related("org"), request.user
    )


@router.post(
    "/activities/{activity_id}/places",
    response={200: CampaignQuotaOut, **ERROR_RESPONSES},
    summary="Set the organising union's places",
)
def quota_set(request, activity_id: int, payload: CampaignPlacesIn):
    guard(request)
    activity = queries.get_activity_for(request.user, activity_id, write=True)
    return services.set_places(activity, payload.total, by=request.user)


@router.post(
    "/activities/{activity_id}/places/allocate",
    response={200: CampaignQuotaOut, **ERROR_RESPONSES},
    summary="Pass places to a union right below yours, or take them back",
)
def quota_allocate(request, activity_id: int, payload: CampaignAllocationIn):
    guard(request)
    activity = queries.get_activity_for(request.user, activity_id, write=True)
    move = services.withdraw_places if payload.withdraw else services.allocate_places
    return move(
        activity,
        request.user.org,
        org_by_code(request, payload.to_org, "to_org"),
        payload.places,
        by=request.user,
        note=payload.note,
    )


@router.get(
    "/activities/{activity_id}/bookings", response=list[CampaignBookingOut], summary="Bookings"
)
@paginate(Pages, page_size=100)
def booking_list(
    request, activity_id: int, status: Annotated[str, OneOf(BookingStatus)] | None = None
):
    guard(request)
    activity = queries.get_activity_for(request.user, activity_id)
    bookings = queries.scoped(
        Booking.objects.filter(activity=activity).select_related("org"), request.user
    )
    return bookings.filter(status=status) if status else bookings


@router.post(
    "/activities/{activity_id}/bookings",
    response={201: CampaignBookingOut, **ERROR_RESPONSES},
    summary="Book a place for a worker",
)
def booking_create(request, activity_id: int, payload: CampaignBookingIn):
    guard(request)
    activity = queries.get_activity_for(request.user, activity_id, write=True)
    worker = get_worker_for(request.user, payload.worker_id)
    org = org_by_code(request, payload.org) if payload.org else request.user.org
    return Status(201, services.book_place(activity, worker, org, by=request.user))


def _booking_for(request: Any, booking_id: int) -> Booking:
    bookings = queries.scoped(Booking.objects.select_related("org"), request.user)
    return get_scoped_or_404(bookings, request.user, write=True, pk=booking_id)


@router.post(
    "/bookings/{booking_id}/cancel",
    response={200: CampaignBookingOut, **ERROR_RESPONSES},
    summary="Cancel a booking (the place is free again)",
)
def booking_cancel(request, booking_id: int, payload: CampaignReasonIn):
    guard(request)
    return services.cancel_booking(
        _booking_for(request, booking_id), by=request.user, reason=payload.reason
    )


@router.post(
    "/bookings/{booking_id}/attended",
    response={200: CampaignBookingOut, **ERROR_RESPONSES},
    summary="Mark a booking as attended",
)
def booking_attended(request, booking_id: int):
    guard(request)
    return services.mark_attended(_booking_for(request, booking_id), by=request.user)


# ---- visits ------------------------------------------------------------------------------


class CampaignVisitGoodsIn(Schema):
    item_id: int
    quantity: int = Field(1, ge=1, le=1000)


class CampaignVisitIn(Schema):
    worker_id: int
    cash_fen: int | None = Field(None, description="paid as a relief grant of the activity's type")
    goods: list[CampaignVisitGoodsIn] = []
    visited_on: str = Field("", description="YYYY-MM-DD (today by default)")
    note: str = Field("", max_length=200)


class CampaignVisitOut(Schema):
    id: int
    activity_id: int
    worker_id: int
    org: str = Field(..., alias="org.code")
    visited_on: datetime.date
    status: str
    grant_id: int | None
    warnings: list[str]


@router.get("/activities/{activity_id}/visits", response=list[CampaignVisitOut], summary="Visits")
@paginate(Pages, page_size=100)
def visit_list(request, activity_id: int):
    guard(request)
    activity = queries.get_activity_for(request.user, activity_id)
    return queries.scoped(
        Visit.objects.filter(activity=activity).select_related("org"), request.user
    )


@router.post(
    "/activities/{activity_id}/visits",
    response={201: CampaignVisitOut, **ERROR_RESPONSES},
    summary="Record a visit by your union (cash proposed as a grant, goods from your stock)",
)
def visit_create(request, activity_id: int, payload: CampaignVisitIn):
    guard(request)
    activity = queries.get_activity_for(request.user, activity_id, write=True)
    worker = get_worker_for(request.user, payload.worker_id)
    items = {
        item.pk: item
        for item in GoodsItem.objects.filter(pk__in=[g.item_id for g in payload.goods])
    }
    if len(items) != len({g.item_id for g in payload.goods}):
        raise RuleViolation(_("Unknown goods item."), field="goods")
    visit = services.record_visit(
        activity,
        worker,
        request.user.org,
        by=request.user,
        cash_fen=payload.cash_fen,
        goods=[(items[g.item_id], g.quantity) for g in payload.goods],
        visited_on=parse_day(payload.visited_on, "visited_on", required=False),
        note=payload.note,
    )
    return Status(201, visit)


@router.post(
    "/visits/{visit_id}/cancel",
    response={200: CampaignVisitOut, **ERROR_RESPONSES},
    summary="Cancel a visit recorded in error (goods back to stock, grant cancelled)",
)
def visit_cancel(request, visit_id: int, payload: CampaignReasonIn):
    guard(request)
    visits = queries.scoped(Visit.objects.select_related("org"), request.user)
    visit = get_scoped_or_404(visits, request.user, write=True, pk=visit_id)
    return services.cancel_visit(visit, by=request.user, reason=payload.reason)
