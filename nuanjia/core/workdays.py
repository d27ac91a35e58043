"""Chinese working days (工作日): statutory holidays and adjusted working weekends (调休).

Deadlines (hotline tickets, paperwork after an advance relief…) count working days. The
`chinese-calendar` library knows the official schedule of the years up to its release (1.11:
through 2026) and raises for later ones, so a deadline in January of a year it does not know
must not crash: the `CalendarDay` table (entered by the system administrator from the State
Council notice, `CalendarYear` marking a year complete) overrides and extends the library,
and where neither knows a year, plain weekdays count — `schedule_warnings()` says so to staff
until the year is entered.
"""

from __future__ import annotations

import datetime
from functools import lru_cache

import chinese_calendar
from django.utils.translation import gettext as _

MAX_SCAN_DAYS = 3660  # ten years: no schedule has that many days off in a row


@lru_cache(maxsize=64)
def _library_knows(year: int) -> bool:
    try:
        chinese_calendar.is_workday(datetime.date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def _overrides(start: datetime.date, end: datetime.date) -> dict[datetime.date, bool]:
    from .models import CalendarDay

    return dict(
        CalendarDay.objects.filter(day__gte=start, day__lte=end).values_list("day", "is_workday")
    )


def _plain(day: datetime.date, overrides: dict[datetime.date, bool]) -> bool:
    if day in overrides:
        return overrides[day]
    if _library_knows(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def is_workday(day: datetime.date) -> bool:
    return _plain(day, _overrides(day, day))


def add_working_days(day: datetime.date, count: int) -> datetime.date:
    """The `count`-th working day after `day` (`count` ≥ 0; 0 gives `day` itself if it is a
    working day, else the next one)."""
    if count < 0:
        raise ValueError("count must not be negative")
    # Holidays never run longer than a few weeks: a year past the plain count is plenty.
    overrides = _overrides(day, day + datetime.timedelta(days=count * 2 + 370))
    current, remaining = day, count
    while remaining or not _plain(current, overrides):
        if (current - day).days > MAX_SCAN_DAYS:
            raise ValueError("no working day found")
        current += datetime.timedelta(days=1)
        if _plain(current, overrides):
            remaining = max(0, remaining - 1)
    return current


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when `end` ≤ `start`)."""
    if end <= start:
        return 0
    overrides = _overrides(start, end)
    days = (end - start).days
    return sum(
        _plain(start + datetime.timedelta(days=offset), overrides) for offset in range(1, days + 1)
    )


def library_knows(year: int) -> bool:
    """Whether the installed chinese-calendar release has `year`'s official schedule."""
    return _library_knows(year)


def schedule_known(year: int) -> bool:
    """Whether the official schedule of `year` is known: by the library or entered here."""
    from .models import CalendarYear

    return _library_knows(year) or CalendarYear.objects.filter(year=year).exists()


def schedule_warnings(today: datetime.date) -> list[str]:
    """What staff must be told: this year's or next year's schedule is missing, so deadlines
    in it count plain weekdays until the system administrator enters it."""
    return [
        _(
            "The holiday schedule of %(year)d is not entered: deadlines in %(year)d count "
            "Monday to Friday until the system administrator enters it."
        )
        % {"year": year}
        for year in (today.year, today.year + 1)
        if not schedule_known(year)
    ]
