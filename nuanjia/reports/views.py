"""The reports' pages: the dashboard of a union's subtree, a measure's drill-down (its
dimensions and child unions), the rows behind a figure (paginated, with Excel), and the
nightly checks. The dashboard and the drill-down read the facts only; the rows page reads
the owning app's rows through the measure, scoped to the union asked for, which must lie in
the user's subtree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from nuanjia.core import clock, measures
from nuanjia.core.calendar import may_edit_calendar
from nuanjia.core.errors import RuleViolation
from nuanjia.core.listexport import ListExport
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import deny, requires
from nuanjia.orgs.queries import get_org_by_code_for, org_ancestors
from nuanjia.orgs.rules import Perm

from . import dashboard, maps, periods, queries
from .models import CheckRun, MapShape

PAGE_SIZE = 50
PERIOD_KINDS = (
    (periods.MONTH, _lazy("Month")),
    (periods.QUARTER, _lazy("Quarter")),
    (periods.YEAR, _lazy("Year")),
)


@dataclass
class Where:
    """What a report page is about: the union (in the user's subtree) and the period."""

    org: Org
    period: periods.Period
    error: str = ""

    def query(self, **extra: Any) -> str:
        params = {"org": self.org.code, "period": self.period.key}
        params.update({key: value for key, value in extra.items() if value is not None})
        return urlencode(params)


def where(request: HttpRequest) -> Where:
    """The union (?org=code, the user's own by default; 404 outside the subtree) and the
    period (?period=2026-03|2026-Q1|2026, this month by default)."""
    code = request.GET.get("org", "")
    user: Any = request.user
    org = get_org_by_code_for(user, code) if code else user.org
    today = clock.today()
    try:
        period = periods.parse(
            request.GET.get("period"), today=today, named=dashboard.named_lookup(org)
        )
    except RuleViolation as refusal:
        return Where(org, periods.parse("", today=today), refusal.message)
    return Where(org, period)


def measure_for(request: HttpRequest) -> measures.Measure:
    """The measure named by ?measure=code, if the user may read it (404 otherwise)."""
    code = request.GET.get("measure", "")
    for measure in queries.visible_measures(request.user):
        if measure.code == code:
            return measure
    raise Http404


def _trail(request: HttpRequest, org: Org) -> list[Org]:
    """The unions from the user's own down to `org` (the breadcrumbs)."""
    user: Any = request.user
    return [item for item in org_ancestors(org) if item.depth >= user.org.depth]


def _picker(at: Where, **keep: Any) -> dict[str, Any]:
    """The period picker and the breadcrumbs keep the page's other parameters (`keep`)."""
    period = at.period
    kept = {key: value for key, value in keep.items() if value is not None}
    return {
        "keep": urlencode(kept) + "&" if kept else "",
        "keep_fields": sorted(kept.items()),
        "period": period,
        "previous": period.previous(),
        "next": period.next(),
        "kinds": [
            (kind, label, periods.Period(kind, period.year, _number(period, kind)).key)
            for kind, label in PERIOD_KINDS
        ],
        "named": dashboard.named_choices(at.org),
    }


def _number(period: periods.Period, kind: str) -> int:
    """The month or quarter of `kind` holding the period's first day."""
    month = period.first.month
    return {periods.MONTH: month, periods.QUARTER: (month - 1) // 3 + 1}.get(kind, 1)


def _chosen(request: HttpRequest) -> tuple[list[measures.Measure], measures.Measure | None]:
    """The measures the user may read and the one the map, charts and unions' table show
    (?m=code, the first by default)."""
    chosen = queries.visible_measures(request.user)
    wanted = request.GET.get("m", "")
    return chosen, next((m for m in chosen if m.code == wanted), chosen[0] if chosen else None)


def _tables(request: HttpRequest, at: Where) -> dict[str, Any]:
    """Every table of the dashboard (figures, unions below, map, months) and the charts."""
    here = dashboard.At(at.org, at.period)
    chosen, measure = _chosen(request)
    found: dict[str, Any] = {"figures": dashboard.measure_rows(here, chosen), "measure": measure}
    if measure is not None:
        found["children"] = dashboard.children_rows(here, measure)
        found["map"] = dashboard.map_context(here, measure)
        found["trend"] = dashboard.trend_rows(here, measure)
        found["charts"] = dashboard.chart_data(measure, found["trend"], found["children"])
    return found


@requires(Perm.VIEW_BUSINESS)
def dashboard_view(request: HttpRequest):
    """Every measure of the union's subtree for the period beside the same period a year
    before, the unions below, the map, the charts; each figure opens its drill-down. Reads
    the facts and the union tree only."""
    at = where(request)
    tables = _tables(request, at)
    chosen, _measure = _chosen(request)
    code = tables["measure"].code if tables["measure"] else None
    return render(request, "reports/dashboard.html", {
        "at": at, "rows": tables["figures"], "tables": tables, "before": at.period.year_before(),
        "trail": _trail(request, at.org), "partial_year": at.period.kind != periods.YEAR,
        "query": at.query(m=code), "measures": chosen, "closed": dashboard.closed_months(
            dashboard.At(at.org, at.period)), **_picker(at, m=code),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def dashboard_export_view(request: HttpRequest):
    """A table of the dashboard (?table=figures|children|map|trend) as an Excel sheet
    (audited as every list export)."""
    at = where(request)
    table = request.GET.get("table", "figures")
    if table not in dashboard.TABLES:
        raise Http404
    tables = _tables(request, at)
    rows = tables.get(table, [])
    if table == "map" and rows:
        rows = [{"cell": cell, "unit": tables["measure"].unit} for cell in rows["cells"]]
    filters = {"org": at.org.code, "period": at.period.key, "table": table}
    if tables["measure"] is not None and table != "figures":
        filters["measure"] = tables["measure"].code
    return dashboard.TABLES[table].response(request, rows, filters)


def _rows_url(measure: measures.Measure, at: Where, *, own: bool, d1=None, d2=None) -> str:
    query = at.query(measure=measure.code, own="1" if own else "0", d1=d1, d2=d2)
    return reverse("reports:rows") + "?" + query


@requires(Perm.VIEW_BUSINESS)
def measure_view(request: HttpRequest):
    """One measure at a union: its figure, per dimension values, and per child union; every
    number opens the child's drill-down or the rows behind it. Reads the facts only."""
    measure = measure_for(request)
    at = where(request)
    code = measure.code
    first, last = at.period.first, at.period.last
    figure = queries.figure(at.org, code, first, last)
    dims = measure.dimensions
    breakdown = [
        {
            "labels": [dim.label(value) for dim, value in zip(dims, (d1, d2), strict=False)],
            "figure": found,
            "url": _rows_url(measure, at, own=False, d1=d1, d2=d2 if len(dims) > 1 else None),
        }
        for d1, d2, found in (queries.breakdown(at.org, code, first, last) if dims else [])
    ]
    children = [
        {
            "org": child,
            "figure": found,
            "url": reverse("reports:measure")
            + "?"
            + urlencode({"measure": code, "org": child.code, "period": at.period.key}),
        }
        for child, found in queries.children_figures(at.org, code, first, last)
    ]
    return render(request, "reports/measure.html", {
        "at": at, "measure": measure, "figure": figure, "breakdown": breakdown,
        "dimensions": dims, "children": children, "trail": _trail(request, at.org),
        "own_url": _rows_url(measure, at, own=True), "total_url": _rows_url(measure, at, own=False),
        "series": queries.daily_series(at.org, code, first, last), **_picker(at, measure=code),
    })  # fmt: skip


def rows_of_values(
    measure: measures.Measure, path: str, own: bool, period: Any, d1: str | None, d2: str | None
) -> Any:
    """The measure's rows for the values of each dimension, several separated by commas (a
    report's filtered figure, narrative): the rows of each combination, together."""
    firsts: list[str | None] = list(d1.split(",")) if d1 else [None]
    seconds: list[str | None] = list(d2.split(",")) if d2 else [None]
    found = None
    for one in firsts:
        for two in seconds:
            rows = measure.rows(path, own, period.first, period.last, one, two)
            found = rows if found is None else found | rows
    return found


def _labels(measure: measures.Measure, chosen: dict[str, Any]) -> list[str]:
    return [
        "、".join(dim.label(one) for one in value.split(","))
        for dim, value in zip(measure.dimensions, (chosen["d1"], chosen["d2"]), strict=False)
        if value
    ]


def _rows_of(request: HttpRequest, measure: measures.Measure, at: Where) -> Any:
    own = request.GET.get("own") == "1"
    d1, d2 = request.GET.get("d1") or None, request.GET.get("d2") or None
    rows = rows_of_values(measure, at.org.path, own, at.period, d1, d2)
    return rows.order_by("pk"), {"own": own, "d1": d1, "d2": d2}


def export_of(measure: measures.Measure) -> ListExport:
    return ListExport(f"reports.{measure.code}", measure.name, tuple(measure.columns))


@requires(Perm.VIEW_BUSINESS)
def rows_view(request: HttpRequest):
    """The rows behind a figure: the union's own or its subtree's, the period, the values of
    the dimensions; the sum of the rows is the figure."""
    measure = measure_for(request)
    at = where(request)
    rows, chosen = _rows_of(request, measure, at)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    export = export_of(measure)
    total = rows.aggregate(total=Sum("fact_value"))["total"] or 0
    query = at.query(
        measure=measure.code, own="1" if chosen["own"] else "0", d1=chosen["d1"], d2=chosen["d2"]
    )
    return render(request, "reports/rows.html", {
        "at": at, "measure": measure, "page": page, "header": export.header(),
        "lines": [export.cells(row) for row in page.object_list], "total": total,
        "own": chosen["own"], "query": query, "trail": _trail(request, at.org),
        "labels": _labels(measure, chosen),
        **_picker(at, measure=measure.code, own="1" if chosen["own"] else "0",
                  d1=chosen["d1"], d2=chosen["d2"]),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def rows_export_view(request: HttpRequest):
    """The rows behind a figure as an Excel sheet (core.listexport: masked, audited)."""
    measure = measure_for(request)
    at = where(request)
    rows, chosen = _rows_of(request, measure, at)
    filters = {"org": at.org.code, "period": at.period.key, **chosen}
    return export_of(measure).response(request, rows, filters)


@requires(Perm.VIEW_BUSINESS)
def checks_view(request: HttpRequest):
    """The nightly checks of the facts: the day checked and the differences found (each was
    repaired by rebuilding that day); only the differences of the user's subtree are listed."""
    user: Any = request.user
    runs = []
    for run in CheckRun.objects.all()[:60]:
        mine = [d for d in run.details if str(d.get("path", "")).startswith(user.org.path)]
        count = run.differences if user.org.parent_id is None else len(mine)
        runs.append({"run": run, "details": mine, "count": count})
    return render(request, "reports/checks.html", {"runs": runs})


@requires(Perm.MANAGE_CALENDAR)
def map_outline_view(request: HttpRequest):
    """The province's system administrator loads an approved GeoJSON of the map (its codes
    checked against GB/T 2260; refused with the unknown codes listed); the grid otherwise."""
    user: Any = request.user
    if not may_edit_calendar(user):
        deny(user, Perm.MANAGE_CALENDAR, request.path)
    error = ""
    if request.method == "POST":
        upload = request.FILES.get("geojson")
        try:
            if upload is None:
                raise RuleViolation(_("Choose a GeoJSON file."), field="geojson")
            if upload.size and upload.size > maps.MAX_BYTES:
                raise RuleViolation(_("The map file is larger than 20 MB."), field="geojson")
            shape = maps.load_outline(
                upload.read(), name=request.POST.get("name", "") or upload.name or "", by=user
            )
        except RuleViolation as refusal:
            error = refusal.message
        else:
            messages.success(request, _("Map outline %(name)s loaded.") % {"name": shape.name})
            return redirect("reports:map_outline")
    return render(request, "reports/map_outline.html", {
        "error": error, "outlines": MapShape.objects.select_related("loaded_by")[:20],
    }, status=400 if error else 200)  # fmt: skip
