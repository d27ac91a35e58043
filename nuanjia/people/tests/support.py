"""Helpers for the people tests: valid ID numbers on demand."""

import datetime

from nuanjia.core.idnumbers import id_check_char


def id_number(
    region: str = "410108", born: datetime.date = datetime.date(1985, 6, 15), sequence: int = 123
) -> str:
    """A valid 18-character ID number; an odd sequence is a man, an even one a woman."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)
