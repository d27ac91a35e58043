"""Free health checks in the API.

- Staff (under /api/v1/campaigns/): the hospital outlets serving an activity, its checks
  (list, book for a worker on an approved list, a new day, cancel, attended, missed), and
  its invitations (list, send the next N by text in priority order). The hospital's
  completion sheet and the lists of checks done elsewhere are imported on the pages only
  (/p/campaigns/checks/completions/ and /campaigns/check-records/).
- A hospital's people (under /api/v1/partner/checks/, `Bearer njp_…`): the bookings at its
  outlets (names masked unless the worker consented for this hospital), attended, missed.
"""

import datetime
from typing import Annotated, Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.core.errors import RuleViolation
from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import OneOf, parse_day
from nuanjia.core.workflow_api import ERROR_RESPONSES
from nuanjia.members.auth import PartnerTokenAuth
from nuanjia.orgs.queries import get_scoped_or_404
from nuanjia.people.queries import get_worker_for

from . import queries, queries_health, services
from .api_common import CampaignReasonIn, guard, org_by_code
from .models import Activity, Booking
from .rules import ActivityKind, BookingStatus, InvitationStatus

router = Router(tags=["campaigns"])
partner_router = Router(tags=["partner"], auth=PartnerTokenAuth())


class CheckOutletOut(Schema):
    id: int
    name: str
    address: str
    hospital: str
    capacity_per_day: int | None
    contract_from: datetime.date
    contract_until: datetime.date


class CheckBookingOut(Schema):
    id: int
    activity_id: int
    worker_id: int
    org: str = Field(..., alias="org.code")
    status: str
    hospital: str | None = Field(None, alias="partner.name")
    outlet_id: int | None
    appointment_on: datetime.date | None
    done_on: datetime.date | None
    no_shows: int
    booked_via: str
    booked_at: datetime.datetime


class CheckBookIn(Schema):
    worker_id: int
    outlet_id: int
    day: str = Field(..., description="YYYY-MM-DD")
    org: str | None = Field(
        None, description="the union whose place is taken (the worker's union on the list)"
    )


class CheckDayIn(Schema):
    outlet_id: int
    day: str = Field(..., description="YYYY-MM-DD")


class CheckInviteIn(Schema):
    org: str | None = Field(None, description="code of the inviting union (yours by default)")
    limit: int = Field(..., ge=1, description="how many people to invite now")


class CheckInvitationOut(Schema):
    id: int
    worker_id: int
    org: str = Field(..., alias="org.code")
    priority: int
    round: int
    status: str
    texted_to: str
    booking_id: int | None
    sent_at: datetime.datetime


def _activity(request: Any, activity_id: int, *, write: bool = False) -> Activity:
    activity = queries.get_activity_for(request.user, activity_id, write=write)
    if activity.kind != ActivityKind.HEALTH_CHECK or not activity.uses_places:
        raise Http404
    return activity


def _outlet(activity: Activity, outlet_id: int) -> Any:
    outlet = queries_health.serving_outlet(activity, outlet_id)
    if outlet is None:
        raise RuleViolation(_("Choose an outlet of a partner hospital."), field="outlet_id")
    return outlet


def _booking(request: Any, booking_id: int) -> Booking:
    bookings = queries.scoped(
        Booking.objects.filter(activity__kind=ActivityKind.HEALTH_CHECK).select_related(
            "activity", "org", "partner"
        ),
        request.user,
    )
    return get_scoped_or_404(bookings, request.user, write=True, pk=booking_id)


@router.get(
    "/activities/{activity_id}/checks/outlets",
    response=list[CheckOutletOut],
    summary="Hospital outlets taking health checks for an activity",
)
def check_outlets(request, activity_id: int):
    guard(request)
    activity = _activity(request, activity_id)
    return [_outlet_out(outlet) for outlet in queries_health.serving_outlets(activity)]


def _outlet_out(outlet: Any) -> dict[str, Any]:
    contract = outlet.contract
    return {
        "id": outlet.pk,
        "name": outlet.name,
        "address": outlet.address,
        "hospital": outlet.partner.name,
        "capacity_per_day": contract.capacity_per_day,
        "contract_from": contract.starts_on,
        "contract_until": contract.ends_on,
    }


@router.get(
    "/activities/{activity_id}/checks",
    response=list[CheckBookingOut],
    summary="An activity's health checks in your subtree",
)
@paginate(Pages, page_size=100)
def check_list(
    request,
    activity_id: int,
    status: Annotated[str, OneOf(BookingStatus)] | None = None,
    day: str = "",
):
    """`day`: YYYY-MM-DD, the appointment day."""
    guard(request)
    rows = queries_health.health_bookings(request.user, _activity(request, activity_id))
    if status:
        rows = rows.filter(status=status)
    if day:
        rows = rows.filter(appointment_on=parse_day(day, "day"))
    return rows


@router.post(
    "/activities/{activity_id}/checks",
    response={201: CheckBookingOut, **ERROR_RESPONSES},
    summary="Book a health check for a worker on an approved list",
)
def check_book(request, activity_id: int, payload: CheckBookIn):
    guard(request)
    activity = _activity(request, activity_id, write=True)
    worker = get_worker_for(request.user, payload.worker_id)
    booking = services.book_check(
        activity,
        worker,
        outlet=_outlet(activity, payload.outlet_id),
        day=parse_day(payload.day, "day"),
        org=org_by_code(request, payload.org) if payload.org else None,
        by=request.user,
    )
    return Status(201, booking)


@router.post(
    "/checks/{booking_id}/day",
    response={200: CheckBookingOut, **ERROR_RESPONSES},
    summary="Give a booked health check a new day (e.g. after a missed one)",
)
def check_day(request, booking_id: int, payload: CheckDayIn):
    guard(request)
    booking = _booking(request, booking_id)
    return services.change_check_day(
        booking,
        outlet=_outlet(booking.activity, payload.outlet_id),
        day=parse_day(payload.day, "day"),
        by=request.user,
    )


@router.post(
    "/checks/{booking_id}/cancel",
    response={200: CheckBookingOut, **ERROR_RESPONSES},
    summary="Cancel a booked health check (the place is free again)",
)
def check_cancel(request, booking_id: int, payload: CampaignReasonIn):
    guard(request)
    return services.cancel_check(
        _booking(request, booking_id), by=request.user, reason=payload.reason
    )


@router.post(
    "/checks/{booking_id}/attended",
    response={200: CheckBookingOut, **ERROR_RESPONSES},
    summary="Mark a health check attended (done on its appointment day)",
)
def check_attended(request, booking_id: int):
    guard(request)
    return services.mark_check_attended(_booking(request, booking_id), by=request.user)


@router.post(
    "/checks/{booking_id}/no-show",
    response={200: CheckBookingOut, **ERROR_RESPONSES},
    summary="Mark a health check missed (first: invited again; second: the place returns)",
)
def check_no_show(request, booking_id: int):
    guard(request)
    return services.mark_check_no_show(_booking(request, booking_id), by=request.user)


@router.get(
    "/activities/{activity_id}/checks/invitations",
    response=list[CheckInvitationOut],
    summary="An activity's health-check invitations in your subtree",
)
@paginate(Pages, page_size=100)
def invitation_list(
    request, activity_id: int, status: Annotated[str, OneOf(InvitationStatus)] | None = None
):
    guard(request)
    rows = queries_health.invitations(request.user, _activity(request, activity_id))
    return rows.filter(status=status) if status else rows


@router.post(
    "/activities/{activity_id}/checks/invitations",
    response={201: list[CheckInvitationOut], **ERROR_RESPONSES},
    summary="Text the next N health-check invitations of a union's subtree, in priority order",
)
def invitation_send(request, activity_id: int, payload: CheckInviteIn):
    guard(request)
    activity = _activity(request, activity_id, write=True)
    org = org_by_code(request, payload.org) if payload.org else request.user.org
    sent = services.send_invitations(activity, org, limit=payload.limit, by=request.user)
    return Status(201, sent)


# ---- The hospital's people -------------------------------------------------------------------


class CheckHospitalRowOut(Schema):
    id: int
    name: str = Field(..., description="In full only with the worker's consent for you.")
    name_shown: bool
    card_status: str = Field(..., description="valid or not_member")
    outlet_id: int | None
    appointment_on: datetime.date | None
    status: str
    done_on: datetime.date | None
    no_shows: int


def _hospital_out(partner: Any, bookings: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": row.booking.pk,
            "name": row.name,
            "name_shown": row.consented,
            "card_status": row.card_status,
            "outlet_id": row.booking.outlet_id,
            "appointment_on": row.booking.appointment_on,
            "status": row.booking.status,
            "done_on": row.booking.done_on,
            "no_shows": row.booking.no_shows,
        }
        for row in queries_health.hospital_rows(partner, bookings)
    ]


@partner_router.get(
    "/bookings",
    response={200: list[CheckHospitalRowOut], **ERROR_RESPONSES},
    summary="Health checks booked at our outlets (one day, or the coming ones)",
)
def hospital_bookings(
    request, day: str = "", status: Annotated[str, OneOf(BookingStatus)] | None = None
):
    """`day`: YYYY-MM-DD (without it: today and the coming days). At most 500 rows."""
    partner = request.partner_user.partner
    rows = queries_health.hospital_bookings(partner)
    if day:
        rows = rows.filter(appointment_on=parse_day(day, "day"))
    else:
        from nuanjia.core import clock

        rows = rows.filter(appointment_on__gte=clock.today())
    if status:
        rows = rows.filter(status=status)
    return _hospital_out(partner, rows.order_by("appointment_on", "pk")[:500])


def _own(request: Any, booking_id: int) -> Booking:
    booking = (
        queries_health.hospital_bookings(request.partner_user.partner).filter(pk=booking_id).first()
    )
    if booking is None:
        raise Http404
    return booking


@partner_router.post(
    "/bookings/{booking_id}/attended",
    response={200: CheckHospitalRowOut, **ERROR_RESPONSES},
    summary="The person came: the check is done on its day",
)
def hospital_attended(request, booking_id: int):
    partner = request.partner_user.partner
    booking = services.mark_check_attended(
        _own(request, booking_id), partner_user=request.partner_user
    )
    return _hospital_out(partner, Booking.objects.filter(pk=booking.pk).select_related("worker"))[0]


@partner_router.post(
    "/bookings/{booking_id}/no-show",
    response={200: CheckHospitalRowOut, **ERROR_RESPONSES},
    summary="The person did not come on the day",
)
def hospital_no_show(request, booking_id: int):
    partner = request.partner_user.partner
    booking = services.mark_check_no_show(
        _own(request, booking_id), partner_user=request.partner_user
    )
    return _hospital_out(partner, Booking.objects.filter(pk=booking.pk).select_related("worker"))[0]
