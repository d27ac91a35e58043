"""The periods limits and budgets are counted in: days, ISO weeks (Monday 00:00), calendar
months and years of Asia/Shanghai, whatever the server's zone. A period is named by its first
day."""

from __future__ import annotations

import datetime
import math
from zoneinfo import ZoneInfo

from django.conf import settings

from nuanjia.core import clock

from ..rules import REVERSAL_UNTIL, TIME_ZONE, Period

ZONE = ZoneInfo(TIME_ZONE)


def local_day(at: datetime.datetime | None = None) -> datetime.date:
    """The day (Asia/Shanghai) of moment `at` (default: now)."""
    return (at or clock.now()).astimezone(ZONE).date()


def period_start(period: str, day: datetime.date, offer_start: datetime.date) -> datetime.date:
    """The first day of the `period` holding `day`; the whole offer starts on its first day."""
    if period == Period.DAY:
        return day
    if period == Period.WEEK:
        return day - datetime.timedelta(days=day.weekday())
    if period == Period.MONTH:
        return day.replace(day=1)
    if period == Period.YEAR:
        return day.replace(month=1, day=1)
    return offer_start


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def reversal_deadline(day: datetime.date) -> datetime.datetime:
    """The last moment a use of `day` may be reversed: 23:59 that day by default (setting
    BENEFITS_REVERSAL_UNTIL, "HH:MM"), to the end of that minute."""
    text = str(getattr(settings, "BENEFITS_REVERSAL_UNTIL", REVERSAL_UNTIL))
    hour, minute = (int(part) for part in text.split(":", 1))
    until = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ZONE)
    return until + datetime.timedelta(minutes=1) - datetime.timedelta(microseconds=1)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The great-circle distance between two (latitude, longitude) points, in km."""
    lat1, lon1, lat2, lon2 = (math.radians(value) for value in (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))
