"""The consumption-help figures (消费帮扶统计): by city, buying union, producer county and
month — 斤 bought (received orders and collected gift bags), 元 paid to producers (帮助增收:
orders the bank paid, collected bags at member price + subsidy), 元 of sales to members (goods
sold, bags paid) and families reached (hardship families given goods, members who collected a
bag). Every sum is taken in grams and fen in the database, one GROUP BY per table, so a
roll-up equals its rows exactly; every figure opens the rows behind it (`rows_behind`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum

from nuanjia.core.actors import Actor
from nuanjia.orgs.queries import scope

from .models import BagOrder, GoodsDestination, OrderLine
from .rules import BagOrderStatus, Destination

# The dimensions a figure may be grouped by: name -> the column on each table.
DIMENSIONS = {"city": "city", "org": "org_id", "county": "county", "month": "month"}


@dataclass
class Figure:
    key: tuple[Any, ...]
    grams: int = 0
    paid_fen: int = 0  # paid to producers (帮助增收)
    sales_fen: int = 0  # sold to members
    families: int = 0  # hardship families and members reached
    extra: dict[str, Any] = field(default_factory=dict)


def _check(dims: Sequence[str]) -> list[str]:
    unknown = [name for name in dims if name not in DIMENSIONS]
    if unknown or not dims:
        raise ValueError(f"unknown dimensions {unknown}")
    return [DIMENSIONS[name] for name in dims]


def filtered(queryset: QuerySet[Any], filters: dict[str, Any]) -> QuerySet[Any]:
    """Rows of one figure cell: `city`, `org`, `county`, `month` (a date or "YYYY-MM")."""
    lookups = {}
    for name, value in filters.items():
        if value in (None, "") or name not in DIMENSIONS:
            continue
        if name == "month" and isinstance(value, str):
            value = datetime.date.fromisoformat(f"{value[:7]}-01")
        lookups[DIMENSIONS[name]] = value
    return queryset.filter(**lookups)


def line_rows(user: Actor | None) -> QuerySet[OrderLine]:
    lines = OrderLine.objects.filter(arrived=True)
    return lines if user is None else scope(lines, user)


def bag_rows(user: Actor | None) -> QuerySet[BagOrder]:
    bags = BagOrder.objects.filter(status=BagOrderStatus.COLLECTED)
    return bags if user is None else scope(bags, user)


def destination_rows(user: Actor | None) -> QuerySet[GoodsDestination]:
    rows = GoodsDestination.objects.all()
    return rows if user is None else scope(rows, user)


def figures(
    user: Actor | None, dims: Sequence[str], filters: dict[str, Any] | None = None
) -> list[Figure]:
    """The figures grouped by `dims` (`user` None: the whole province), sorted by key."""
    columns = _check(dims)
    filters = filters or {}
    found: dict[tuple[Any, ...], Figure] = {}

    def add(rows: Iterable[dict[str, Any]], **measures: str) -> None:
        for row in rows:
            key = tuple(row[column] for column in columns)
            figure = found.setdefault(key, Figure(key))
            for attribute, name in measures.items():
                setattr(figure, attribute, getattr(figure, attribute) + (row[name] or 0))

    lines = filtered(line_rows(user), filters).values(*columns)
    add(
        lines.annotate(g=Sum("grams"), p=Sum("amount_fen", filter=Q(paid=True))).order_by(),
        grams="g", paid_fen="p",
    )  # fmt: skip
    bags = filtered(bag_rows(user), filters).values(*columns)
    add(
        bags.annotate(
            g=Sum("grams"), p=Sum(F("paid_fen") + F("subsidy_fen")), s=Sum("paid_fen"),
            f=Count("worker", distinct=True),
        ).order_by(),
        grams="g", paid_fen="p", sales_fen="s", families="f",
    )  # fmt: skip
    given = filtered(destination_rows(user), filters).values(*columns)
    add(
        given.annotate(
            s=Sum("sales_fen"),
            f=Count("hardship_file", distinct=True, filter=Q(kind=Destination.FAMILY)),
        ).order_by(),
        sales_fen="s", families="f",
    )  # fmt: skip
    return [found[key] for key in sorted(found, key=lambda key: tuple(str(k) for k in key))]


def totals(figures_: Iterable[Figure]) -> Figure:
    total = Figure(())
    for figure in figures_:
        total.grams += figure.grams
        total.paid_fen += figure.paid_fen
        total.sales_fen += figure.sales_fen
        total.families += figure.families
    return total


def rollup_by_city_county_month() -> list[tuple[str, str, datetime.date, int, int]]:
    """The benchmark's figure: received order lines' grams and paid fen by the buying
    union's city, the county of origin and the month (one GROUP BY, the whole province)."""
    rows = (
        OrderLine.objects.filter(arrived=True)
        .values_list("city", "county", "month")
        .annotate(g=Sum("grams"), p=Sum("amount_fen", filter=Q(paid=True)))
        .order_by()
    )
    return [(city, county, month, g, p or 0) for city, county, month, g, p in rows]
