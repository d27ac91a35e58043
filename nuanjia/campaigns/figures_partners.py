"""The partner programmes' figures (health checks, breakfasts, 疗休养 trips), beside the
activity figures of `figures.py` and in the same design: every figure is a count over rows of
one table (bookings, meals, nominations), filtered by the activity and the subtree of the union
looked at (`at`), grouped in SQL — per union right below `at` (rolled up like
`queries.roll_up`), per partner, outlet, city, day or trip — and `figure_rows(...)` gives
exactly the rows one figure counts, with the same filters (the drill-down page, its export and
the API).

Money (`money_table`) is per partner and month: the settlements (not cancelled) by status, and
what is done but not yet settled (units × the contract's price)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import StrIndex, Substr, TruncMonth
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from nuanjia.core import clock
from nuanjia.members.models import Outlet, Partner
from nuanjia.orgs.models import Org
from nuanjia.orgs.queries import within

from .models import Activity, Booking
from .partner_models import Meal, Nomination, PartnerContract, Settlement, Trip
from .queries import _child_code
from .rules import (
    ActivityKind,
    BookingStatus,
    NominationStatus,
    SettlementStatus,
)

NONE = "none"  # a filter value for "no partner/outlet recorded"
ID_FILTERS = ("partner", "outlet", "trip", "city", "own")
DAY_FILTERS = ("day", "from", "to", "month")


class BadFilter(ValueError):
    """A day or month filter that is no date; `field` names it."""

    def __init__(self, field_name: str) -> None:
        super().__init__(field_name)
        self.field = field_name


def parse_filters(params: Mapping[str, str]) -> dict[str, Any]:
    """The filters of a figures query string: ids and codes as text, days (YYYY-MM-DD) and the
    month (YYYY-MM) as dates; BadFilter names a day that is none."""
    found: dict[str, Any] = {
        key: str(params[key]).strip() for key in ID_FILTERS if params.get(key) not in (None, "")
    }
    for key in DAY_FILTERS:
        text = str(params.get(key) or "").strip()
        if not text:
            continue
        if key == "month" and text == NONE:
            found[key] = NONE
            continue
        try:
            found[key] = datetime.date.fromisoformat(f"{text}-01" if key == "month" else text)
        except ValueError:
            raise BadFilter(key) from None
    return found


@dataclass(frozen=True)
class PartnerMeasure:
    """One figure of a programme: which of its rows it counts."""

    key: str
    label: Any
    when: Q = field(default_factory=Q)


@dataclass(frozen=True)
class Programme:
    """A partner programme's rows (of one activity), its figures and how they group."""

    key: str
    kind: str
    label: Any
    rows: Callable[[Activity], QuerySet[Any]]
    measures: tuple[PartnerMeasure, ...]
    partner_field: str  # the row's partner id
    groupings: tuple[str, ...]  # the first is the default
    day_field: str = ""  # rows with a day are filtered by a date range (breakfasts)

    def measure(self, key: str) -> PartnerMeasure | None:
        return next((measure for measure in self.measures if measure.key == key), None)


LIVE_CHECK = [BookingStatus.BOOKED, BookingStatus.DONE, BookingStatus.NO_SHOW]
APPROVED_TRIP = [NominationStatus.APPROVED, NominationStatus.ATTENDED, NominationStatus.ABSENT]

PROGRAMMES: dict[str, Programme] = {
    programme.kind: programme
    for programme in (
        Programme(
            "checks",
            ActivityKind.HEALTH_CHECK,
            _("Health checks"),
            lambda activity: Booking.objects.filter(activity=activity, status__in=LIVE_CHECK),
            (
                PartnerMeasure("booked", _("Checks booked")),
                PartnerMeasure(
                    "done", pgettext_lazy("check", "Done"), Q(status=BookingStatus.DONE)
                ),
                PartnerMeasure("no_show", _("Did not come"), Q(status=BookingStatus.NO_SHOW)),
                PartnerMeasure(
                    "waiting", _("Waiting for the check"), Q(status=BookingStatus.BOOKED)
                ),
                PartnerMeasure("reinvited", _("Invited again"), Q(no_shows__gte=1)),
            ),
            partner_field="partner_id",
            groupings=("union", "partner", "outlet"),
        ),
        Programme(
            "breakfasts",
            ActivityKind.BREAKFAST,
            _("Breakfasts"),
            lambda activity: Meal.objects.filter(activity=activity),
            (PartnerMeasure("meals", _("Breakfasts served")),),
            partner_field="partner_id",
            groupings=("shop_day", "shop", "city_day", "city", "day", "union"),
            day_field="day",
        ),
        Programme(
            "trips",
            ActivityKind.TRIP,
            _("Trips"),
            lambda activity: Nomination.objects.filter(trip__activity=activity).exclude(
                status=NominationStatus.WITHDRAWN
            ),
            (
                PartnerMeasure("nominated", pgettext_lazy("figures", "Nominated")),
                PartnerMeasure("approved", _("Approved"), Q(status__in=APPROVED_TRIP)),
                PartnerMeasure(
                    "attended", pgettext_lazy("trip", "Went"), Q(status=NominationStatus.ATTENDED)
                ),
                PartnerMeasure(
                    "waiting",
                    _("Waiting for approval"),
                    Q(status=NominationStatus.NOMINATED),
                ),
            ),
            partner_field="trip__contract__partner_id",
            groupings=("union", "trip", "partner"),
        ),
    )
}

GROUPINGS: dict[str, Any] = {
    "union": _("Per union"),
    "partner": _("Per partner"),
    "outlet": _("Per outlet"),
    "shop": _("Per shop"),
    "shop_day": _("Per day and shop"),
    "city": _("Per city"),
    "city_day": _("Per day and city"),
    "day": _("Per day"),
    "trip": _("Per trip"),
}

# The first column's header of a table per grouping.
GROUPING_HEADERS: dict[str, Any] = {
    "union": _("Union"),
    "partner": _("Partner institution"),
    "outlet": _("Partner institution · outlet"),
    "shop": _("Breakfast shop"),
    "shop_day": _("Day · shop · outlet"),
    "city": _("City"),
    "city_day": _("Day · city"),
    "day": _("Day"),
    "trip": _("Trip"),
}

# The settlement statuses as the money figures show them (cancelled ones count nowhere).
STATUS_GROUPS: dict[str, tuple[Any, list[str]]] = {
    "prepared": (
        _("Waiting for the partner"),
        [SettlementStatus.PREPARED, SettlementStatus.DISPUTED],
    ),
    "confirmed": (_("Waiting for approval"), [SettlementStatus.CONFIRMED]),
    "approved": (
        _("Approved, not yet paid"),
        [SettlementStatus.APPROVED, SettlementStatus.IN_BATCH, SettlementStatus.FAILED],
    ),
    "paid": (_("Paid"), [SettlementStatus.PAID]),
}


def programme_for(activity: Activity) -> Programme | None:
    return PROGRAMMES.get(activity.kind)


# ---- the filters a line of a table stands for ---------------------------------------------


def _root(at: Org) -> str:
    """The path of the tree's root (the province): cities are the segment right after it."""
    return "/" + at.path.strip("/").split("/", 1)[0] + "/"


def _city(root: str) -> Any:
    """The code of the city a row's union is in ("" for the province's own rows), in SQL."""
    rest = Substr("org__path", len(root) + 1)
    slash = StrIndex(rest, Value("/"))
    return Case(
        When(
            Q(org__path__gt=root) & Q(org__path__startswith=root), then=Substr(rest, 1, slash - 1)
        ),
        default=Value(""),
    )


def _dimensions(programme: Programme, by: str, root: str) -> dict[str, Any]:
    """The SQL expressions a grouping groups by, named as their filters are."""
    partner = {"partner": F(programme.partner_field)}
    return {
        "partner": partner,
        "shop": partner,
        "outlet": partner | {"outlet": F("outlet_id")},
        "shop_day": {"day": F("day")} | partner | {"outlet": F("outlet_id")},
        "city": {"city": _city(root)},
        "city_day": {"day": F("day")} | {"city": _city(root)},
        "day": {"day": F("day")},
        "trip": {"trip": F("trip_id")},
    }[by]


def _id_filter(field_name: str, value: str) -> Q:
    if value == NONE:
        return Q(**{f"{field_name}__isnull": True})
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        return Q(pk__in=[])  # no id: nothing (an id too long for the database likewise)
    return Q(**{field_name: int(value)})


def _filtered(
    programme: Programme, rows: QuerySet[Any], at: Org, filters: Mapping[str, str]
) -> QuerySet[Any]:
    """`rows` narrowed to what a line of a table stands for (every key optional)."""
    rows = rows.filter(within(at.path, "org__path"))
    if str(filters.get("own", "")).lower() in ("1", "true"):  # the union's own rows only
        rows = rows.filter(org=at)
    if "partner" in filters:
        rows = rows.filter(_id_filter(programme.partner_field, filters["partner"]))
    if "outlet" in filters:
        rows = rows.filter(_id_filter("outlet_id", filters["outlet"]))
    if "trip" in filters:
        rows = rows.filter(_id_filter("trip_id", filters["trip"]))
    if "city" in filters:
        root, code = _root(at), filters["city"]
        rows = rows.filter(within(f"{root}{code}/", "org__path") if code else Q(org__path=root))
    if programme.day_field:
        for key, lookup in (("day", "exact"), ("from", "gte"), ("to", "lte")):
            day: Any = filters.get(key)
            if isinstance(day, str) and day:
                day = datetime.date.fromisoformat(day)  # a line's own filter, as text
            if isinstance(day, datetime.date):
                rows = rows.filter(**{f"{programme.day_field}__{lookup}": day})
    return rows


def this_month_by_default(found: dict[str, Any]) -> dict[str, Any]:
    """Breakfasts: this month's days (Asia/Shanghai) when no day, from or to is given."""
    if not any(key in found for key in ("day", "from", "to")):
        first = clock.today().replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        found = found | {"from": first, "to": following - datetime.timedelta(days=1)}
    return found


def figure_rows(
    activity: Activity, measure_key: str, at: Org, filters: Mapping[str, Any]
) -> QuerySet[Any]:
    """Exactly the rows figure `measure_key` of a table's line counts (`filters`: the line's
    partner, outlet, city, day, trip, own; from/to for breakfasts)."""
    programme = PROGRAMMES[activity.kind]
    measure = programme.measure(measure_key)
    if measure is None:
        raise KeyError(measure_key)
    rows = programme.rows(activity).filter(measure.when)
    return _filtered(programme, rows, at, filters)


# ---- tables ----------------------------------------------------------------------------------


@dataclass
class FigureLine:
    label: str
    filters: dict[str, str]  # what the line stands for: its drill-down's query parameters
    values: dict[str, int]
    org: Org | None = None
    trip: dict[str, int] | None = None  # per trip: its places and places taken (trip-wide)


@dataclass
class PartnerTable:
    programme: Programme
    by: str
    at: Org
    lines: list[FigureLine] = field(default_factory=list)
    total: dict[str, int] = field(default_factory=dict)


def _counts(programme: Programme) -> dict[str, Any]:
    return {measure.key: Count("pk", filter=measure.when) for measure in programme.measures}


def partner_table(
    activity: Activity, at: Org, by: str, filters: Mapping[str, Any] | None = None
) -> PartnerTable:
    """A programme's figures in `at`'s subtree, one line per group of `by` (one GROUP BY)."""
    programme = PROGRAMMES[activity.kind]
    if by not in programme.groupings:
        raise KeyError(by)
    rows = _filtered(programme, programme.rows(activity), at, dict(filters or {}))
    table = PartnerTable(programme, by, at)
    table.total = {
        key: int(value or 0) for key, value in rows.aggregate(**_counts(programme)).items()
    }
    if by == "union":
        table.lines = _per_union(programme, rows, at)
        return table
    dimensions = _dimensions(programme, by, _root(at))
    names = {f"g_{name}": expression for name, expression in dimensions.items()}
    grouped = (
        rows.order_by()
        .annotate(**names)
        .values(*names)
        .annotate(**_counts(programme))
        .order_by(*names)
    )
    found = list(grouped)
    if by == "trip":  # every trip of the activity, nominated for in the subtree or not
        seen = {group["g_trip"] for group in found}
        found += [
            {"g_trip": pk} | {measure.key: 0 for measure in programme.measures}
            for pk in Trip.objects.filter(activity=activity).values_list("pk", flat=True)
            if pk not in seen and not filters_given(filters)
        ]
    labels = _labels(found, at)
    for group in found:
        line_filters = {
            name[2:]: NONE if group[name] is None else _text(group[name]) for name in names
        }
        table.lines.append(
            FigureLine(
                " · ".join(labels[name[2:]].get(group[name], "") for name in names),
                line_filters,
                {measure.key: int(group[measure.key]) for measure in programme.measures},
            )
        )
    if by == "trip":
        places = {
            pk: {"places": places, "taken": taken}
            for pk, places, taken in Trip.objects.filter(activity=activity).values_list(
                "pk", "places", "taken"
            )
        }
        for line in table.lines:
            line.trip = places.get(int(line.filters["trip"]))
        rank = {pk: index for index, pk in enumerate(places)}  # by the day they leave
        table.lines.sort(key=lambda line: rank.get(int(line.filters["trip"]), len(rank)))
    return table


def filters_given(filters: Mapping[str, Any] | None) -> bool:
    """Whether a table is narrowed to a partner, outlet, trip… (then no empty lines)."""
    return any(key in (filters or {}) for key in ("partner", "outlet", "trip", "city", "own"))


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def _labels(groups: list[dict[str, Any]], at: Org) -> dict[str, dict[Any, str]]:
    """The names of the partners, outlets, cities and trips the groups stand for."""

    def ids(name: str) -> set[Any]:
        return {group[name] for group in groups if group.get(name) is not None}

    no_partner = str(_("No partner recorded"))
    root = Org.objects.filter(path=_root(at)).first()
    cities = dict(Org.objects.filter(code__in=ids("g_city")).values_list("code", "name"))
    return {
        "partner": {None: no_partner}
        | dict(Partner.objects.filter(pk__in=ids("g_partner")).values_list("pk", "name")),
        "outlet": {None: "—"}
        | dict(Outlet.objects.filter(pk__in=ids("g_outlet")).values_list("pk", "name")),
        "city": cities | {"": root.name if root else ""},
        "day": {day: day.isoformat() for day in ids("g_day")},
        "trip": {
            trip.pk: f"{trip.name} ({trip.starts_on.isoformat()})"
            for trip in Trip.objects.filter(pk__in=ids("g_trip"))
        },
    }


def _per_union(programme: Programme, rows: QuerySet[Any], at: Org) -> list[FigureLine]:
    """Counts per owning union summed per union right below `at` (or `at` for its own)."""
    grouped = list(rows.order_by().values("org_id").annotate(**_counts(programme)))
    paths = dict(
        Org.objects.filter(pk__in=[group["org_id"] for group in grouped]).values_list("pk", "path")
    )
    per_code: dict[str, dict[str, int]] = {}
    for group in grouped:
        values = per_code.setdefault(_child_code(at, paths[group["org_id"]]), {})
        for measure in programme.measures:
            values[measure.key] = values.get(measure.key, 0) + int(group[measure.key])
    orgs = {org.code: org for org in Org.objects.filter(code__in=per_code)}
    lines = []
    for code, values in per_code.items():
        org = orgs[code]
        own = org.pk == at.pk
        lines.append(
            FigureLine(
                org.name,
                {"at": org.code, **({"own": "1"} if own else {})},
                values,
                org=org,
            )
        )
    return sorted(lines, key=lambda line: (line.filters.get("own") != "1", line.org.path))  # type: ignore[union-attr]


def trip_totals(activity: Activity) -> dict[str, int]:
    """The activity's trips and their places (the trips themselves are the activity's, as its
    quotas are: every union taking part sees them)."""
    found = Trip.objects.filter(activity=activity).aggregate(
        trips=Count("pk"), places=Sum("places"), taken=Sum("taken")
    )
    return {key: int(value or 0) for key, value in found.items()}


# ---- money per partner and month --------------------------------------------------------------

MONEY_COLUMNS: tuple[tuple[str, Any, str], ...] = (
    ("units", _("Units settled"), "count"),
    ("amount", _("Amount settled"), "fen"),
    *((key, label, "fen") for key, (label, _statuses) in STATUS_GROUPS.items()),
    ("unsettled_units", _("Done, not yet settled"), "count"),
    ("unsettled_amount", _("Not yet settled (units × price)"), "fen"),
)


@dataclass
class MoneyLine:
    partner_id: int | None
    partner: str
    month: datetime.date | None
    values: dict[str, int]


def settlement_rows(
    activity: Activity, at: Org, filters: Mapping[str, Any] | None = None
) -> QuerySet[Settlement]:
    """The settlements (not cancelled) the union `at`'s subtree pays for the activity, of one
    partner, month or status group when `filters` says so."""
    filters = filters or {}
    rows = Settlement.objects.filter(activity=activity).exclude(status=SettlementStatus.CANCELLED)
    rows = rows.filter(within(at.path, "org__path"))
    if "partner" in filters:
        rows = rows.filter(_id_filter("partner_id", filters["partner"]))
    month = filters.get("month")
    if isinstance(month, datetime.date):
        rows = rows.filter(month=month.replace(day=1))
    status = filters.get("status")
    if status in STATUS_GROUPS:
        rows = rows.filter(status__in=STATUS_GROUPS[status][1])
    return rows


NOT_SETTLED = Q(settlement__isnull=True) | Q(settlement__status=SettlementStatus.CANCELLED)


def _unsettled_base(activity: Activity) -> tuple[QuerySet[Any], str, str]:
    """The activity's done rows not yet in a (live) settlement, their partner and their day."""
    if activity.kind == ActivityKind.BREAKFAST:
        return Meal.objects.filter(activity=activity).filter(NOT_SETTLED), "partner_id", "day"
    if activity.kind == ActivityKind.TRIP:
        went = Nomination.objects.filter(trip__activity=activity, status=NominationStatus.ATTENDED)
        return went.filter(NOT_SETTLED), "trip__contract__partner_id", "trip__ends_on"
    done = Booking.objects.filter(activity=activity, status=BookingStatus.DONE)
    return done.filter(NOT_SETTLED), "partner_id", "done_on"


def unsettled_rows(
    activity: Activity, at: Org, filters: Mapping[str, Any] | None = None
) -> QuerySet[Any]:
    """Rows done in `at`'s subtree and not settled yet (of one partner and month)."""
    filters = filters or {}
    rows, partner_field, day_field = _unsettled_base(activity)
    rows = rows.filter(within(at.path, "org__path"))
    if "partner" in filters:
        rows = rows.filter(_id_filter(partner_field, filters["partner"]))
    month = filters.get("month")
    if isinstance(month, datetime.date):
        first = month.replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        rows = rows.filter(**{f"{day_field}__gte": first, f"{day_field}__lt": following})
    elif filters.get("month") == NONE:
        rows = rows.filter(**{f"{day_field}__isnull": True})
    return rows


def money_table(activity: Activity, at: Org) -> tuple[list[MoneyLine], dict[str, int]]:
    """Per partner and month: settled units and amounts by status, and what is done but not
    settled yet × the contract's price; with the totals. Two GROUP BY queries."""
    settled = (
        settlement_rows(activity, at)
        .order_by()
        .values("partner_id", "month")
        .annotate(
            units=Sum("units"),
            amount=Sum("amount_fen"),
            **{
                key: Sum("amount_fen", filter=Q(status__in=statuses))
                for key, (_label, statuses) in STATUS_GROUPS.items()
            },
        )
    )
    per_key: dict[tuple[Any, Any], dict[str, int]] = {}
    for group in settled:
        values = per_key.setdefault((group["partner_id"], group["month"]), {})
        for key, _label, _unit in MONEY_COLUMNS[:-2]:
            values[key] = int(group[key] or 0)
    rows, partner_field, day_field = _unsettled_base(activity)
    rows = rows.filter(within(at.path, "org__path"))
    prices = dict(
        PartnerContract.objects.filter(activity=activity).values_list("partner_id", "price_fen")
    )
    pending = (
        rows.order_by()
        .annotate(g_partner=F(partner_field), g_month=TruncMonth(day_field))
        .values("g_partner", "g_month")
        .annotate(units=Count("pk"))
    )
    for group in pending:
        month = group["g_month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        values = per_key.setdefault((group["g_partner"], month), {})
        values["unsettled_units"] = int(group["units"])
        values["unsettled_amount"] = int(group["units"]) * prices.get(group["g_partner"], 0)
    names = dict(
        Partner.objects.filter(pk__in=[key[0] for key in per_key if key[0]]).values_list(
            "pk", "name"
        )
    )
    lines = [
        MoneyLine(
            partner_id,
            names.get(partner_id, str(_("No partner recorded"))),
            month,
            {key: values.get(key, 0) for key, _label, _unit in MONEY_COLUMNS},
        )
        for (partner_id, month), values in per_key.items()
    ]
    lines.sort(key=lambda line: (line.partner, line.month or datetime.date.min))
    total = {key: sum(line.values[key] for line in lines) for key, _label, _unit in MONEY_COLUMNS}
    return lines, total
