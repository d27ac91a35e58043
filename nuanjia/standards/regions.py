"""Region codes (GB/T 2260 行政区划代码): six digits, two each for province, city and county.

410000 is 河南省, 410100 郑州市, 410108 惠济区. A county-level unit that the province
administers directly (省直辖县级, city digits 90: 济源 419001) has no city above it: it is its
own city. Every regional table (低保, minimum wage, policies, caps) falls back the same way,
nearest first: the county, its city, the province.
"""

from __future__ import annotations

from django.db.models import Q

PROVINCE = "province"
CITY = "city"
COUNTY = "county"
DIRECT_COUNTY_DIGITS = "90"  # the city digits of 省直辖县级行政区划


def is_region_code(code: str) -> bool:
    return len(code) == 6 and code.isdigit()


def level(code: str) -> str:
    """PROVINCE (410000), CITY (410100) or COUNTY (410108, and 济源 419001)."""
    if code[2:] == "0000":
        return PROVINCE
    if code[4:] == "00":
        return CITY
    return COUNTY


def prefix(code: str) -> str:
    """The digits that name the region and every region in it: "41", "4101", "410108"."""
    return {PROVINCE: code[:2], CITY: code[:4]}.get(level(code), code)


def province_of(code: str) -> str:
    return code[:2] + "0000"


def city_of(code: str) -> str:
    """The city-level code of a county (410108 → 410100). A city, the province and a county
    the province administers directly (419001) are their own city."""
    if level(code) != COUNTY or code[2:4] == DIRECT_COUNTY_DIGITS:
        return code
    return code[:4] + "00"


def fallback_chain(code: str) -> list[str]:
    """Where to look for a region's rows, nearest first: county, city, province (no repeats)."""
    return list(dict.fromkeys([code, city_of(code), province_of(code)]))


def is_within(code: str, region: str) -> bool:
    """Whether `code` is `region` or lies in it (410108 is within 410100 and 410000)."""
    return code.startswith(prefix(region))


def prefix_range(digits: str, field: str = "region_code") -> Q:
    """Codes starting with `digits` ("4101"), as an index-friendly range."""
    upper = f"{int(digits) + 1:0{len(digits)}d}"
    return Q(**{f"{field}__gte": digits, f"{field}__lt": upper})
