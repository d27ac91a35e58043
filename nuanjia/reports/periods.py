"""Report periods: a month ("2026-03"), a quarter ("2026-Q1") or a year ("2026"), each a range
of days, with the same period of the year before for the comparison."""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from nuanjia.core.errors import RuleViolation

MONTH = "month"
QUARTER = "quarter"
YEAR = "year"
PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{2})|Q(?P<quarter>[1-4])))?$")


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    number: int = 1  # the month or the quarter; 1 for a year

    @property
    def key(self) -> str:
        if self.kind == MONTH:
            return f"{self.year}-{self.number:02d}"
        if self.kind == QUARTER:
            return f"{self.year}-Q{self.number}"
        return str(self.year)

    @property
    def first(self) -> datetime.date:
        month = {MONTH: self.number, QUARTER: 3 * self.number - 2}.get(self.kind, 1)
        return datetime.date(self.year, month, 1)

    @property
    def last(self) -> datetime.date:
        month = {MONTH: self.number, QUARTER: 3 * self.number}.get(self.kind, 12)
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return _("%(year)s-%(month)s") % {"year": self.year, "month": self.number}
        if self.kind == QUARTER:
            return _("Q%(quarter)s %(year)s") % {"year": self.year, "quarter": self.number}
        return _("Year %(year)s") % {"year": self.year}

    def year_before(self) -> Period:
        return Period(self.kind, self.year - 1, self.number)

    def previous(self) -> Period:
        if self.kind == YEAR or self.number == 1:
            last = {MONTH: 12, QUARTER: 4}.get(self.kind, 1)
            return Period(self.kind, self.year - 1, last)
        return Period(self.kind, self.year, self.number - 1)

    def next(self) -> Period:
        last = {MONTH: 12, QUARTER: 4}.get(self.kind, 1)
        if self.number == last:
            return Period(self.kind, self.year + 1, 1)
        return Period(self.kind, self.year, self.number + 1)


def parse(text: str | None, *, today: datetime.date) -> Period:
    """The period a picker or a query names; the current month when none is given. A period
    that cannot be read is refused (RuleViolation on the field "period")."""
    text = (text or "").strip()
    if not text:
        return Period(MONTH, today.year, today.month)
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
