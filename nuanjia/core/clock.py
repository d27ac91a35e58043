"""Today's date for business rules, which the demo can set back to build a believable history.

Services ask `clock.today()` instead of `timezone.localdate()` for business dates (publicity,
exits, reviews). `as_of(day)` holds another day for the current context only; nothing but the
demo loader uses it. A file's timeline follows it (`now()`); created_at and audit times stay real.
"""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_held: ContextVar[datetime.date | None] = ContextVar("nuanjia_business_day", default=None)


def today() -> datetime.date:
    return _held.get() or timezone.localdate()


def now() -> datetime.datetime:
    """The current time, on the held business day if one is held (for business history
    such as a file's timeline; the audit trail always keeps the real time)."""
    current = timezone.localtime()
    held = _held.get()
    if held is None:
        return current
    return current.replace(year=held.year, month=held.month, day=held.day)


@contextmanager
def as_of(day: datetime.date) -> Iterator[None]:
    token = _held.set(day)
    try:
        yield
    finally:
        _held.reset(token)
