"""The size class of a firm by the national classification (统计上大中小微型企业划分办法 2017).

Each industry's rows name the measures that count for it (employees, revenue, and for some
total assets; farming revenue alone). A firm is 大, 中 or 小 when it meets every listed lower
bound of that class, largest first; otherwise it is 微型 (short of the 小 bounds in any one
measure). Without thresholds for its industry and day, the class is unknown."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from .models import SizeThreshold
from .rules import GRADED, SizeClass


@dataclass(frozen=True)
class Bounds:
    min_employees: int | None
    min_revenue_fen: int | None
    min_assets_fen: int | None

    def met_by(self, headcount: int, revenue_fen: int, assets_fen: int | None) -> bool:
        if self.min_employees is not None and headcount < self.min_employees:
            return False
        if self.min_revenue_fen is not None and revenue_fen < self.min_revenue_fen:
            return False
        return self.min_assets_fen is None or (assets_fen or 0) >= self.min_assets_fen


def thresholds_on(industry: str, day: datetime.date) -> dict[str, Bounds]:
    """The bounds of each graded class of the industry in force on `day`."""
    rows = SizeThreshold.objects.filter(industry=industry, effective_on__lte=day).order_by(
        "effective_on"
    )
    found: dict[str, Bounds] = {}
    for row in rows:  # later tables replace earlier ones
        found[row.size_class] = Bounds(row.min_employees, row.min_revenue_fen, row.min_assets_fen)
    return found


def classify(
    bounds: dict[str, Bounds], headcount: int, revenue_fen: int, assets_fen: int | None
) -> str:
    """大/中/小 meet every lower bound of the class; 微型 falls short of 小 in any one."""
    if not bounds:
        return SizeClass.UNKNOWN
    for size in GRADED:
        rule = bounds.get(size)
        if rule is not None and rule.met_by(headcount, revenue_fen, assets_fen):
            return size
    return SizeClass.MICRO


def size_class_of(
    industry: str, day: datetime.date, headcount: int, revenue_fen: int, assets_fen: int | None
) -> str:
    return classify(thresholds_on(industry, day), headcount, revenue_fen, assets_fen)
