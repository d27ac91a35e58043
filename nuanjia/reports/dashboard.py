"""What a union's dashboard shows (issue 20 item 3), built from the facts and the union tree
only: every measure beside the same period a year before (difference and per cent) with the
adjustments carried from closed months (调整), the child unions' table of a chosen measure,
the map of its cities and counties, and the charts' data (the months of the period and the
child unions). Each table is also an Excel sheet (`TABLES`)."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

from django.db.models import Q
from django.urls import get_script_prefix, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from nuanjia.core import measures
from nuanjia.core.listexport import ListExport, column
from nuanjia.orgs.models import Org
from nuanjia.orgs.queries import within

from . import formatting, frozen, maps, periods, queries
from .models import NamedPeriod


@dataclass
class At:
    """The union (in the user's subtree) and the period a page is about."""

    org: Org
    period: periods.Period

    def link(self, name: str, **extra: Any) -> str:
        return linker(name, self.period, **extra)(self.org)


def linker(name: str, period: periods.Period, **extra: Any) -> Callable[[Org], str]:
    """The link of a page about a union and the period (`At.link`) as a function of the
    union: the path and the rest of the query worked out once (the map links every city and
    county, the unions' table each child four times)."""
    params = {"period": period.key, **{k: v for k, v in extra.items() if v is not None}}
    start = _reversed(name, get_script_prefix()) + "?org="
    rest = "&" + urlencode(params)
    return lambda org: start + quote_plus(org.code) + rest


@functools.lru_cache(maxsize=32)
def _reversed(name: str, prefix: str) -> str:
    """A page's path, reversed once a process (and script prefix)."""
    return reverse(name)


# ---- Named periods (campaigns) --------------------------------------------------------


def sync_named_periods() -> int:
    """Copy the apps' named periods (core.measures) into the reports' table; the count."""
    found = {p.key: p for p in measures.named_periods()}
    NamedPeriod.objects.exclude(key__in=list(found)).delete()
    for key, period in found.items():
        NamedPeriod.objects.update_or_create(
            key=key,
            defaults={"name": period.name[:100], "first": period.first, "last": period.last,
                      "path": period.path},
        )  # fmt: skip
    return len(found)


def _visible(org: Org) -> Q:
    """Periods of the union's subtree or of a union above it."""
    above = [org.path[: i + 1] for i, char in enumerate(org.path) if char == "/" and i]
    return within(org.path) | Q(path__in=above)


def named_choices(org: Org) -> list[NamedPeriod]:
    return list(NamedPeriod.objects.filter(_visible(org))[:12])


def named_lookup(org: Org) -> Callable[[str], periods.Period | None]:
    def find(key: str) -> periods.Period | None:
        found = NamedPeriod.objects.filter(_visible(org), key=key).first()
        if found is None:
            return None
        return periods.days(found.first, found.last, name=found.name, code=found.key)

    return find


# ---- The figures ------------------------------------------------------------------------


def difference(now: int, then: int, unit: str) -> str:
    """The change on the year before in the unit ("+1,234.00"), "—" when both are nothing."""
    if not now and not then:
        return "—"
    text = formatting.value_text(abs(now - then), unit)
    return ("+" if now >= then else "−") + text


def _texts(unit: str, **values: int) -> dict[str, str]:
    """The figures in their display unit ("own_text"…), worked out once for the template."""
    return {f"{name}_text": formatting.value_text(value, unit) for name, value in values.items()}


def measure_rows(at: At, chosen: list[measures.Measure]) -> list[dict[str, Any]]:
    """Every measure the user may read: now, a year before, the difference, the adjustment."""
    codes = [measure.code for measure in chosen]
    period, before = at.period, at.period.year_before()
    now_figures, carried = queries.figures_and_carried(at.org, period.first, period.last, codes)
    then_figures = queries.figures(at.org, before.first, before.last, codes)
    empty = queries.Figure()
    rows = []
    for measure in chosen:
        now, then = now_figures.get(measure.code, empty), then_figures.get(measure.code, empty)
        adjustment, unit = carried.get(measure.code, 0), measure.unit
        rows.append({
            **_texts(unit, own=now.own, total=now.total, then=then.total, adjustment=adjustment),
            "unit_text": formatting.unit_label(unit),
            "measure": measure, "unit": measure.unit, "now": now, "then": then,
            "difference": difference(now.total, then.total, measure.unit),
            "change": formatting.change_text(now.total, then.total),
            "adjustment": adjustment,
            "url": at.link("reports:measure", measure=measure.code),
            "then_url": At(at.org, before).link("reports:measure", measure=measure.code),
        })  # fmt: skip
    return rows


def children_rows(at: At, measure: measures.Measure) -> list[dict[str, Any]]:
    """The chosen measure of each child union, now and a year before; each number opens the
    child's drill-down (its unions below, then its rows)."""
    period, before = at.period, at.period.year_before()
    code = measure.code
    then = {
        child.pk: found
        for child, found in queries.children_figures(at.org, code, before.first, before.last)
    }
    rows = []
    for child, now in queries.children_figures(at.org, code, period.first, period.last):
        last_year = then.get(child.pk, queries.Figure()).total
        there = At(child, period)
        rows.append({
            **_texts(measure.unit, own=now.own, total=now.total, then=last_year),
            "org": child, "unit": measure.unit, "now": now, "then": last_year,
            "difference": difference(now.total, last_year, measure.unit),
            "change": formatting.change_text(now.total, last_year),
            "url": there.link("reports:measure", measure=code),
            "own_url": there.link("reports:rows", measure=code, own="1"),
            "then_url": At(child, before).link("reports:measure", measure=code),
            "dashboard_url": there.link("reports:dashboard", m=code),
        })  # fmt: skip
    return rows


def map_context(at: At, measure: measures.Measure) -> dict[str, Any]:
    """The cells of the union's cities and counties with the measure's totals and links."""
    rows = maps.grid_rows(at.org.code)
    codes = [d.code for row in rows for d in row]
    orgs = {
        o.code: o
        for o in Org.objects.filter(within(at.org.path), code__in=codes).only("code", "path")
    }
    totals = queries.subtree_totals(
        at.org, measure.code, at.period.first, at.period.last, [o.path for o in orgs.values()]
    )
    values = {code: totals.get(org.path, 0) for code, org in orgs.items()}
    link = linker("reports:dashboard", at.period, m=measure.code)
    urls = {code: link(org) for code, org in orgs.items()}
    grid = maps.cells(rows, values, urls, measure.unit)
    outline = maps.current_outline() if grid else None
    paths, box = maps.svg_paths(outline, set(orgs)) if outline else ([], "")
    by_code = {cell.code: cell for row in grid for cell in row}
    every = [cell for row in grid for cell in row]
    return {
        "grid": grid,
        "grid_html": maps.grid_html(grid),
        "table_html": maps.table_html(every),
        "cells": every,
        "shapes": [(by_code[code], d) for code, d in paths if code in by_code],
        "viewbox": box,
        "outline": outline,
    }


def _months(period: periods.Period) -> list[datetime.date]:
    """The months of the trend: those of the period, or the twelve up to a month's."""
    first = period.first.replace(day=1)
    if period.kind == periods.MONTH:
        year, month = first.year, first.month - 11
        first = datetime.date(year - (1 if month < 1 else 0), (month - 1) % 12 + 1, 1)
    found, day = [], first
    while day <= period.last:
        found.append(day)
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return found


def trend_rows(at: At, measure: measures.Measure) -> list[dict[str, Any]]:
    """The measure's total of each month of the trend, beside the same month a year before."""
    months = _months(at.period)
    last = at.period.last
    now = queries.monthly_series(at.org, measure.code, months[0], last)
    then = queries.monthly_series(
        at.org, measure.code, months[0].replace(year=months[0].year - 1),
        periods.year_earlier(last),
    )  # fmt: skip
    return [
        {
            "month": month,
            "unit": measure.unit,
            "now": now.get(month, 0),
            "then": then.get(month.replace(year=month.year - 1), 0),
        }
        for month in months
    ]


def chart_data(
    measure: measures.Measure, trend: list[dict[str, Any]], children: list[dict[str, Any]]
) -> dict[str, Any]:
    """What static/reports/charts.js draws (a json_script): figures in the display unit."""

    def shown(value: int) -> float:
        return float(formatting.value_text(value, measure.unit).replace(",", ""))

    return {
        "measure": str(measure.name),
        "unit": formatting.unit_label(measure.unit),
        "this_year": _("This period"),
        "last_year": _("Same period last year"),
        "trend": {
            "labels": [f"{row['month']:%Y-%m}" for row in trend],
            "now": [shown(row["now"]) for row in trend],
            "then": [shown(row["then"]) for row in trend],
        },
        "children": {
            "labels": [row["org"].name for row in children],
            "now": [shown(row["now"].total) for row in children],
            "then": [shown(row["then"]) for row in children],
        },
    }


def closed_months(at: At) -> list[str]:
    """The months of the period whose figures are frozen for this union (结账)."""
    found = frozen.frozen_for(at.org, at.period.first, at.period.last)
    return sorted({f"{p.year}-{p.month:02d}" for p in found})


# ---- Every table as an Excel sheet ------------------------------------------------------


def _in_unit(value: Callable[[dict[str, Any]], int]) -> Callable[[dict[str, Any]], str]:
    def read(row: dict[str, Any]) -> str:
        return formatting.value_text(value(row), row["unit"])

    return read


TABLES: dict[str, ListExport] = {
    "figures": ListExport("reports.figures", _lazy("Report figures"), (
        column(_lazy("Measure"), lambda row: str(row["measure"].name)),
        column(_lazy("Unit"), lambda row: formatting.unit_label(row["unit"])),
        column(_lazy("This union"), _in_unit(lambda row: row["now"].own)),
        column(_lazy("With the unions below"), _in_unit(lambda row: row["now"].total)),
        column(_lazy("Same period last year"), _in_unit(lambda row: row["then"].total)),
        column(_lazy("Change"), lambda row: row["change"]),
        column(_lazy("Difference"), lambda row: row["difference"]),
        column(_lazy("Adjustment"), _in_unit(lambda row: row["adjustment"])),
    )),
    "children": ListExport("reports.children", _lazy("Unions below"), (
        column(_lazy("Union"), lambda row: row["org"].name),
        column(_lazy("Its own"), _in_unit(lambda row: row["now"].own)),
        column(_lazy("With the unions below it"), _in_unit(lambda row: row["now"].total)),
        column(_lazy("Same period last year"), _in_unit(lambda row: row["then"])),
        column(_lazy("Difference"), lambda row: row["difference"]),
        column(_lazy("Change"), lambda row: row["change"]),
    )),
    "map": ListExport("reports.map", _lazy("Cities and counties"), (
        column(_lazy("Region code"), lambda row: row["cell"].code),
        column(_lazy("Region"), lambda row: row["cell"].name),
        column(_lazy("Figure"), _in_unit(lambda row: row["cell"].value)),
    )),
    "trend": ListExport("reports.trend", _lazy("By month"), (
        column(_lazy("Month"), lambda row: f"{row['month']:%Y-%m}"),
        column(_lazy("This period"), _in_unit(lambda row: row["now"])),
        column(_lazy("Same period last year"), _in_unit(lambda row: row["then"])),
    )),
}  # fmt: skip
