"""Report periods: a month ("2026-03"), a quarter ("2026-Q1"), a year ("2026"), or a range of
days ("2026-01-15..2026-02-28", the form a campaign's period takes; a campaign's own key,
"campaign-<code>", is resolved by the caller), each with the same period of the year before
for the comparison."""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from nuanjia.core.errors import RuleViolation

MONTH = "month"
QUARTER = "quarter"
YEAR = "year"
RANGE = "range"
RANGE_PATTERN = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])))?$")


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    number: int = 1  # the month or the quarter; 1 for a year
    start: datetime.date | None = None  # a range's days
    end: datetime.date | None = None
    name: str = ""  # a named range's name (a campaign's)
    code: str = ""  # a named range's key ("campaign-<code>")

    @property
    def key(self) -> str:
        if self.kind == RANGE and self.start and self.end:
            return self.code or f"{self.start.isoformat()}..{self.end.isoformat()}"
        if self.kind == MONTH:
            return f"{self.year}-{self.number:02d}"
        if self.kind == QUARTER:
            return f"{self.year}-Q{self.number}"
        return str(self.year)

    @property
    def first(self) -> datetime.date:
        if self.start is not None:
            return self.start
        month = {MONTH: self.number, QUARTER: 3 * self.number - 2}.get(self.kind, 1)
        return datetime.date(self.year, month, 1)

    @property
    def last(self) -> datetime.date:
        if self.end is not None:
            return self.end
        month = {MONTH: self.number, QUARTER: 3 * self.number}.get(self.kind, 12)
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def label(self) -> str:
        if self.kind == RANGE:
            return self.name or f"{self.first:%Y-%m-%d} – {self.last:%Y-%m-%d}"
        if self.kind == MONTH:
            return _("%(year)s-%(month)s") % {"year": self.year, "month": self.number}
        if self.kind == QUARTER:
            return _("Q%(quarter)s %(year)s") % {"year": self.year, "quarter": self.number}
        return _("Year %(year)s") % {"year": self.year}

    def year_before(self) -> Period:
        if self.kind == RANGE:
            return days(year_earlier(self.first), year_earlier(self.last))
        return Period(self.kind, self.year - 1, self.number)

    def previous(self) -> Period:
        if self.kind == RANGE:  # the month before the range
            before = self.first.replace(day=1) - datetime.timedelta(days=1)
            return Period(MONTH, before.year, before.month)
        if self.kind == YEAR or self.number == 1:
            last = {MONTH: 12, QUARTER: 4}.get(self.kind, 1)
            return Period(self.kind, self.year - 1, last)
        return Period(self.kind, self.year, self.number - 1)

    def next(self) -> Period:
        if self.kind == RANGE:  # the month after the range
            after = self.last.replace(day=28) + datetime.timedelta(days=4)
            return Period(MONTH, after.year, after.month)
        last = {MONTH: 12, QUARTER: 4}.get(self.kind, 1)
        if self.number == last:
            return Period(self.kind, self.year + 1, 1)
        return Period(self.kind, self.year, self.number + 1)


def year_earlier(day: datetime.date) -> datetime.date:
    if day.month == 2 and day.day == 29:
        return day.replace(year=day.year - 1, day=28)
    return day.replace(year=day.year - 1)


def days(first: datetime.date, last: datetime.date, *, name: str = "", code: str = "") -> Period:
    """A range of days as a period (a campaign's when named)."""
    return Period(RANGE, first.year, 1, first, last, name, code)


def _range(found: re.Match[str]) -> Period:
    try:
        first, last = (datetime.date.fromisoformat(found[i]) for i in (1, 2))
    except ValueError:
        first = last = datetime.date.min
    if not (2000 <= first.year <= 2100 and first <= last <= first + datetime.timedelta(days=731)):
        raise RuleViolation(
            _("Give a range of days as 2026-01-15..2026-02-28, at most two years long."),
            field="period",
            code="period",
        )
    return days(first, last)


def parse(
    text: str | None,
    *,
    today: datetime.date,
    named: Callable[[str], Period | None] | None = None,
) -> Period:
    """The period a picker or a query names; the current month when none is given. A named
    period (a campaign's) is looked up by `named`. A period that cannot be read is refused
    (RuleViolation on the field "period")."""
    text = (text or "").strip()
    if not text:
        return Period(MONTH, today.year, today.month)
    found_named = named(text) if named is not None and not text[:1].isdigit() else None
    if found_named is not None:
        return found_named
    found_range = RANGE_PATTERN.match(text)
    if found_range:
        return _range(found_range)
    found = PATTERN.match(text)
    year = int(found["year"]) if found else 0
    if not found or not 2000 <= year <= 2100:
        raise RuleViolation(
            _("Give the period as 2026-03, 2026-Q1 or 2026."), field="period", code="period"
        )
    if found["month"]:
        month = int(found["month"])
        if not 1 <= month <= 12:
            raise RuleViolation(
                _("There is no month %(month)s.") % {"month": month}, field="period"
            )
        return Period(MONTH, year, month)
    if found["quarter"]:
        return Period(QUARTER, year, int(found["quarter"]))
    return Period(YEAR, year)
