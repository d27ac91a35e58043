"""How a figure reads: money in 元, grams in 斤, the rest as whole numbers, with its unit."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from nuanjia.core.measures import Unit
from nuanjia.core.money import format_yuan

GRAMS_PER_JIN = 500
UNIT_LABELS = {
    Unit.FEN: _("yuan"),  # 元
    Unit.PERSONS: _("persons"),  # 人
    Unit.VISITS: _("visits"),  # 人次
    Unit.ITEMS: _("items"),  # 件
    Unit.GRAMS: _("jin"),  # 斤
    Unit.COUNT: _("count"),  # 个
    Unit.DAYS: _("days"),  # 天
}


def unit_label(unit: str) -> str:
    return str(UNIT_LABELS.get(Unit(unit), unit))


def value_text(value: int | None, unit: str) -> str:
    """The figure in its display unit ("1,234.56" 元, "12.5" 斤, "1,234")."""
    value = value or 0
    if unit == Unit.FEN:
        return format_yuan(value)
    if unit == Unit.GRAMS:
        jin = (Decimal(value) / GRAMS_PER_JIN).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return f"{jin:,}"
    return f"{value:,}"


def change_text(now: int, before: int) -> str:
    """The change on the year before in per cent ("+12.5%"), "—" when there was nothing."""
    if not before:
        return "—"
    percent = (Decimal(now - before) * 100 / abs(before)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    return f"{percent:+}%"
