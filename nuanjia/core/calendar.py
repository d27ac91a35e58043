"""Every write to the holiday calendar (节假日安排): days off, adjusted working days, complete years.

The system administrator of the province enters the State Council's notice each year (issue 12
#23), on the page or as a small sheet (core.calendar_import). Deadlines all over the province
count working days from this table (core.workdays), so each write is audited and only the
province's system administrator makes it.
"""

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from . import cache
from .audit import record_event
from .errors import RuleViolation
from .models import CalendarDay, CalendarYear

MANAGE_CALENDAR = "calendar.manage"  # the permission code (orgs.rules.Perm.MANAGE_CALENDAR)
NAME_MAX_LENGTH = CalendarDay._meta.get_field("name").max_length
FIRST_YEAR, LAST_YEAR = 2000, 2100


def may_edit_calendar(user) -> bool:
    """Only a system administrator of the top union (the province) edits the calendar: every
    union's deadlines count on it."""
    org = getattr(user, "org", None)
    return user.has_perm_code(MANAGE_CALENDAR) and org is not None and org.parent_id is None


def check_may_edit_calendar(by) -> None:
    if by is not None and not may_edit_calendar(by):
        raise RuleViolation(
            _("Only the province's system administrator edits the holiday calendar.")
        )


def _check_day(day: datetime.date, name: str) -> str:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise RuleViolation(
            _("Enter a date between %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            field="day",
        )
    name = (name or "").strip()
    if len(name) > NAME_MAX_LENGTH:
        raise RuleViolation(
            _("The name can be at most %(max)d characters long.") % {"max": NAME_MAX_LENGTH},
            field="name",
        )
    return name


def _day_facts(row: CalendarDay | None) -> dict:
    if row is None:
        return {}
    return {"day": row.day.isoformat(), "is_workday": row.is_workday, "name": row.name}


@transaction.atomic
def save_calendar_day(
    *, day: datetime.date, is_workday: bool, name: str = "", by, instance: CalendarDay | None = None
) -> tuple[CalendarDay, str]:
    """Enter or change one day of the schedule; return it and "created", "updated" or "unchanged".

    A day is either a day off (节假日, also on a weekday) or an adjusted working day (调休上班,
    also on a weekend). `instance` is the day being edited (its date may change); otherwise
    the date's existing row, if any, is updated.
    """
    check_may_edit_calendar(by)
    name = _check_day(day, name)
    clash = CalendarDay.objects.filter(day=day)
    if instance is not None:
        clash = clash.exclude(pk=instance.pk)
    row = instance
    if row is None:
        row = clash.select_for_update().first()
    elif clash.exists():
        raise RuleViolation(
            _("%(day)s is already in the calendar; change that day instead.")
            % {"day": day.isoformat()},
            field="day",
        )
    before = _day_facts(row)
    after = {"day": day.isoformat(), "is_workday": is_workday, "name": name}
    if before == after:
        return row, "unchanged"
    outcome = "updated" if row is not None else "created"
    row = row or CalendarDay()
    row.day, row.is_workday, row.name = day, is_workday, name
    row.updated_by = by if getattr(by, "is_authenticated", False) else None
    row.save()
    cache.bump(CalendarDay)  # every process's deadline arithmetic sees the day at once
    changes = {
        key: [before.get(key), value] for key, value in after.items() if before.get(key) != value
    }
    record_event(row, "calendar.day_saved", by=by, org=getattr(by, "org", None), changes=changes)
    return row, outcome


@transaction.atomic
def delete_calendar_day(row: CalendarDay, *, by) -> None:
    """Take a day out of the schedule: it counts as the library (or a plain weekday) says."""
    check_may_edit_calendar(by)
    record_event(
        row,
        "calendar.day_deleted",
        by=by,
        org=getattr(by, "org", None),
        changes={key: [value, None] for key, value in _day_facts(row).items()},
    )
    row.delete()
    cache.bump(CalendarDay)


@transaction.atomic
def confirm_calendar_year(year: int, *, source: str = "", by) -> CalendarYear:
    """Mark `year`'s schedule as completely entered (from the notice `source`): deadlines in it
    stop counting plain weekdays and the home page stops warning."""
    check_may_edit_calendar(by)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise RuleViolation(
            _("Enter a year between %(first)d and %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            field="year",
        )
    source = (source or "").strip()[:200]
    row, created = CalendarYear.objects.get_or_create(year=year, defaults={"source": source})
    if not created and row.source == source:
        return row
    before = "" if created else row.source
    row.source = source
    row.confirmed_by = by if getattr(by, "is_authenticated", False) else None
    row.save()
    cache.bump(CalendarYear)
    record_event(
        row,
        "calendar.year_confirmed",
        by=by,
        org=getattr(by, "org", None),
        changes={"year": year, "source": [before, source]},
    )
    return row
