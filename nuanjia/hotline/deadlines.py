"""Ticket deadlines on the Chinese working calendar (core.workdays) and office hours.

The calendar answer for a day and the deadline rows are kept in core.cache: a public
submission computes its deadlines without touching those tables, and an edit of
`core.CalendarDay`/`CalendarYear` or a `DeadlinePolicy` row (admin) reaches every process
within core.cache.CHECK_SECONDS.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone

from nuanjia.core import workdays
from nuanjia.core.cache import TTLCache

from . import rules

CALENDAR_TABLES = ("core.calendarday", "core.calendaryear")
_days = TTLCache("hotline.workdays", ttl=3600, depends_on=CALENDAR_TABLES)
_due_days = TTLCache("hotline.due_days", ttl=3600, depends_on=CALENDAR_TABLES)
_policies = TTLCache("hotline.deadline_policies", ttl=3600, depends_on=("hotline.deadlinepolicy",))


def clear_caches() -> None:
    """Forget cached calendar days and deadline rows (tests)."""
    for cache in (_days, _due_days, _policies):
        cache.clear()


def is_workday(day: datetime.date) -> bool:
    return _days.get(day, lambda: workdays.is_workday(day))


def office_hours() -> rules.OfficeHours:
    return rules.OfficeHours.parse(getattr(settings, "HOTLINE_OFFICE_HOURS", "08:30-17:30"))


def deadlines_for(kind: str, ticket_class: str, *, is_urgent: bool) -> rules.Deadlines:
    """The table's row for the kind and class, else the defaults of rules.py."""
    from .models import DeadlinePolicy

    def load() -> rules.Deadlines:
        row = DeadlinePolicy.objects.filter(kind=kind, ticket_class=ticket_class).first()
        if row is None:
            return rules.default_deadlines(kind, ticket_class, is_urgent=is_urgent)
        return row.values(is_urgent=is_urgent)

    return _policies.get((kind, ticket_class, is_urgent), load)


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment)


def first_contact_due(received_at: datetime.datetime, hours: int) -> datetime.datetime:
    """`hours` working hours after receipt (a call at night counts from the next opening)."""
    return rules.add_working_minutes(_local(received_at), hours * 60, office_hours(), is_workday)


def days_due(start: datetime.datetime, days: int) -> datetime.datetime:
    """Closing time of the `days`-th working day after the day of `start`."""
    local = _local(start)
    day = _due_days.get((local.date(), days), lambda: workdays.add_working_days(local.date(), days))
    return rules.closing_time(day, office_hours(), local.tzinfo)


def working_minutes(start: datetime.datetime, end: datetime.datetime) -> int:
    return rules.working_minutes_between(_local(start), _local(end), office_hours(), is_workday)


def extend(due: datetime.datetime, minutes: int) -> datetime.datetime:
    """A deadline moved on by `minutes` of working time (the pause rule)."""
    return rules.add_working_minutes(_local(due), minutes, office_hours(), is_workday)


def working_days_from_call(called_at: datetime.datetime, paid_on: datetime.date) -> int:
    """Working days from the day of the call to the day of payment (0: paid the same day)."""
    return workdays.working_days_between(_local(called_at).date(), paid_on)
