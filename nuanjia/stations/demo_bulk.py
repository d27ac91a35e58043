"""The full demo's rest stations (`nuanjia demo`, issue 20 item 6; docs/domain.md "The
campaign's own figures"): 郑州 has 348 outdoor-worker stations serving nearly 3000 visits a
day, 开封 319 stations with 1万+ visits in a month. The small demo's stations are topped up to
those counts through the registry's service (as the station sheet's import writes each row),
and every open station of the two cities gets the keepers' day counts of the last 30 days, today
included, through the tally sheet's bulk path (`record_tallies`): 郑州 2950 a day, 开封 10400 in
the 30 days. The demo's report period is those 30 days (reports.periods.days), and
{stations.visits|period|人次/日} divides a period's visits by its days: 郑州's mean is 2950 a
day plus the small demo's QR check-ins of those days.

Loaded once: a bulk station code is the mark."""

from __future__ import annotations

import datetime
import random

from nuanjia.core import clock
from nuanjia.orgs.models import Org

from . import rules, services
from .demo import COUNTS, DISTRICTS, FACILITY_SETS, HOURS, KINDS, _code
from .models import Station
from .services.tallies import TallyRow, record_tallies

# Stations wanted per city, the small demo's included.
REGISTERED = {"410100": 348, "410200": 320}  # 开封's 320th is the small demo's closed one
ZHENGZHOU_PER_DAY = 2_950
KAIFENG_IN_WINDOW = 10_400


WINDOW_DAYS = 30


def window(today: datetime.date) -> list[datetime.date]:
    """The demo report's days: the 30 days to `today`."""
    return [today - datetime.timedelta(days=back) for back in range(WINDOW_DAYS - 1, -1, -1)]


def _fields(county: str, number: int, rng: random.Random) -> services.StationFields:
    org = Org.objects.get(code=county)
    place = org.name.removesuffix("总工会")
    (centre_lat, centre_lng), streets = DISTRICTS[county]
    street = streets[number % len(streets)]
    label, operator, partner = KINDS[(number + len(county)) % len(KINDS)]
    return services.StationFields(
        code=_code(county, number), name=f"{place}{street}{label}{number}号站", org=org,
        address=f"{place}{street}{rng.randint(1, 299)}号", region_code=county,
        lat=round(centre_lat + rng.uniform(-0.04, 0.04), 6),
        lng=round(centre_lng + rng.uniform(-0.05, 0.05), 6),
        operator=operator, partner_name=partner.format(street=street),
        opening_hours=HOURS[number % len(HOURS)], closed_on_holidays=False,
        standard_checks=tuple(rules.STANDARD_ITEMS), facilities=FACILITY_SETS[number % 4],
        phone=f"0371-6{rng.randint(1000000, 9999999)}" if county.startswith("4101") else "",
    )  # fmt: skip


def _top_up(city: str, wanted: int, rng: random.Random) -> None:
    """New stations round the city's demo districts until the city has `wanted`."""
    counties = [code for code in DISTRICTS if code.startswith(city[:4])]
    have = Station.objects.filter(city_code=city).count()
    numbers = {county: COUNTS[county] for county in counties}
    for n in range(wanted - have):
        county = counties[n % len(counties)]
        numbers[county] += 1
        services.create_station(_fields(county, numbers[county], rng), by=None)


def _split(total: int, parts: int, turn: int) -> list[int]:
    """`total` in `parts` whole shares differing by one, the larger ones moving with `turn`."""
    base, extra = divmod(total, parts)
    return [base + ((index - turn) % parts < extra) for index in range(parts)]


def _tallies(city: str, per_day: list[int], days: list[datetime.date]) -> list[TallyRow]:
    stations = list(
        Station.objects.filter(city_code=city, status=Station.Status.OPEN)
        .order_by("code")
        .values_list("pk", flat=True)
    )
    rows = []
    for turn, (day, total) in enumerate(zip(days, per_day, strict=True)):
        for station, visits in zip(stations, _split(total, len(stations), turn), strict=True):
            rows.append(TallyRow(station, day, visits))
    return rows


def load_bulk_stations() -> int:
    """Top the cities' stations up and record the 30 days' counts; returns the counts
    recorded (0 when loaded)."""
    if Station.objects.filter(code=_code("410102", COUNTS["410102"] + 1)).exists():
        return 0
    rng = random.Random(348)
    for city, wanted in REGISTERED.items():
        _top_up(city, wanted, rng)
    days = window(clock.today())
    zhengzhou = _tallies("410100", [ZHENGZHOU_PER_DAY] * len(days), days)
    kaifeng = _tallies("410200", _split(KAIFENG_IN_WINDOW, len(days), 0), days)
    return record_tallies(
        [*zhengzhou, *kaifeng], by=None, org=Org.objects.get(code="410000"),
        source="驿站来访统计（近30天）",
    )  # fmt: skip
