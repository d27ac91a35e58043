"""The benefits figures (普惠统计): uses, members reached and the union's subsidy, by offer,
merchant, city (of the merchant's terms) or month, over the viewer's subtree's members; each
figure opens the uses behind it (the uses list, filtered the same way) and has its Excel.
Reversed uses are left out of every figure."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse

from nuanjia.core.actors import Actor

from .queries import visible_redemptions

GROUPS = {
    "offer": ("offer_id", "offer__name"),
    "merchant": ("partner_id", "partner__name"),
    "city": ("partner__benefit_terms__city", "partner__benefit_terms__city"),
    "month": ("month", "month"),
}


@dataclass(frozen=True)
class Figure:
    key: Any
    label: str
    uses: int
    members: int
    subsidy_fen: int
    rows_url: str


def _rows_url(by: str, key: Any, label: Any) -> str:
    base = reverse("benefits:uses")
    if by == "offer":
        return f"{base}?offer={key or ''}"
    if by == "merchant":
        return f"{base}?partner={key}"
    if by == "city":
        return f"{base}?city={label or ''}"
    start = key
    end = (start.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return f"{base}?start={start:%Y-%m-%d}&end={end - datetime.timedelta(days=1):%Y-%m-%d}"


def figures(user: Actor, by: str = "offer", year: int | None = None) -> list[Figure]:
    """One figure per group, largest subsidy first (months in order)."""
    key, label = GROUPS.get(by, GROUPS["offer"])
    found = visible_redemptions(user).filter(reversed=False).order_by()
    if year:
        found = found.filter(day__year=year)
    if by == "month":
        found = found.annotate(month=TruncMonth("day"))
    rows = found.values(key, label).annotate(
        n=Count("id"), people=Count("worker_id", distinct=True), fen=Sum("subsidy_fen")
    )
    result = [
        Figure(
            row[key],
            _label(by, row[label]),
            row["n"],
            row["people"],
            row["fen"] or 0,
            _rows_url(by, row[key], row[label]),
        )
        for row in rows
    ]
    if by == "month":
        return sorted(result, key=lambda f: f.key)
    return sorted(result, key=lambda f: (-f.subsidy_fen, f.label))


def _label(by: str, value: Any) -> str:
    if by == "month" and value is not None:
        return f"{value:%Y-%m}"
    if by == "offer" and value is None:
        return "餐饮消费券"
    return str(value or "—")
