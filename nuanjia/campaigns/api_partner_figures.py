"""Partner figures operations of the campaigns API: a health check, breakfast or trip
activity's figures grouped per union, partner, outlet, city, day or trip, the rows behind one
figure, and money per partner and month with the settlements and the rows not yet settled
behind it, as the partner figures pages show them. Every query parameter is optional."""

import datetime
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from nuanjia.core.errors import RuleViolation
from nuanjia.core.pagination import Pages

from . import figures_partners as pf
from . import queries
from .api_common import guard, org_by_code
from .models import Activity
from .rules import ActivityKind

router = Router(tags=["campaigns"])


class PartnerFigureFiltersIn(Schema):
    """What a line of a table stands for; each optional (a line's `filters` fill them)."""

    at: str = Field("", description="code of a union of your subtree (yours by default)")
    own: str = Field("", description="1: the union's own rows only, not those below it")
    partner: str = Field("", description="a partner's id, or `none`")
    outlet: str = Field("", description="an outlet's id, or `none`")
    city: str = Field("", description="a city union's code (empty: every city)")
    trip: str = Field("", description="a trip's id")
    day: str = Field("", description="YYYY-MM-DD (breakfasts)")
    from_day: str = Field("", description="YYYY-MM-DD, breakfasts from (this month by default)")
    to_day: str = Field("", description="YYYY-MM-DD, breakfasts until")


class PartnerFigureMeasureOut(Schema):
    key: str
    label: str


class PartnerFigureLineOut(Schema):
    label: str
    filters: dict[str, str]
    values: dict[str, int]
    trip: dict[str, int] | None = Field(None, description="per trip: its places and taken")


class PartnerFigureTableOut(Schema):
    programme: str
    at: str
    by: str
    from_day: datetime.date | None
    to_day: datetime.date | None
    measures: list[PartnerFigureMeasureOut]
    lines: list[PartnerFigureLineOut]
    total: dict[str, int]
    trips: dict[str, int] | None = None


class PartnerFigureRowOut(Schema):
    """One row behind a figure: a health check's booking, a breakfast or a trip nomination."""

    id: int
    org: str = Field(..., alias="org.code")
    worker_id: int
    status: str = ""
    partner_id: int | None = None
    day: datetime.date | None = None

    @staticmethod
    def resolve_status(row: Any) -> str:
        return str(getattr(row, "status", "") or "")

    @staticmethod
    def resolve_partner_id(row: Any) -> int | None:
        if hasattr(row, "trip_id") and not hasattr(row, "partner_id"):
            return int(row.trip.contract.partner_id)
        return getattr(row, "partner_id", None)

    @staticmethod
    def resolve_day(row: Any) -> datetime.date | None:
        for name in ("day", "done_on", "appointment_on"):
            value = getattr(row, name, None)
            if value is not None:
                return value
        trip = getattr(row, "trip", None)
        return trip.starts_on if trip is not None else None


class PartnerFigureUnsettledRowOut(PartnerFigureRowOut):
    """A row done but in no live settlement yet (its own name: a paged list of one schema
    class per operation)."""


class PartnerFigureMoneyLineOut(Schema):
    partner_id: int | None
    partner: str
    month: str | None = Field(None, description="YYYY-MM")
    values: dict[str, int]


class PartnerFigureMoneyOut(Schema):
    at: str
    columns: list[PartnerFigureMeasureOut]
    lines: list[PartnerFigureMoneyLineOut]
    total: dict[str, int]


class PartnerFigureSettlementOut(Schema):
    id: int
    partner_id: int
    org: str = Field(..., alias="org.code")
    month: datetime.date
    units: int
    price_fen: int
    amount_fen: int
    status: str


def _activity(request: Any, activity_id: int) -> tuple[Activity, pf.Programme]:
    guard(request)
    activity = queries.get_activity_for(request.user, activity_id)
    programme = pf.programme_for(activity)
    if programme is None:
        raise Http404
    return activity, programme


def _resolve(
    request: Any, programme: pf.Programme | None, given: PartnerFigureFiltersIn, **more: str
) -> tuple[Any, dict[str, Any]]:
    at = org_by_code(request, given.at, "at") if given.at else request.user.org
    params = given.dict() | more
    params |= {"from": params.pop("from_day", ""), "to": params.pop("to_day", "")}
    try:
        found = pf.parse_filters(params)
    except pf.BadFilter as bad:
        name = {"from": "from_day", "to": "to_day"}.get(bad.field, bad.field)
        raise RuleViolation(_("Enter a date as YYYY-MM-DD."), field=name) from None
    if programme is not None and programme.day_field:
        found = pf.this_month_by_default(found)
    return at, found


@router.get(
    "/activities/{activity_id}/partner-figures",
    response=PartnerFigureTableOut,
    summary="A health check, breakfast or trip activity's figures, one line per group of `by` "
    "(union, partner, outlet, shop, shop_day, city, city_day, day, trip)",
)
def partner_figures(
    request, activity_id: int, filters: Query[PartnerFigureFiltersIn], by: str = ""
):
    activity, programme = _activity(request, activity_id)
    by = by or programme.groupings[0]
    if by not in programme.groupings:
        raise RuleViolation(_("Choose one of the groupings."), field="by")
    at, found = _resolve(request, programme, filters)
    table = pf.partner_table(activity, at, by, found)
    return {
        "programme": programme.key,
        "at": at.code,
        "by": by,
        "from_day": found.get("from"),
        "to_day": found.get("to"),
        "measures": [{"key": m.key, "label": str(m.label)} for m in programme.measures],
        "lines": [
            {
                "label": line.label,
                "filters": line.filters,
                "values": line.values,
                "trip": line.trip,
            }
            for line in table.lines
        ],
        "total": table.total,
        "trips": pf.trip_totals(activity) if activity.kind == ActivityKind.TRIP else None,
    }


@router.get(
    "/activities/{activity_id}/partner-figures/rows",
    response=list[PartnerFigureRowOut],
    summary="The rows one partner figure counts (measure: booked, done, no_show, waiting, "
    "reinvited; meals; nominated, approved, attended, waiting), of one line's filters",
)
@paginate(Pages, page_size=500)
def partner_figure_rows(
    request, activity_id: int, filters: Query[PartnerFigureFiltersIn], measure: str = ""
):
    activity, programme = _activity(request, activity_id)
    if programme.measure(measure) is None:
        raise RuleViolation(_("Choose one of the figures."), field="measure")
    at, found = _resolve(request, programme, filters)
    related = ("org", "trip__contract") if activity.kind == ActivityKind.TRIP else ("org",)
    return pf.figure_rows(activity, measure, at, found).select_related(*related).order_by("pk")


@router.get(
    "/activities/{activity_id}/partner-figures/money",
    response=PartnerFigureMoneyOut,
    summary="Money per partner and month: settled units and amounts by status, and what is "
    "done but not settled yet × the contract's price",
)
def partner_money(request, activity_id: int, at: str = ""):
    activity, _programme = _activity(request, activity_id)
    union = org_by_code(request, at, "at") if at else request.user.org
    lines, total = pf.money_table(activity, union)
    return {
        "at": union.code,
        "columns": [{"key": key, "label": str(label)} for key, label, _unit in pf.MONEY_COLUMNS],
        "lines": [
            {
                "partner_id": line.partner_id,
                "partner": line.partner,
                "month": line.month.strftime("%Y-%m") if line.month else None,
                "values": line.values,
            }
            for line in lines
        ],
        "total": total,
    }


class PartnerFigureMoneyFiltersIn(Schema):
    at: str = Field("", description="code of a union of your subtree (yours by default)")
    partner: str = Field("", description="a partner's id, or `none`")
    month: str = Field("", description="YYYY-MM, or `none` (rows not settled with no day)")


def _money_filters(
    request: Any, given: PartnerFigureMoneyFiltersIn, status: str = ""
) -> tuple[Any, dict[str, Any]]:
    at = org_by_code(request, given.at, "at") if given.at else request.user.org
    try:
        found = pf.parse_filters({"partner": given.partner, "month": given.month})
    except pf.BadFilter:
        raise RuleViolation(_("Enter a month as YYYY-MM."), field="month") from None
    if status and status not in pf.STATUS_GROUPS:
        raise RuleViolation(_("Choose one of the statuses."), field="status")
    return at, found | {"status": status}


@router.get(
    "/activities/{activity_id}/partner-figures/money/settlements",
    response=list[PartnerFigureSettlementOut],
    summary="The settlements (not cancelled) behind a money figure "
    "(status: prepared, confirmed, approved, paid)",
)
@paginate(Pages, page_size=500)
def partner_money_settlements(
    request, activity_id: int, filters: Query[PartnerFigureMoneyFiltersIn], status: str = ""
):
    activity, _programme = _activity(request, activity_id)
    at, found = _money_filters(request, filters, status)
    return pf.settlement_rows(activity, at, found).select_related("org").order_by("pk")


@router.get(
    "/activities/{activity_id}/partner-figures/money/unsettled",
    response=list[PartnerFigureUnsettledRowOut],
    summary="The rows done but not settled yet behind a money figure",
)
@paginate(Pages, page_size=500)
def partner_money_unsettled(request, activity_id: int, filters: Query[PartnerFigureMoneyFiltersIn]):
    activity, _programme = _activity(request, activity_id)
    at, found = _money_filters(request, filters)
    related = ("org", "trip__contract") if activity.kind == ActivityKind.TRIP else ("org",)
    return pf.unsettled_rows(activity, at, found).select_related(*related).order_by("pk")
