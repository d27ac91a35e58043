"""Periods and how figures read: pure functions, no database."""

import datetime

import pytest

from nuanjia.core.errors import RuleViolation
from nuanjia.core.measures import Unit
from nuanjia.reports import formatting, periods

TODAY = datetime.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("", datetime.date(2026, 3, 1), datetime.date(2026, 3, 31)),
        ("2024-02", datetime.date(2024, 2, 1), datetime.date(2024, 2, 29)),
        ("2026-Q4", datetime.date(2026, 10, 1), datetime.date(2026, 12, 31)),
        ("2025", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)),
    ],
)
def test_a_period_is_a_range_of_days(text, first, last):
    period = periods.parse(text, today=TODAY)
    assert (period.first, period.last) == (first, last)
    assert periods.parse(period.key, today=TODAY) == period


@pytest.mark.parametrize("text", ["2026-13", "2026-Q5", "26", "1999", "2026-3", "x"])
def test_an_unreadable_period_is_refused(text):
    with pytest.raises(RuleViolation) as refusal:
        periods.parse(text, today=TODAY)
    assert refusal.value.field == "period"


def test_the_year_before_and_the_neighbours():
    march = periods.parse("2026-03", today=TODAY)
    assert march.year_before().key == "2025-03"
    assert periods.parse("2026-01", today=TODAY).previous().key == "2025-12"
    assert periods.parse("2026-Q4", today=TODAY).next().key == "2027-Q1"
    assert periods.parse("2026", today=TODAY).previous().key == "2025"


def test_figures_read_in_their_units():
    assert formatting.value_text(123_456, Unit.FEN) == "1,234.56"
    assert formatting.value_text(85_000_000, Unit.GRAMS) == "170,000.0"  # 17万斤
    assert formatting.value_text(3000, Unit.VISITS) == "3,000"
    assert formatting.change_text(150, 100) == "+50.0%"
    assert formatting.change_text(5, 0) == "—"
