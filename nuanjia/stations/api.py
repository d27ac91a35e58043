"""The stations API (under /api/v1/stations/).

Public, no token, rate-limited: the nearest open stations and a check-in (what the phone
pages and a mini-program use). Staff, scoped to the caller's subtree: the registry and its
statistics. Coordinates go in and out in the datum the caller names (WGS-84 by default).
"""

import datetime
from typing import Literal

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate

from nuanjia.core import clock
from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import ImportResult
from nuanjia.core.lists import Seek
from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import ErrorOut, EventOut
from nuanjia.core.workflow_api import ERROR_RESPONSES, add_step_operations
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.rules import Perm

from . import queries, ratelimit, rules, services
from .imports_tallies import import_tallies
from .models import Facility, Service, Station, StationGrant
from .workflow import GRANT_FLOW, GrantStep

router = Router(tags=["stations"])


class FacilityOut(Schema):
    code: str
    name: str
    has_quantity: bool


class NearbyOut(Schema):
    code: str
    name: str
    address: str
    distance_m: int
    datum: str
    lat: float
    lng: float
    gcj02_lat: float
    gcj02_lng: float
    opening_hours: str
    facilities: list[str]
    navigate_url: str
    checkin_url: str


class NearestQuery(Schema):
    lat: float
    lng: float
    datum: str = Field(rules.WGS84, description="wgs84, gcj02 or bd09")
    k: int = Field(10, ge=1, le=queries.MAX_K)
    radius_m: int = Field(queries.DEFAULT_RADIUS_M, ge=50, le=queries.MAX_RADIUS_M)
    facilities: list[str] = Field(default_factory=list, description="facility codes, all required")
    at: datetime.datetime | None = Field(None, description="open at this time; now by default")


class CheckInIn(Schema):
    services: list[str] = Field(default_factory=list, description=", ".join(Service.values))
    card_or_phone: str = ""


class CheckInOut(Schema):
    station: str
    at: datetime.datetime


class StationOut(Schema):
    id: int
    code: str
    name: str
    org_id: int
    org_name: str = Field(alias="org.name")
    operator: str
    partner_name: str
    address: str
    region_code: str
    lat: float
    lng: float
    status: str
    opening_hours: str
    closed_on_holidays: bool
    is_published: bool
    standard_checks: list[str]


class StatisticsOut(Schema):
    first: datetime.date
    last: datetime.date
    total: int
    per_day: list[tuple[datetime.date, int]]
    per_region: list[dict]
    hours: list[tuple[int, int]]
    services: list[tuple[str, int]]
    as_of: datetime.datetime | None = Field(
        description="When the nightly rollup these figures come from last finished "
        "successfully (数据截至); null when it has not run yet. Visits after it may be missing."
    )


def _limit(request, scope: str, limit: tuple[int, int]) -> None:
    if not ratelimit.allow(request, scope, *limit):
        raise HttpError(429, _("Too many requests; try again later."))


@router.get("/facilities", response=list[FacilityOut], auth=None, summary="Facility checklist")
def facilities(request):
    return list(Facility.objects.filter(is_active=True))


@router.get("/nearest", response=list[NearbyOut], auth=None, summary="Nearest open stations")
def nearest(request, query: Query[NearestQuery]):
    """The k nearest listed stations open at `at` (now), within the radius, having every
    facility asked for; distances in metres."""
    _limit(request, "search", ratelimit.SEARCH_LIMIT)
    datum = rules.parse_datum(query.datum)
    lat, lng = rules.check_coordinates(query.lat, query.lng)
    lat, lng = rules.to_wgs84(lat, lng, datum)
    known = {facility.code: facility for facility in Facility.objects.filter(is_active=True)}
    unknown = [code for code in query.facilities if code not in known]
    if unknown:
        raise RuleViolation(
            _("Unknown facility “%(name)s”.") % {"name": unknown[0]}, field="facilities"
        )
    results = queries.nearest(
        lat,
        lng,
        k=query.k,
        radius_m=query.radius_m,
        facility_mask=sum(known[code].mask for code in query.facilities),
        at=query.at,
    )
    from .views import navigate_url

    out = []
    for item in results:
        station = item.station
        out_lat, out_lng = station.in_datum(datum)
        gcj_lat, gcj_lng = station.gcj02
        out.append(
            {
                "code": station.code,
                "name": station.name,
                "address": station.address,
                "distance_m": round(item.distance_m),
                "datum": datum,
                "lat": round(out_lat, 7),
                "lng": round(out_lng, 7),
                "gcj02_lat": round(gcj_lat, 7),
                "gcj02_lng": round(gcj_lng, 7),
                "opening_hours": station.opening_hours,
                "facilities": item.facilities,
                "navigate_url": navigate_url(station),
                "checkin_url": request.build_absolute_uri(
                    reverse("stations:checkin", args=[station.code])
                ),
            }
        )
    return out


@router.post(
    "/checkin/{station_code}", response=CheckInOut, auth=None, summary="Check in at a station"
)
def checkin(request, station_code: str, payload: CheckInIn):
    """A visit, as from the station's QR page; a closed station, or a repeat check-in of the
    same visitor within 10 minutes, answers 400 and logs nothing."""
    _limit(request, "checkin", ratelimit.CHECKIN_LIMIT)
    station = queries.public_station(station_code)
    if station is None:
        raise Http404
    visit = services.check_in(
        station,
        services=payload.services,
        card_or_phone=payload.card_or_phone,
        client=ratelimit.client_identity(request),
    )
    return {"station": station.code, "at": visit.at}


class VisitOut(Schema):
    """One visit (到访) of a station: when and the services used; never who (hashes only)."""

    id: int
    station: str = Field(alias="station.code")
    station_name: str = Field(alias="station.name")
    at: datetime.datetime
    used_water: bool
    used_meal: bool
    used_charge: bool
    used_rest: bool
    used_toilet: bool
    used_medicine: bool


@router.get("/visits", response=list[VisitOut], summary="Station visits in scope")
@paginate(Seek, spec=queries.VISIT_LIST)
def visit_list(request, station: str = ""):
    """Visits newest first; `station` (a code) keeps one station's. Follow `next` / `previous`."""
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    visits = queries.visible_visits(request.user)
    if station:
        visits = visits.filter(station__code=station[:32])
    return visits


@router.get("/", response=list[StationOut], summary="Stations in scope")
@paginate(Seek, spec=queries.STATION_LIST)
def station_list(request, q: str = "", status: str = ""):
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    stations = queries.visible_stations(request.user)
    if status in Station.Status.values:
        stations = stations.filter(status=status)
    if q:
        stations = stations.filter(name__icontains=q) | stations.filter(code__icontains=q.upper())
    return stations


@router.get("/statistics", response=StatisticsOut, summary="Visit statistics")
def statistics(
    request,
    first: datetime.date | None = None,
    last: datetime.date | None = None,
    region: str = "",
):
    """Visits per day, district, hour and service of the stations in scope, from the daily
    rollup: `as_of` says when the nightly job that builds it last ran (null: never)."""
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    last = last or clock.today() - datetime.timedelta(days=1)
    first = first or last - datetime.timedelta(days=29)
    if last < first or (last - first).days > 366:
        raise RuleViolation(_("Choose a period of at most a year."), field="first")
    stats = queries.statistics(
        request.user, first, last, region_prefix=region if region.isdigit() else ""
    )
    return {
        "first": stats.first,
        "last": stats.last,
        "total": stats.total,
        "per_day": stats.per_day,
        "per_region": stats.per_region,
        "hours": stats.hours,
        "services": stats.services,
        "as_of": stats.as_of,
    }


# ---- construction and upkeep grants ---------------------------------------------------------


class StationGrantOut(Schema):
    id: int
    station_id: int
    station_code: str = Field(alias="station.code")
    org_id: int
    kind: str
    amount_fen: int
    purpose: str
    status: str
    status_label: str = Field(alias="get_status_display")
    paid_on: datetime.date | None
    proposed_by_id: int | None
    approved_by_id: int | None


class StationGrantDetailOut(StationGrantOut):
    steps: list[str]
    events: list[EventOut]

    @staticmethod
    def resolve_events(grant: StationGrant) -> list:
        return list(grant.events.select_related("by"))


# Literal, not the models' TextChoices: enums named "Kind" and "Status" would collide with
# other apps' in the OpenAPI document.
GrantKind = Literal[tuple(StationGrant.Kind.values)]  # type: ignore[valid-type]
GrantStatus = Literal[tuple(StationGrant.Status.values)]  # type: ignore[valid-type]


class StationGrantIn(Schema):
    kind: GrantKind
    amount_fen: int = Field(..., gt=0, description="in fen (分)")
    purpose: str = Field(..., min_length=1, max_length=200)


def _grant_detail(request, grant: StationGrant) -> StationGrant:
    grant.refresh_from_db()
    grant.steps = GRANT_FLOW.steps_for(grant, request.user)
    return grant


@router.get("/grants", response=list[StationGrantOut], summary="Station grants in scope")
@paginate(Pages, page_size=100)
def station_grant_list(request, status: GrantStatus | None = None):
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    grants = queries.visible_station_grants(request.user).order_by("-id")
    return grants.filter(status=status) if status else grants


@router.get(
    "/grants/{station_grant_id}",
    response={200: StationGrantDetailOut, 404: ErrorOut},
    summary="One station grant with its history",
)
def station_grant_detail(request, station_grant_id: int):
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    return _grant_detail(request, queries.get_station_grant_for(request.user, station_grant_id))


@router.post(
    "/{station_id}/grants",
    response={201: StationGrantDetailOut, **ERROR_RESPONSES},
    summary="Propose a construction or upkeep grant for a station",
)
def station_grant_propose(request, station_id: int, payload: StationGrantIn):
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    station = queries.get_station_for(request.user, station_id, write=True)
    grant = services.propose_station_grant(
        station,
        kind=payload.kind,
        amount_fen=payload.amount_fen,
        purpose=payload.purpose,
        by=request.user,
    )
    return Status(201, _grant_detail(request, grant))


add_step_operations(
    router,
    GRANT_FLOW,
    path="/grants/{station_grant_id}",
    fetch=lambda request, pk: queries.get_station_grant_for(request.user, pk, write=True),
    response=StationGrantDetailOut,
    present=_grant_detail,
    summaries={
        GrantStep.APPROVE: "Approve a proposed grant and reserve its money",
        GrantStep.PAY: "Record an approved grant as paid (its reservation is spent)",
        GrantStep.WITHDRAW: "Withdraw a proposed grant",
        GrantStep.CANCEL: "Cancel an approved grant and release its money (note: the reason)",
    },
)


@router.get("/{station_id}", response=StationOut, summary="One station")
def station_detail(request, station_id: int):
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    return queries.get_station_for(request.user, station_id)


# ---- The tally sheet (驿站来访统计) ----------------------------------------------------------


class SheetErrorOut(Schema):
    row: int = Field(description="The sheet's row, as Excel numbers it")
    column: str = Field(description="The sheet's column letter; empty for the whole row")
    message: str


class TallyImportOut(Schema):
    committed: bool = Field(description="True when the counts were written")
    total: int
    written: int
    errors: list[SheetErrorOut] = Field(description="Rows left out (mode `valid_rows`)")


TALLY_FILE = File(None)  # a missing file is answered in Chinese naming the field
ERRORS_SHOWN = 20


def _refusal(result: ImportResult) -> RuleViolation:
    """The sheet refused as a whole: its problems, each naming its row and column."""
    problems = list(result.sheet_errors) + [str(error) for error in result.errors]
    message = "；".join(problems[:ERRORS_SHOWN])
    if len(problems) > ERRORS_SHOWN:
        message += _("; and %(count)d more problems.") % {"count": len(problems) - ERRORS_SHOWN}
    return RuleViolation(message, field="file", code="sheet_refused")


@router.post(
    "/tallies/import",
    response={**ERROR_RESPONSES, 200: TallyImportOut},
    summary="Import a tally sheet: keepers' day counts (multipart: mode and file)",
)
def tally_import(
    request,
    mode: Literal["all_or_nothing", "valid_rows"] = Form("all_or_nothing"),
    file: UploadedFile | None = TALLY_FILE,
):
    """As the page: every row checked (a keeper of the station's union or above, no future
    day, 0–100000 visitors); all or nothing unless `mode` is `valid_rows`, which writes the
    correct rows and lists the others. A refused sheet answers 400 with every problem named
    by row and column. Each count replaces the one of its station and day."""
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)
    if file is None:
        raise RuleViolation(_("Choose the file to upload."), field="file")
    result = import_tallies(file, by=request.user, mode=mode, file_name=file.name or "")
    if not result.committed or result.sheet_errors:
        raise _refusal(result)
    errors = [
        {"row": error.row, "column": error.column, "message": str(error)} for error in result.errors
    ]
    return {"committed": True, "total": result.total, "written": result.created, "errors": errors}
