"""Demo stations: a few dozen 爱心驿站 in 郑州 and 开封 with plausible addresses and
coordinates, and two weeks of visits. Built through the services; idempotent (a station whose
code exists is left alone, visits are added only to stations created now)."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from nuanjia.core import clock
from nuanjia.orgs.models import Org

from . import rules, services
from .models import Station
from .services import StationFields

# (county code, WGS-84 centre, streets): stations are spread around each centre on its streets.
DISTRICTS = {
    "410102": ((34.7480, 113.6120), ["建设西路", "中原中路", "桐柏路", "伏牛路", "嵩山北路"]),
    "410103": ((34.7300, 113.6400), ["大学路", "淮河路", "航海中路", "京广中路", "长江路"]),
    "410104": ((34.7480, 113.6850), ["城东路", "紫荆山南路", "商城路", "航海东路"]),
    "410105": ((34.7750, 113.6700), ["花园路", "农业路", "金水路", "东风路", "纬五路", "经三路"]),
    "410108": ((34.8690, 113.6160), ["开元路", "天河路", "文化北路", "清华园路", "英才街"]),
    "410106": ((34.8030, 113.3080), ["济源路", "中心路", "工业路"]),
    "410122": ((34.7190, 113.9760), ["青年路", "建设路", "商都大道"]),
    "410204": ((34.7920, 114.3540), ["中山路", "自由路", "鼓楼街", "解放路"]),
    "410202": ((34.8120, 114.3400), ["龙亭北路", "宋都御街", "午朝门"]),
    "410203": ((34.7980, 114.3780), ["东大街", "曹门关", "新曹路"]),
}
# How many stations each county gets (郑州 has the most: 348 in the real city).
COUNTS = {
    "410102": 5,
    "410103": 5,
    "410104": 4,
    "410105": 7,
    "410108": 6,
    "410106": 2,
    "410122": 3,
    "410204": 5,
    "410202": 3,
    "410203": 3,
}
KINDS = [
    ("环卫工人爱心驿站", "self_built", ""),
    ("户外劳动者服务站", "co_built", "中国工商银行{street}支行"),
    ("快递小哥暖心驿站", "co_built", "{street}便利店"),
    ("职工之家爱心驿站", "self_built", ""),
    ("工会驿站", "co_built", "中国石化{street}加油站"),
]
HOURS = [
    "24小时",
    "每天 06:00-22:00",
    "周一至周五 07:00-20:00; 周六,周日 09:00-18:00",
    "每天 07:00-21:00",
]
FACILITY_SETS: list[dict[str, int | None]] = [
    {
        "饮水": None,
        "热饭": None,
        "休息座位数": 8,
        "充电": None,
        "如厕": None,
        "药箱": None,
        "冷暖": None,
    },
    {"饮水": None, "休息座位数": 5, "充电": None, "冷暖": None, "Wi-Fi": None},
    {"饮水": None, "热饭": None, "休息座位数": 6, "药箱": None, "阅读角": None},
    {"饮水": None, "充电": None, "如厕": None},
]
VISIT_DAYS = 14


def _code(county: str, number: int) -> str:
    prefix = "ZZ" if county.startswith("4101") else "KF"
    return f"{prefix}-{county[-2:]}-{number:03d}"


@transaction.atomic
def load_demo_stations(*, with_visits: bool = True) -> int:
    """Create the demo stations that are missing; returns how many were created."""
    services.seed_facilities()
    rng = random.Random(6)
    created: list[Station] = []
    for county, count in COUNTS.items():
        org = Org.objects.filter(code=county).first()
        if org is None:
            continue
        (centre_lat, centre_lng), streets = DISTRICTS[county]
        for number in range(1, count + 1):
            code = _code(county, number)
            street = streets[(number - 1) % len(streets)]
            label, operator, partner = KINDS[(number + len(county)) % len(KINDS)]
            lat = centre_lat + rng.uniform(-0.025, 0.025)
            lng = centre_lng + rng.uniform(-0.03, 0.03)
            if Station.objects.filter(code=code).exists():
                continue
            fields = StationFields(
                code=code,
                name=f"{org.name.removesuffix('总工会')}{street}{label}",
                org=org,
                address=f"{org.name.removesuffix('总工会')}{street}{rng.randint(1, 299)}号",
                region_code=county,
                lat=round(lat, 6),
                lng=round(lng, 6),
                operator=operator,
                partner_name=partner.format(street=street),
                opening_hours=HOURS[number % len(HOURS)],
                closed_on_holidays=number % 7 == 0,
                standard_checks=tuple(rules.STANDARD_ITEMS) if number % 3 else rules.FOUR_ITEMS,
                facilities=FACILITY_SETS[number % len(FACILITY_SETS)],
                phone=f"0371-6{rng.randint(1000000, 9999999)}" if county.startswith("4101") else "",
            )
            created.append(services.create_station(fields, by=None))
    if created and with_visits:
        # One closed station, so the demo shows a QR page that says so.
        services.set_station_status(created[-1], Station.Status.CLOSED, by=None, reason="拆迁")
        _visits(created[:-1], rng)
    return len(created)


def _visits(stations: list[Station], rng: random.Random) -> None:
    today = clock.today()
    for station in stations:
        if rng.random() < 0.15:
            continue  # a few stations nobody used: the "no visits in 30 days" list
        for back in range(1, VISIT_DAYS + 1):
            day = today - datetime.timedelta(days=back)
            for _visit in range(rng.randint(0, 6)):
                hour = rng.choice([7, 8, 11, 12, 12, 13, 17, 18, 21])
                at = timezone.make_aware(
                    datetime.datetime.combine(day, datetime.time(hour, rng.randint(0, 59)))
                )
                if not services.is_open_at(station, at):
                    continue
                used = [
                    s for s in ("water", "meal", "charge", "rest", "toilet") if rng.random() < 0.4
                ]
                services.check_in(station, services=used, at=at)
    first = today - datetime.timedelta(days=VISIT_DAYS)
    services.rollup_days(first, today - datetime.timedelta(days=1))
