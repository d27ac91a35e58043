"""疗休养 trips in the API. `router` (staff, mounted in campaigns.api): an activity's trips, set
up, places, closed or cancelled; a trip's nominations, nominating an enrolled worker, the
steps (approve, refuse, withdraw) and attendance; every operation scoped as the pages are.
`partner_router` (mounted at /api/v1/partner/campaigns/, a partner's `njp_` token): the
travel partner's trips with the approved people, names masked unless the member consented
for this partner, and marking who went once the trip has left."""

import datetime
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.core.errors import RuleViolation
from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import ErrorOut, EventOut, OneOf, parse_day
from nuanjia.core.workflow_api import ERROR_RESPONSES, add_step_operations
from nuanjia.members.auth import PartnerTokenAuth
from nuanjia.orgs.permissions import check_permission, own_org
from nuanjia.orgs.queries import get_org_by_code_for
from nuanjia.orgs.rules import Perm

from . import queries, queries_trips, services
from .models import Enrolment, Nomination, PartnerContract, Trip
from .rules import NominationStatus, NominationStep
from .workflow import NOMINATION_FLOW

router = Router(tags=["campaigns"])
partner_router = Router(tags=["partner"], auth=PartnerTokenAuth())


class TripOut(Schema):
    id: int
    activity_id: int
    contract_id: int
    partner: str = Field(alias="contract.partner.name")
    name: str
    place: str
    starts_on: datetime.date
    ends_on: datetime.date
    places: int
    taken: int
    remaining: int
    cost_fen: int
    status: str


class TripUnionOut(Schema):
    org_code: str
    org_name: str
    nominated: int
    approved: int
    attended: int
    absent: int
    quota_left: int | None


class TripDetailOut(TripOut):
    unions: list[TripUnionOut]


class TripIn(Schema):
    contract_id: int = Field(
        ..., description="a live contract of a travel partner for the activity"
    )
    name: str = Field(..., min_length=1, max_length=100)
    place: str = Field(..., min_length=1, max_length=100, description="the destination")
    starts_on: str = Field(..., description="YYYY-MM-DD, the day it leaves")
    ends_on: str = Field(..., description="YYYY-MM-DD, the day it returns")
    places: int = Field(..., gt=0)


class TripPlacesIn(Schema):
    places: int = Field(..., gt=0)


class TripCloseIn(Schema):
    reason: str = Field("", max_length=200)


class TripCancelIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)


class NominationOut(Schema):
    id: int
    number: str
    trip_id: int
    org: str = Field(alias="org.code")
    worker_id: int
    name: str = Field(alias="worker.name")
    id_number: str = Field(alias="worker.id_number_masked")
    status: str
    note: str
    nominated_by_id: int | None
    approved_by_id: int | None
    decided_at: datetime.datetime | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_number(nomination: Nomination) -> str:
        return str(nomination)


class NominationDetailOut(NominationOut):
    steps: list[str]
    events: list[EventOut]

    @staticmethod
    def resolve_events(nomination: Nomination) -> list:
        return list(nomination.events.select_related("by"))


class NominationIn(Schema):
    worker_id: int = Field(..., description="a worker on an approved list of the activity")
    org: str = Field("", description="nominating union's code; the caller's union when empty")
    note: str = Field("", max_length=200)


class NominationAttendanceIn(Schema):
    attended: bool = Field(..., description="true: went; false: did not go (nothing returned)")


def _guard(request) -> None:
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)


def _trip_out(trip: Trip) -> Trip:
    trip.refresh_from_db()
    return trip


def _trip_detail(request, trip: Trip) -> Trip:
    trip = _trip_out(trip)
    trip.unions = queries_trips.union_rows(request.user, trip)  # type: ignore[attr-defined]
    return trip


def _on_trip(request, trip_id: int, act) -> Trip:
    """A change to a trip in the caller's reach: `act(trip)`, then the trip as it is now."""
    _guard(request)
    trip = queries_trips.get_trip_for(request.user, trip_id, write=True)
    act(trip)
    return _trip_detail(request, trip)


def _nomination_detail(request, nomination: Nomination) -> Nomination:
    nomination.refresh_from_db()
    nomination.steps = NOMINATION_FLOW.steps_for(nomination, request.user)
    return nomination


@router.get(
    "/activities/{activity_id}/trips", response=list[TripOut], summary="The trips of an activity"
)
@paginate(Pages, page_size=100)
def trip_list(request, activity_id: int):
    _guard(request)
    activity = queries.get_activity_for(request.user, activity_id)
    return queries_trips.activity_trips(request.user, activity)


@router.post(
    "/activities/{activity_id}/trips",
    response={201: TripDetailOut, **ERROR_RESPONSES},
    summary="Set up a trip with a travel partner (its cost: the contract's price)",
)
def trip_create(request, activity_id: int, payload: TripIn):
    _guard(request)
    activity = queries.get_activity_for(request.user, activity_id, write=True)
    contract = PartnerContract.objects.filter(pk=payload.contract_id, activity=activity).first()
    if contract is None:
        raise RuleViolation(_("Choose a contract of this activity."), field="contract_id")
    trip = services.create_trip(
        activity,
        contract,
        name=payload.name,
        place=payload.place,
        starts_on=parse_day(payload.starts_on, "starts_on"),
        ends_on=parse_day(payload.ends_on, "ends_on"),
        places=payload.places,
        by=request.user,
    )
    return Status(201, _trip_detail(request, trip))


@router.get(
    "/trips/{trip_id}",
    response={200: TripDetailOut, 404: ErrorOut},
    summary="One trip with its nominations per union",
)
def trip_detail(request, trip_id: int):
    _guard(request)
    return _trip_detail(request, queries_trips.get_trip_for(request.user, trip_id))


@router.post(
    "/trips/{trip_id}/places",
    response={200: TripDetailOut, **ERROR_RESPONSES},
    summary="Change a trip's places (never below those taken)",
)
def trip_places(request, trip_id: int, payload: TripPlacesIn):
    return _on_trip(
        request,
        trip_id,
        lambda trip: services.change_trip_places(trip, payload.places, by=request.user),
    )


@router.post(
    "/trips/{trip_id}/close",
    response={200: TripDetailOut, **ERROR_RESPONSES},
    summary="Close a trip to nominations",
)
def trip_close(request, trip_id: int, payload: TripCloseIn):
    return _on_trip(
        request,
        trip_id,
        lambda trip: services.close_trip(trip, by=request.user, reason=payload.reason),
    )


@router.post(
    "/trips/{trip_id}/cancel",
    response={200: TripDetailOut, **ERROR_RESPONSES},
    summary="Cancel a trip nobody was approved for (waiting nominations give places back)",
)
def trip_cancel(request, trip_id: int, payload: TripCancelIn):
    return _on_trip(
        request,
        trip_id,
        lambda trip: services.cancel_trip(trip, by=request.user, reason=payload.reason),
    )


@router.get(
    "/trips/{trip_id}/nominations",
    response=list[NominationOut],
    summary="A trip's nominations in the caller's subtree",
)
@paginate(Pages, page_size=100)
def nomination_list(
    request, trip_id: int, status: Annotated[str, OneOf(NominationStatus)] | None = None
):
    _guard(request)
    trip = queries_trips.get_trip_for(request.user, trip_id)
    return queries_trips.trip_nominations(request.user, trip, status or "")


@router.post(
    "/trips/{trip_id}/nominations",
    response={201: NominationDetailOut, **ERROR_RESPONSES},
    summary="Nominate an enrolled worker: one place of the union's quota and one of the trip's",
)
def nomination_create(request, trip_id: int, payload: NominationIn):
    _guard(request)
    trip = queries_trips.get_trip_for(request.user, trip_id, write=True)
    row = (
        queries.scoped(Enrolment.objects.select_related("worker"), request.user)
        .filter(activity=trip.activity, worker_id=payload.worker_id)
        .first()
    )
    if row is None:
        raise RuleViolation(
            _("No worker with this number on a list of this activity in your reach."),
            field="worker_id",
        )
    org = get_org_by_code_for(request.user, payload.org) if payload.org else own_org(request)
    nomination = services.nominate(trip, row.worker, org, by=request.user, note=payload.note)
    return Status(201, _nomination_detail(request, nomination))


@router.get(
    "/nominations/{nomination_id}",
    response={200: NominationDetailOut, 404: ErrorOut},
    summary="One trip nomination with its history",
)
def nomination_detail(request, nomination_id: int):
    _guard(request)
    nomination = queries_trips.get_nomination_for(request.user, nomination_id)
    return _nomination_detail(request, nomination)


add_step_operations(
    router,
    NOMINATION_FLOW,
    path="/nominations/{nomination_id}",
    fetch=lambda request, pk: queries_trips.get_nomination_for(request.user, pk, write=True),
    response=NominationDetailOut,
    present=_nomination_detail,
    summaries={
        NominationStep.APPROVE: "Approve a nomination (another person than who nominated)",
        NominationStep.REFUSE: "Refuse a nomination (note: the reason); both places return",
        NominationStep.WITHDRAW: "Withdraw a nomination before the trip (note: the reason)",
    },
)


@router.post(
    "/nominations/{nomination_id}/attendance",
    response={200: NominationDetailOut, **ERROR_RESPONSES},
    summary="Record whether an approved nominee went, once the trip has left",
)
def nomination_attendance(request, nomination_id: int, payload: NominationAttendanceIn):
    _guard(request)
    nomination = queries_trips.get_nomination_for(request.user, nomination_id, write=True)
    services.mark_trip_attendance(nomination, attended=payload.attended, by=request.user)
    return _nomination_detail(request, nomination)


# ---- the travel partner ----------------------------------------------------------------------


class TripPartnerPersonOut(Schema):
    nomination_id: int
    number: str
    name: str = Field(..., description="In full only with the member's consent, else masked.")
    name_shown: bool
    union: str
    status: str
    may_mark: bool


class TripPartnerOut(Schema):
    id: int
    name: str
    place: str
    starts_on: datetime.date
    ends_on: datetime.date
    places: int
    people: list[TripPartnerPersonOut]


def _person_out(p) -> dict:
    return {
        "nomination_id": p.nomination_id, "number": p.number, "name": p.name,
        "name_shown": p.name_shown, "union": p.org_name, "status": p.status,
        "may_mark": p.may_mark,
    }  # fmt: skip


def _partner_trips(partner, trips) -> list[dict]:
    people = queries_trips.partner_people(partner)
    return [
        {
            "id": trip.pk, "name": trip.name, "place": trip.place, "starts_on": trip.starts_on,
            "ends_on": trip.ends_on, "places": trip.places,
            "people": [_person_out(p) for p in people if p.trip_id == trip.pk],
        }
        for trip in trips
    ]  # fmt: skip


@partner_router.get("/trips", response=list[TripPartnerOut], summary="Our trips and their people")
def partner_trip_list(request):
    partner = request.partner_user.partner
    return _partner_trips(partner, queries_trips.partner_trips(partner))


@partner_router.post(
    "/nominations/{nomination_id}/attendance",
    response={200: TripPartnerPersonOut, **ERROR_RESPONSES},
    summary="Record whether a person went on our trip, once it has left",
)
def partner_trip_attendance(request, nomination_id: int, payload: NominationAttendanceIn):
    from django.http import Http404

    user = request.partner_user
    nomination = queries_trips.partner_nominations(user.partner).filter(pk=nomination_id).first()
    if nomination is None:
        raise Http404
    services.mark_trip_attendance(nomination, attended=payload.attended, partner_user=user)
    [person] = [
        p
        for p in queries_trips.partner_people(user.partner, nomination.trip)
        if p.nomination_id == nomination.pk
    ]
    return _person_out(person)
