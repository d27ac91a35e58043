"""Helpers for the people tests: valid ID numbers on demand, workers registered through the service."""

import datetime

from nuanjia.core.idnumbers import id_check_char
from nuanjia.people import services
from nuanjia.people.models import Worker


def id_number(
    region: str = "410108", born: datetime.date = datetime.date(1985, 6, 15), sequence: int = 123
) -> str:
    """A valid 18-character ID number; an odd sequence is a man, an even one a woman."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


def register(by, **values) -> Worker:
    """A worker registered in `by`'s union by `by`, through the service and its checks."""
    return services.register_worker(org=by.org, by=by, **values)
