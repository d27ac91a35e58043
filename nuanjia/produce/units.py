"""Quantities of produce: stored as integer grams, shown in 斤 to one decimal.

1 斤 = 500 g and 1 公斤 = 1000 g exactly, so 1 公斤 = 2 斤; a box or bag holds the grams its
product says. Sums are taken in grams and turned into 斤 only for showing, so a roll-up
equals its rows to the gram."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

GRAMS_PER_JIN = 500
GRAMS_PER_KG = 1000


def jin(grams: int | None) -> Decimal:
    """Grams as 斤 to one decimal (half up): 1250 g → 2.5."""
    return (Decimal(grams or 0) / GRAMS_PER_JIN).quantize(Decimal("0.1"), ROUND_HALF_UP)


def format_jin(grams: int | None) -> str:
    """ "1,234.5": grams in 斤 with thousands separators."""
    return f"{jin(grams):,.1f}"


def grams_of_jin(value: Decimal | int | str) -> int:
    """斤 (a whole number or one with decimals) to grams, exactly."""
    grams = Decimal(str(value)) * GRAMS_PER_JIN
    if grams != grams.to_integral_value():
        raise ValueError("not a whole number of grams")
    return int(grams)
