"""A campaign's figures, per activity and per union: people reached (人), times (人次), cash
proposed and paid, goods handed out by item, places taken, findings by outcome.

Every figure is a measure over rows of one table, filtered by the activity and the viewer's
subtree and counted per owning union; the per-union counts are rolled up to the unions right
below the one being looked at. `rows(measure, …)` gives exactly the rows a figure adds up
(the drill-down page and its export), with the same filters."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from nuanjia.orgs.models import Org
from nuanjia.orgs.queries import within
from nuanjia.people.models import Worker
from nuanjia.relief.rules import Status as GrantStatus

from .models import Activity, Booking, Finding, Handout, Visit
from .queries import roll_up
from .rules import BookingStatus, FindingStatus, VisitStatus

LIVE_GRANT = ~Q(grant__status__in=[GrantStatus.CANCELLED, GrantStatus.REJECTED])


@dataclass(frozen=True)
class Measure:
    """One figure: its label, its rows (of one activity) and how the rows add up."""

    key: str
    label: Any
    rows: Callable[[Activity], QuerySet[Any]]
    total: Callable[[QuerySet[Any]], Any]  # an aggregate expression over the rows
    unit: str = "count"  # count, fen, quantity
    in_table: bool = True  # a column of the per-union table (goods are per item instead)


def _visits(activity: Activity) -> QuerySet[Visit]:
    return Visit.objects.filter(activity=activity, status=VisitStatus.DONE)


def _handouts(activity: Activity) -> QuerySet[Handout]:
    return Handout.objects.filter(activity=activity, returned=False)


def _bookings(activity: Activity) -> QuerySet[Booking]:
    return Booking.objects.filter(activity=activity, status=BookingStatus.DONE)


def _people(activity: Activity) -> QuerySet[Worker]:
    """Everyone reached by name: visited, handed goods by name, or attended a place."""
    reached = (
        Q(pk__in=_visits(activity).values("worker_id"))
        | Q(pk__in=_handouts(activity).filter(worker__isnull=False).values("worker_id"))
        | Q(pk__in=_bookings(activity).values("worker_id"))
    )
    return Worker.objects.filter(reached)


MEASURES: dict[str, Measure] = {
    measure.key: measure
    for measure in (
        Measure("people", _("People reached"), _people, lambda rows: Count("pk")),
        Measure("visits", pgettext_lazy("campaign", "Visits"), _visits, lambda rows: Count("pk")),
        Measure(
            "cash_proposed",
            _("Cash proposed"),
            lambda activity: _visits(activity).filter(LIVE_GRANT, grant__isnull=False),
            lambda rows: Sum("grant__amount_fen"),
            unit="fen",
        ),
        Measure(
            "cash_paid",
            _("Cash paid"),
            lambda activity: _visits(activity).filter(grant__status=GrantStatus.PAID),
            lambda rows: Sum("grant__amount_fen"),
            unit="fen",
        ),
        Measure(
            "bulk_people",
            _("People reached in bulk hand-outs"),
            lambda activity: _handouts(activity).filter(worker__isnull=True),
            lambda rows: Sum("people_count"),
        ),
        Measure("places_attended", _("Places attended"), _bookings, lambda rows: Count("pk")),
        Measure(
            "goods",
            _("Goods handed out"),
            _handouts,
            lambda rows: Sum("quantity"),
            unit="quantity",
            in_table=False,
        ),
        Measure(
            "findings",
            _("People found in screening"),
            lambda activity: Finding.objects.filter(activity=activity),
            lambda rows: Count("pk"),
        ),
    )
}


@dataclass
class UnionFigures:
    org: Org
    values: dict[str, int] = field(default_factory=dict)


@dataclass
class ActivityFigures:
    activity: Activity
    at: Org
    total: dict[str, int] = field(default_factory=dict)
    per_union: list[UnionFigures] = field(default_factory=list)
    goods: list[dict[str, Any]] = field(default_factory=list)  # item, unit, quantity
    findings: dict[str, int] = field(default_factory=dict)  # status → count


def measure_rows(activity: Activity, key: str, at: Org) -> QuerySet[Any]:
    """The rows measure `key` adds up for the subtree of `at`."""
    measure = MEASURES[key]
    return measure.rows(activity).filter(within(at.path, "org__path"))


def _per_org(rows: QuerySet[Any], total: Any) -> list[tuple[int, int]]:
    grouped = rows.order_by().values_list("org_id").annotate(n=total)
    return [(org_id, int(value or 0)) for org_id, value in grouped]


def activity_figures(activity: Activity, at: Org) -> ActivityFigures:
    """Every measure of `activity` in `at`'s subtree, in total and per union right below."""
    figures = ActivityFigures(activity=activity, at=at)
    unions: dict[str, dict[str, int]] = {}
    for key, measure in MEASURES.items():
        if not measure.in_table:
            continue
        rows = measure_rows(activity, key, at)
        if key == "people":  # distinct people: a worker counts once, at their own union
            counts = _per_org(rows, Count("pk"))
        else:
            counts = _per_org(rows, measure.total(rows))
        for code, value in roll_up(at, counts).items():
            unions.setdefault(code, {})[key] = value
        figures.total[key] = sum(value for _pk, value in counts)
    orgs = {org.code: org for org in Org.objects.filter(code__in=unions)}
    figures.per_union = sorted(
        (UnionFigures(orgs[code], values) for code, values in unions.items()),
        key=lambda row: (row.org.pk != at.pk, row.org.path),
    )
    figures.goods = goods_by_item(activity, at)
    figures.findings = findings_by_status(activity, at)
    return figures


def goods_by_item(activity: Activity, at: Org) -> list[dict[str, Any]]:
    rows = _handouts(activity).filter(within(at.path, "org__path"))
    grouped = (
        rows.order_by("item__name")
        .values("item_id", "item__name", "item__unit")
        .annotate(quantity=Sum("quantity"), handouts=Count("pk"))
    )
    return list(grouped)


def findings_by_status(activity: Activity, at: Org) -> dict[str, int]:
    rows = Finding.objects.filter(activity=activity).filter(within(at.path, "org__path"))
    counts = dict(rows.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: int(counts.get(status, 0)) for status in FindingStatus.values}


def campaign_totals(activities: Iterable[Activity], at: Org) -> list[ActivityFigures]:
    return [activity_figures(activity, at) for activity in activities]
