"""Pure station rules, no database: map datums, distances, grid cells and opening hours.

Datums (ADR 0007). Locations are stored in WGS-84; GCJ-02 (高德/腾讯) and BD-09 (百度) are
converted at the edges. GCJ-02 is the published "eviltransform" algorithm; outside China's
rough bounding box no offset applies (the rule every Chinese map SDK follows). GCJ-02 → WGS-84
has no closed form and is solved by fixed-point iteration to well under a metre.

Opening hours are a short text, one rule per weekday group, e.g.
``周一至周五 07:00-20:00; 周六,周日 09:00-17:00`` or ``Mo-Fr 07:00-20:00`` or ``24小时``;
a range whose end is not after its start runs past midnight (``22:00-06:00``).
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from nuanjia.core.errors import RuleViolation

# --- datums --------------------------------------------------------------------------------

WGS84 = "wgs84"
GCJ02 = "gcj02"
BD09 = "bd09"
DATUMS = (WGS84, GCJ02, BD09)
# How the unions write the datum in their sheets and forms (data, not UI: they stay as is).
DATUM_NAMES = {
    WGS84: "WGS-84",
    GCJ02: "GCJ-02",
    BD09: "BD-09",
}
DATUM_ALIASES = {
    "wgs84": WGS84,
    "wgs-84": WGS84,
    "gps": WGS84,
    "gcj02": GCJ02,
    "gcj-02": GCJ02,
    "高德": GCJ02,
    "腾讯": GCJ02,
    "火星坐标": GCJ02,
    "bd09": BD09,
    "bd-09": BD09,
    "百度": BD09,
}

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as GCJ-02 uses it
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = math.pi * 3000.0 / 180.0
EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG), for haversine


def parse_datum(text: str) -> str:
    datum = DATUM_ALIASES.get(text.strip().lower().replace(" ", ""))
    if datum is None:
        raise RuleViolation(
            _("Unknown coordinate system %(name)s: use WGS-84, GCJ-02 or BD-09.") % {"name": text},
            field="datum",
        )
    return datum


def out_of_china(lat: float, lng: float) -> bool:
    """Outside the rough box in which GCJ-02 applies: no offset there."""
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    if out_of_china(lat, lng):
        return lat, lng
    d_lat = _transform_lat(lng - 105.0, lat - 35.0)
    d_lng = _transform_lng(lng - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lng = (d_lng * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lat + d_lat, lng + d_lng


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """Invert GCJ-02 by iteration: converges to ~1e-9° (millimetres) in a few steps."""
    if out_of_china(lat, lng):
        return lat, lng
    wgs_lat, wgs_lng = lat, lng
    for _step in range(30):
        gcj_lat, gcj_lng = wgs84_to_gcj02(wgs_lat, wgs_lng)
        d_lat, d_lng = gcj_lat - lat, gcj_lng - lng
        wgs_lat, wgs_lng = wgs_lat - d_lat, wgs_lng - d_lng
        if abs(d_lat) < 1e-10 and abs(d_lng) < 1e-10:
            break
    return wgs_lat, wgs_lng


def gcj02_to_bd09(lat: float, lng: float) -> tuple[float, float]:
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def bd09_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """百度's published inverse, refined by a few fixed-point steps: the published one alone
    is off by up to ~10 cm, which would turn an exported and re-imported sheet into changes."""
    x, y = lng - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    gcj_lat, gcj_lng = z * math.sin(theta), z * math.cos(theta)
    for _step in range(10):
        bd_lat, bd_lng = gcj02_to_bd09(gcj_lat, gcj_lng)
        d_lat, d_lng = bd_lat - lat, bd_lng - lng
        gcj_lat, gcj_lng = gcj_lat - d_lat, gcj_lng - d_lng
        if abs(d_lat) < 1e-11 and abs(d_lng) < 1e-11:
            break
    return gcj_lat, gcj_lng


def to_wgs84(lat: float, lng: float, datum: str) -> tuple[float, float]:
    """A point given in `datum`, as WGS-84 (outside China every datum is WGS-84)."""
    if datum == WGS84:
        return lat, lng
    if datum == GCJ02:
        return gcj02_to_wgs84(lat, lng)
    if datum == BD09:
        gcj_lat, gcj_lng = bd09_to_gcj02(lat, lng)
        if out_of_china(gcj_lat, gcj_lng):
            return lat, lng
        return gcj02_to_wgs84(gcj_lat, gcj_lng)
    raise ValueError(datum)


def from_wgs84(lat: float, lng: float, datum: str) -> tuple[float, float]:
    """A WGS-84 point in `datum`."""
    if datum == WGS84 or out_of_china(lat, lng):
        return lat, lng
    gcj = wgs84_to_gcj02(lat, lng)
    return gcj if datum == GCJ02 else gcj02_to_bd09(*gcj)


def check_coordinates(lat: float | None, lng: float | None) -> tuple[float, float]:
    """A latitude and longitude that can be a place on earth, in China's order of sense.

    Refuses values out of range, and a pair that is evidently swapped: in China a latitude is
    below 60 and a longitude above 70, so (113.6, 34.7) is a longitude written first.
    """
    if lat is None or lng is None or math.isnan(lat) or math.isnan(lng):
        raise RuleViolation(_("Enter both latitude and longitude."), field="lat")
    if not -90 <= lat <= 90:
        if -90 <= lng <= 90 and -180 <= lat <= 180:
            raise RuleViolation(
                _(
                    "Latitude %(lat)s is out of range: latitude and longitude look swapped (latitude comes first, e.g. 34.75, 113.62)."
                )
                % {"lat": lat},
                field="lat",
            )
        raise RuleViolation(
            _("Latitude %(lat)s is out of range (−90 to 90).") % {"lat": lat}, field="lat"
        )
    if not -180 <= lng <= 180:
        raise RuleViolation(
            _("Longitude %(lng)s is out of range (−180 to 180).") % {"lng": lng}, field="lng"
        )
    if 70 <= lat <= 140 and 0 <= lng <= 60 and not out_of_china(lng, lat):
        raise RuleViolation(
            _(
                "Latitude %(lat)s and longitude %(lng)s look swapped: latitude comes first (e.g. 34.75, 113.62)."
            )
            % {"lat": lat, "lng": lng},
            field="lat",
        )
    return float(lat), float(lng)


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    d_lat = p2 - p1
    d_lng = math.radians(lng2 - lng1)
    h = math.sin(d_lat / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(d_lng / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


# --- the grid index --------------------------------------------------------------------------

# A station's cell is one integer: row × CELL_COLUMNS + column of a 0.02° grid (about 2.2 km
# north–south). A B-tree index on it answers "the stations in these cells" on SQLite and
# PostgreSQL alike; the cells around a point cover any search radius (ADR 0007).
CELL_DEGREES = 0.02
CELL_COLUMNS = round(360 / CELL_DEGREES)
METRES_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_M / 180


def cell_of(lat: float, lng: float) -> int:
    row = int((lat + 90.0) // CELL_DEGREES)
    column = int((lng + 180.0) // CELL_DEGREES) % CELL_COLUMNS
    return row * CELL_COLUMNS + column


def cell_ranges(lat: float, lng: float, radius_m: float) -> list[tuple[int, int]]:
    """The cells covering the circle, as inclusive (first, last) runs along each grid row.

    One run per row keeps the query a handful of index range scans instead of a long IN list.
    """
    d_lat = radius_m / METRES_PER_DEGREE_LAT
    cos_lat = max(math.cos(math.radians(min(89.0, abs(lat) + d_lat))), 0.01)
    d_lng = min(180.0, d_lat / cos_lat)
    south, north = max(-90.0, lat - d_lat), min(89.999999, lat + d_lat)
    first_row = int((south + 90.0) // CELL_DEGREES)
    last_row = int((north + 90.0) // CELL_DEGREES)
    west, east = lng - d_lng, lng + d_lng
    spans = []
    if d_lng >= 180.0:
        spans.append((0, CELL_COLUMNS - 1))
    else:
        first_col = int((west + 180.0) // CELL_DEGREES)
        last_col = int((east + 180.0) // CELL_DEGREES)
        if first_col < 0:
            spans += [(first_col % CELL_COLUMNS, CELL_COLUMNS - 1), (0, last_col)]
        elif last_col >= CELL_COLUMNS:
            spans += [(first_col, CELL_COLUMNS - 1), (0, last_col % CELL_COLUMNS)]
        else:
            spans.append((first_col, last_col))
    return [
        (row * CELL_COLUMNS + start, row * CELL_COLUMNS + end)
        for row in range(first_row, last_row + 1)
        for start, end in spans
    ]


# --- opening hours ---------------------------------------------------------------------------

WEEKDAY_NAMES = ("一", "二", "三", "四", "五", "六", "日")
_WEEKDAY_KEYS = {
    **{name: index for index, name in enumerate(WEEKDAY_NAMES)},
    "天": 6,
    **{name: index for index, name in enumerate(("mo", "tu", "we", "th", "fr", "sa", "su"))},
}
_TWENTY_FOUR = re.compile(r"^(24\s*(小时|h|/7)|全天|全天候|全天开放)$", re.IGNORECASE)
_DAY = r"(?:周|星期)?([一二三四五六日天]|mo|tu|we|th|fr|sa|su)"
_RULE = re.compile(
    rf"^(?P<days>{_DAY}(?:\s*[-至~到]\s*{_DAY})?(?:\s*[,，、]\s*{_DAY}(?:\s*[-至~到]\s*{_DAY})?)*|每天|每日|daily)?\s*(?P<times>.+)$",
    re.IGNORECASE,
)
_DAY_PART = re.compile(rf"{_DAY}(?:\s*[-至~到]\s*{_DAY})?", re.IGNORECASE)
_TIME_RANGE = re.compile(r"^(\d{1,2})[:：](\d{2})\s*[-~至到]\s*(\d{1,2})[:：](\d{2})$")
MINUTES_A_DAY = 24 * 60


@dataclass(frozen=True)
class WeeklyHours:
    """Opening ranges per weekday (Monday = 0) in minutes from midnight; end ≤ start runs past
    midnight into the next day. An empty list is a closed day."""

    days: tuple[tuple[tuple[int, int], ...], ...]

    @property
    def is_always_open(self) -> bool:
        return all(ranges == ((0, MINUTES_A_DAY),) for ranges in self.days)

    def is_open_at(self, moment: datetime.datetime) -> bool:
        """Open at a local (Asia/Shanghai) wall-clock moment, counting last night's ranges."""
        minute = moment.hour * 60 + moment.minute
        weekday = moment.weekday()
        for start, end in self.days[weekday]:
            if start < end and start <= minute < end:
                return True
            if end <= start and minute >= start:
                return True
        return any(end <= start and minute < end for start, end in self.days[(weekday - 1) % 7])

    def to_json(self) -> list[list[list[int]]]:
        return [[list(span) for span in ranges] for ranges in self.days]

    @classmethod
    def from_json(cls, data: Iterable[Iterable[Iterable[int]]] | None) -> WeeklyHours:
        if not data:
            return ALWAYS_OPEN
        return cls(tuple(tuple((int(a), int(b)) for a, b in ranges) for ranges in data))


ALWAYS_OPEN = WeeklyHours(tuple(((0, MINUTES_A_DAY),) for _day in range(7)))


def _minutes(hour: str, minute: str, *, is_end: bool) -> int:
    hours, minutes = int(hour), int(minute)
    if minutes > 59 or hours > 24 or (hours == 24 and (minutes or not is_end)):
        raise ValueError
    return hours * 60 + minutes


def _days_of(text: str) -> list[int]:
    if not text or text.lower() in ("每天", "每日", "daily"):
        return list(range(7))
    days: list[int] = []
    for part in _DAY_PART.finditer(text):
        first = _WEEKDAY_KEYS[part.group(1).lower()]
        last = _WEEKDAY_KEYS[(part.group(2) or part.group(1)).lower()]
        span = range(first, last + 1) if first <= last else [*range(first, 7), *range(last + 1)]
        days += [day for day in span if day not in days]
    return days


def parse_opening_hours(text: str) -> WeeklyHours:
    """Parse opening hours (see the module docstring); unmentioned days are closed.

    Raises RuleViolation(field="opening_hours") naming the part that does not parse.
    """
    text = (text or "").strip()
    if not text or _TWENTY_FOUR.match(text):
        return ALWAYS_OPEN
    days: list[list[tuple[int, int]]] = [[] for _day in range(7)]
    for rule in re.split(r"[;；\n]+", text):
        rule = rule.strip()
        if not rule:
            continue
        match = _RULE.match(rule)
        try:
            if match is None:
                raise ValueError
            spans = _parse_times(match["times"].strip())
        except ValueError:
            raise RuleViolation(
                _(
                    "Opening hours: “%(part)s” cannot be read. Write e.g. 周一至周五 07:00-20:00; 周六,周日 09:00-17:00, or 24小时."
                )
                % {"part": rule},
                field="opening_hours",
            ) from None
        for day in _days_of((match["days"] or "").strip()):
            days[day] += spans
    return WeeklyHours(tuple(tuple(sorted(ranges)) for ranges in days))


def _parse_times(text: str) -> list[tuple[int, int]]:
    if _TWENTY_FOUR.match(text):
        return [(0, MINUTES_A_DAY)]
    if text in ("休息", "闭站", "关闭", "closed", "off"):
        return []
    spans = []
    for piece in re.split(r"\s*[,，、]\s*|\s+", text):
        match = _TIME_RANGE.match(piece)
        if match is None:
            raise ValueError(piece)
        start = _minutes(match[1], match[2], is_end=False)
        end = _minutes(match[3], match[4], is_end=True)
        if start == end and start != 0:
            raise ValueError(piece)
        spans.append((start, end if end else (MINUTES_A_DAY if start == 0 else 0)))
    return spans


def format_opening_hours(hours: WeeklyHours) -> str:
    """The canonical text of parsed hours (what the form and the export show)."""
    if hours.is_always_open:
        return "24小时"
    groups: list[tuple[list[int], tuple[tuple[int, int], ...]]] = []
    for day, ranges in enumerate(hours.days):
        if groups and groups[-1][1] == ranges and groups[-1][0][-1] == day - 1:
            groups[-1][0].append(day)
        else:
            groups.append(([day], ranges))
    parts = []
    for group_days, ranges in groups:
        if not ranges:
            continue
        label = "周" + WEEKDAY_NAMES[group_days[0]]
        if len(group_days) > 1:
            label += "至周" + WEEKDAY_NAMES[group_days[-1]]
        times = ",".join(
            f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"
            for start, end in ranges
        )
        parts.append(f"{label} {times}")
    return "; ".join(parts) or "休息"


def is_statutory_holiday(day: datetime.date) -> bool:
    """A Chinese statutory holiday (春节, 国庆…), not an ordinary weekend; False beyond the
    years chinesecalendar knows."""
    import chinese_calendar

    try:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return False
    return bool(on_holiday and name)


# --- the "四有/六有" standard ------------------------------------------------------------------

# 四有: sign, fixed site, facilities, rules; 六有 adds staff and a map listing. Stored on the
# station as the list of items it meets (data, not UI: the union's own words).
STANDARD_ITEMS = {
    "sign": "有标识",
    "site": "有固定场所",
    "facilities": "有设施",
    "rules": "有制度",
    "staff": "有人员",
    "map": "有地图标注",
}
FOUR_ITEMS = ("sign", "site", "facilities", "rules")


def standard_level(items: Iterable[str]) -> str:
    """ "六有" when every item is met, "四有" when the first four are, else ""."""
    met = set(items)
    if met >= set(STANDARD_ITEMS):
        return "六有"
    if met >= set(FOUR_ITEMS):
        return "四有"
    return ""
