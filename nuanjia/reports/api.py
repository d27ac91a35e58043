"""The reports API (under /api/v1/reports/): the figures of a union's subtree for a period,
a measure's drill-down (child unions, dimension values) and the rows behind a figure. The
union is given by its code and must lie in the caller's subtree (404 otherwise); figures are
read from the facts, rows from the owning app, scoped the same way."""

from typing import Any

from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from nuanjia.core import clock, measures
from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import ErrorOut
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.queries import get_org_by_code_for
from nuanjia.orgs.rules import Perm

from . import dashboard, periods, queries, views

router = Router(tags=["reports"])


class ReportQuery(Schema):
    period: str = Field("", description="2026-03 (month), 2026-Q1 (quarter) or 2026 (year)")
    org: str = Field("", description="a union's code in your subtree; your own by default")


class DrillQuery(ReportQuery):
    measure: str = Field(description="the measure's code, e.g. relief.grants_paid")
    d1: str | None = Field(
        None, description="the first dimension's value (the rows: several separated by commas)"
    )
    d2: str | None = Field(
        None, description="the second dimension's value (the rows: several separated by commas)"
    )


class RowsQuery(DrillQuery):
    own: bool = Field(False, description="the union's own rows only, not its subtree's")


class ReportFigureOut(Schema):
    measure: str
    name: str
    unit: str
    kind: str
    own: int = Field(description="the union's own facts, in the unit's integer (分, grams…)")
    total: int = Field(description="with the unions below, by the measure's roll-up rule")
    last_year_total: int


class ReportFiguresOut(Schema):
    org: str
    org_name: str
    period: str
    first: str
    last: str
    figures: list[ReportFigureOut]


class ReportChildOut(Schema):
    org: str
    org_name: str
    own: int
    total: int


class ReportBreakdownOut(Schema):
    d1: str
    d2: str
    labels: list[str]
    own: int
    total: int


class ReportMeasureOut(Schema):
    measure: str
    name: str
    unit: str
    kind: str
    org: str
    period: str
    own: int
    total: int
    dimensions: list[str]
    children: list[ReportChildOut]
    breakdown: list[ReportBreakdownOut]


class ReportRowOut(Schema):
    id: int
    value: int
    cells: list[str]


def _where(user: Any, query: ReportQuery) -> tuple[Org, periods.Period]:
    check_permission(user, Perm.VIEW_BUSINESS, "reports")
    org = get_org_by_code_for(user, query.org) if query.org else user.org
    named = dashboard.named_lookup(org)
    return org, periods.parse(query.period, today=clock.today(), named=named)


def _measure(user: Any, code: str) -> measures.Measure:
    for measure in queries.visible_measures(user):
        if measure.code == code:
            return measure
    raise Http404


@router.get(
    "/figures",
    response={200: ReportFiguresOut, 404: ErrorOut},
    summary="Every measure's figure of a union's subtree",
)
def report_figures(request, query: Query[ReportQuery]):
    org, period = _where(request.user, query)
    chosen = queries.visible_measures(request.user)
    codes = [measure.code for measure in chosen]
    before = period.year_before()
    now = queries.figures(org, period.first, period.last, codes)
    then = queries.figures(org, before.first, before.last, codes)
    empty = queries.Figure()
    return {
        "org": org.code, "org_name": org.name, "period": period.key,
        "first": period.first.isoformat(), "last": period.last.isoformat(),
        "figures": [
            {
                "measure": m.code, "name": str(m.name), "unit": m.unit.value, "kind": m.kind.value,
                "own": now.get(m.code, empty).own, "total": now.get(m.code, empty).total,
                "last_year_total": then.get(m.code, empty).total,
            }
            for m in chosen
        ],
    }  # fmt: skip


@router.get(
    "/measure",
    response={200: ReportMeasureOut, 404: ErrorOut},
    summary="One measure of a union: child unions and dimension values",
)
def report_measure(request, query: Query[DrillQuery]):
    org, period = _where(request.user, query)
    measure = _measure(request.user, query.measure)
    code = measure.code
    first, last = period.first, period.last
    found = queries.figure(org, code, first, last, query.d1, query.d2)
    dims = measure.dimensions
    return {
        "measure": code, "name": str(measure.name), "unit": measure.unit.value,
        "kind": measure.kind.value, "org": org.code, "period": period.key,
        "own": found.own, "total": found.total, "dimensions": [str(d.name) for d in dims],
        "children": [
            {"org": child.code, "org_name": child.name, "own": fig.own, "total": fig.total}
            for child, fig in queries.children_figures(org, code, first, last, query.d1, query.d2)
        ],
        "breakdown": [
            {"d1": d1, "d2": d2, "own": fig.own, "total": fig.total,
             "labels": [dim.label(v) for dim, v in zip(dims, (d1, d2), strict=False)]}
            for d1, d2, fig in queries.breakdown(org, code, first, last)
        ] if dims else [],
    }  # fmt: skip


@router.get(
    "/rows",
    response={200: list[ReportRowOut], 404: ErrorOut},
    summary="The rows behind a figure",
)
@paginate(Pages, page_size=100)
def report_rows(request, query: Query[RowsQuery]):
    """The rows the figure adds up (each with its `value`) and their cells as the Excel
    export writes them (personal data masked)."""
    org, period = _where(request.user, query)
    measure = _measure(request.user, query.measure)
    rows = views.rows_of_values(measure, org.path, query.own, period, query.d1, query.d2)
    return RowPages(rows.order_by("pk"), views.export_of(measure))


class RowPages:
    """The rows as the paginator slices them: counted and read one page at a time."""

    def __init__(self, rows: Any, export: Any) -> None:
        self.rows, self.export = rows, export

    def __len__(self) -> int:
        return int(self.rows.count())

    def __getitem__(self, part: slice) -> list[dict[str, Any]]:
        return [
            {
                "id": row.pk,
                "value": row.fact_value,
                "cells": [_cell(c) for c in self.export.cells(row)],
            }
            for row in self.rows[part]
        ]


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


class DashboardQuery(ReportQuery):
    measure: str = Field("", description="the measure of the unions, map and months (the first)")


class ReportMonthOut(Schema):
    month: str
    now: int
    then: int = Field(description="the same month a year before")


class ReportCellOut(Schema):
    code: str = Field(description="the GB/T 2260 code of the city or county")
    name: str
    value: int


class ReportChildYearOut(ReportChildOut):
    last_year_total: int


class ReportDashboardOut(Schema):
    org: str
    period: str
    measure: str
    unit: str
    trend: list[ReportMonthOut]
    children: list[ReportChildYearOut]
    map: list[ReportCellOut]


@router.get(
    "/dashboard",
    response={200: ReportDashboardOut, 404: ErrorOut},
    summary="A measure's months, unions below and map cells (the dashboard's charts)",
)
def report_dashboard(request, query: Query[DashboardQuery]):
    org, period = _where(request.user, query)
    chosen = queries.visible_measures(request.user)
    measure = _measure(request.user, query.measure) if query.measure else next(iter(chosen), None)
    if measure is None:
        raise Http404
    here = dashboard.At(org, period)
    return {
        "org": org.code, "period": period.key, "measure": measure.code,
        "unit": measure.unit.value,
        "trend": [{"month": f"{row['month']:%Y-%m}", "now": row["now"], "then": row["then"]}
                  for row in dashboard.trend_rows(here, measure)],
        "children": [
            {"org": row["org"].code, "org_name": row["org"].name, "own": row["now"].own,
             "total": row["now"].total, "last_year_total": row["then"]}
            for row in dashboard.children_rows(here, measure)
        ],
        "map": [{"code": c.code, "name": c.name, "value": c.value}
                for c in dashboard.map_context(here, measure)["cells"]],
    }  # fmt: skip


from . import api_report  # noqa: E402,F401  (the campaign report's operations, on this router)
