"""Figures from the facts, rolled up the union tree by each measure's kind (ADR 0021).

A union's figure of a measure and days has two parts: its own (the facts at the union itself)
and its total (its own + its whole subtree's). ADDITIVE and DISTINCT_PERSONS totals are the
sum of the subtree's facts (a person is attributed to one union a year, so people add); a
FLOW's total leaves out the flows whose receiving union is in the same subtree (an allocation
from a city to its county is inside the city's subtree and nets out there). Every query here
reads the facts table only.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import BigIntegerField, Case, Q, QuerySet, Sum, Value, When

from nuanjia.core import measures
from nuanjia.orgs.models import Org
from nuanjia.orgs.queries import within
from nuanjia.orgs.rules import Perm, actor_can

from .models import Fact


@dataclass(frozen=True)
class Figure:
    own: int = 0
    total: int = 0


def visible_measures(user: Any) -> list[measures.Measure]:
    """The measures the user may read: business data, and a measure's own permission."""
    if not actor_can(user, Perm.VIEW_BUSINESS):
        return []
    return [m for m in measures.registered() if not m.permission or actor_can(user, m.permission)]


def _facts(path: str, first: datetime.date, last: datetime.date) -> QuerySet[Fact]:
    return Fact.objects.filter(within(path), day__range=(first, last))


def _sums(path: str) -> dict[str, Sum]:
    """own: the facts at the union itself; total: its subtree's, less flows inside it."""
    inside = within(path, "peer_path")
    return {
        "own": Sum(
            Case(
                When(path=path, then="value"),
                default=Value(0, output_field=BigIntegerField()),
                output_field=BigIntegerField(),
            )
        ),
        "total": Sum(
            Case(
                When(inside, then=Value(0, output_field=BigIntegerField())),
                default="value",
                output_field=BigIntegerField(),
            )
        ),
    }


def _dimension_filter(d1: str | None, d2: str | None) -> Q:
    found = Q()
    if d1 is not None:
        found &= Q(d1=d1)
    if d2 is not None:
        found &= Q(d2=d2)
    return found


def figures(
    org: Org,
    first: datetime.date,
    last: datetime.date,
    codes: Sequence[str],
    only: Q | None = None,
) -> dict[str, Figure]:
    """Every measure's figure at `org` for the days (one GROUP BY over the facts); `only`
    narrows the facts (the adjustments carried from closed months: Q(carried=True))."""
    rows = (
        _facts(org.path, first, last)
        .filter(only or Q(), measure__in=codes)
        .values("measure")
        .annotate(**_sums(org.path))
        .order_by()
    )
    return {row["measure"]: Figure(row["own"] or 0, row["total"] or 0) for row in rows}


def figures_and_carried(
    org: Org, first: datetime.date, last: datetime.date, codes: Sequence[str]
) -> tuple[dict[str, Figure], dict[str, int]]:
    """`figures` and, from the same GROUP BY, each measure's total of the adjustments carried
    from closed months (`figures(..., only=Q(carried=True))`'s totals): one read of the facts."""
    carried = Sum(
        Case(
            When(within(org.path, "peer_path"), then=Value(0, output_field=BigIntegerField())),
            When(carried=True, then="value"),
            default=Value(0, output_field=BigIntegerField()),
            output_field=BigIntegerField(),
        )
    )
    rows = (
        _facts(org.path, first, last)
        .filter(measure__in=codes)
        .values("measure")
        .annotate(**_sums(org.path), carried_total=carried)
        .order_by()
    )
    found = {row["measure"]: Figure(row["own"] or 0, row["total"] or 0) for row in rows}
    return found, {row["measure"]: row["carried_total"] or 0 for row in rows}


def figure(
    org: Org,
    code: str,
    first: datetime.date,
    last: datetime.date,
    d1: str | None = None,
    d2: str | None = None,
) -> Figure:
    found = (
        _facts(org.path, first, last)
        .filter(_dimension_filter(d1, d2), measure=code)
        .aggregate(**_sums(org.path))
    )
    return Figure(found["own"] or 0, found["total"] or 0)


def breakdown(
    org: Org, code: str, first: datetime.date, last: datetime.date
) -> list[tuple[str, str, Figure]]:
    """The measure's figure at `org` per pair of dimension values, largest total first."""
    rows = (
        _facts(org.path, first, last)
        .filter(measure=code)
        .values("d1", "d2")
        .annotate(**_sums(org.path))
        .order_by()
    )
    found = [(row["d1"], row["d2"], Figure(row["own"] or 0, row["total"] or 0)) for row in rows]
    return sorted(found, key=lambda item: (-item[2].total, item[0], item[1]))


def _child_path(parent: str, path: str) -> str:
    """The path of the child of `parent` whose subtree holds `path` ("" for `parent`)."""
    rest = path[len(parent) :]
    return parent + rest.split("/", 1)[0] + "/" if rest else ""


def children_figures(
    org: Org,
    code: str,
    first: datetime.date,
    last: datetime.date,
    d1: str | None = None,
    d2: str | None = None,
) -> list[tuple[Org, Figure]]:
    """The figure of each child union of `org` (each by its own subtree's rule), with every
    child that has facts or is active; one GROUP BY over the facts by union and receiver."""
    rows = (
        _facts(org.path, first, last)
        .filter(_dimension_filter(d1, d2), measure=code)
        .values("path", "peer_path")
        .annotate(value=Sum("value"))
        .order_by()
    )
    own: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    for row in rows:
        child = _child_path(org.path, row["path"])
        if not child:
            continue
        if child == row["path"]:
            own[child] += row["value"]
        if not row["peer_path"].startswith(child):  # a flow inside the child's subtree nets out
            total[child] += row["value"]
    children = Org.objects.filter(parent=org).order_by("path")
    return [
        (child, Figure(own.get(child.path, 0), total.get(child.path, 0)))
        for child in children
        if child.is_active or child.path in own or child.path in total
    ]


def daily_series(
    org: Org, code: str, first: datetime.date, last: datetime.date
) -> list[tuple[datetime.date, int]]:
    """The subtree's total of each day with facts (for a chart)."""
    rows = (
        _facts(org.path, first, last)
        .filter(measure=code)
        .values("day")
        .annotate(**_sums(org.path))
        .order_by("day")
    )
    return [(row["day"], row["total"] or 0) for row in rows]


def subtree_totals(
    org: Org, code: str, first: datetime.date, last: datetime.date, paths: Iterable[str]
) -> dict[str, int]:
    """The total of each union at `paths` (in `org`'s subtree) by the measure's rule, from one
    GROUP BY of the subtree's facts by union and receiver (the map's cells)."""
    rows = list(
        _facts(org.path, first, last)
        .filter(measure=code)
        .values_list("path", "peer_path")
        .annotate(value=Sum("value"))
        .order_by()
    )
    wanted = set(paths)
    totals = dict.fromkeys(wanted, 0)
    for path, peer, value in rows:
        end = path.find("/", 1)  # each union above the fact's (its path's prefixes)
        while end != -1:
            prefix = path[: end + 1]
            if prefix in wanted and not peer.startswith(prefix):
                totals[prefix] += value
            end = path.find("/", end + 1)
    return totals


def monthly_series(
    org: Org, code: str, first: datetime.date, last: datetime.date
) -> dict[datetime.date, int]:
    """The subtree's total of each month with facts, keyed by the month's first day."""
    months: dict[datetime.date, int] = defaultdict(int)
    for day, value in daily_series(org, code, first, last):
        months[day.replace(day=1)] += value
    return dict(months)
