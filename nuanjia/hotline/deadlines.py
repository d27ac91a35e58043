"""Ticket deadlines on the Chinese working calendar (core.workdays) and office hours.

The calendar answer for a day is cached in the process for a few minutes: a public
submission computes its first-contact deadline without touching the calendar tables, and an
edit of `core.CalendarDay` reaches every process within CALENDAR_TTL seconds.
"""

from __future__ import annotations

import datetime
import time

from django.conf import settings
from django.utils import timezone

from nuanjia.core import workdays

from . import rules

CALENDAR_TTL = 300.0  # seconds a cached working-day answer is trusted
DEADLINE_TTL = 60.0  # seconds a cached deadline table is trusted

_days: dict[datetime.date, tuple[bool, float]] = {}
_due_days: dict[tuple[datetime.date, int], tuple[datetime.date, float]] = {}
_policies: dict[tuple[str, str, bool], tuple[rules.Deadlines, float]] = {}


def clear_caches() -> None:
    """Forget cached calendar days and deadline rows (tests; after an admin edit)."""
    _days.clear()
    _due_days.clear()
    _policies.clear()


def is_workday(day: datetime.date) -> bool:
    now = time.monotonic()
    cached = _days.get(day)
    if cached is not None and cached[1] > now:
        return cached[0]
    answer = workdays.is_workday(day)
    if len(_days) > 4000:
        _days.clear()
    _days[day] = (answer, now + CALENDAR_TTL)
    return answer


def office_hours() -> rules.OfficeHours:
    return rules.OfficeHours.parse(getattr(settings, "HOTLINE_OFFICE_HOURS", "08:30-17:30"))


def deadlines_for(kind: str, ticket_class: str, *, is_urgent: bool) -> rules.Deadlines:
    """The table's row for the kind and class, else the defaults of rules.py."""
    from .models import DeadlinePolicy

    key = (kind, ticket_class, is_urgent)
    now = time.monotonic()
    cached = _policies.get(key)
    if cached is not None and cached[1] > now:
        return cached[0]
    row = DeadlinePolicy.objects.filter(kind=kind, ticket_class=ticket_class).first()
    values = (
        row.values(is_urgent=is_urgent)
        if row is not None
        else rules.default_deadlines(kind, ticket_class, is_urgent=is_urgent)
    )
    _policies[key] = (values, now + DEADLINE_TTL)
    return values


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment)


def first_contact_due(received_at: datetime.datetime, hours: int) -> datetime.datetime:
    """`hours` working hours after receipt (a call at night counts from the next opening)."""
    return rules.add_working_minutes(_local(received_at), hours * 60, office_hours(), is_workday)


def days_due(start: datetime.datetime, days: int) -> datetime.datetime:
    """Closing time of the `days`-th working day after the day of `start`."""
    local = _local(start)
    key = (local.date(), days)
    now = time.monotonic()
    cached = _due_days.get(key)
    if cached is not None and cached[1] > now:
        day = cached[0]
    else:
        day = workdays.add_working_days(local.date(), days)
        if len(_due_days) > 4000:
            _due_days.clear()
        _due_days[key] = (day, now + CALENDAR_TTL)
    return rules.closing_time(day, office_hours(), local.tzinfo)


def working_minutes(start: datetime.datetime, end: datetime.datetime) -> int:
    return rules.working_minutes_between(_local(start), _local(end), office_hours(), is_workday)


def extend(due: datetime.datetime, minutes: int) -> datetime.datetime:
    """A deadline moved on by `minutes` of working time (the pause rule)."""
    return rules.add_working_minutes(_local(due), minutes, office_hours(), is_workday)


def working_days_from_call(called_at: datetime.datetime, paid_on: datetime.date) -> int:
    """Working days from the day of the call to the day of payment (0: paid the same day)."""
    return workdays.working_days_between(_local(called_at).date(), paid_on)
