"""Rest stations at national scale: 200,000 stations across China and 10,000,000 visits.

Builds the stations in clusters around 300 city centres across China (Henan's cities hold
theirs under their county unions; elsewhere the tree holds no unions, so the province
federation hosts them), half with a microwave, most 24 h, some with day hours, 5% suspended;
then 10,000,000 check-ins over one week (50 a station), set-based.

Figures:
- `nearest10_p95_ms`: the 10 nearest stations open now with a microwave (热饭) around points
  near stations, as the public search runs it. Floor: a brute-force scan of the same rows
  (one SQL statement ordering every matching station by distance, LIMIT 10). Target ≤ 20 ms.
- `visits_rollup_10m_seconds`: the daily rollup (services.rollup_days) over the week of
  10,000,000 visits. Floor: a bare GROUP BY station and day over the same rows. Target ≤ 60 s.
- `city_month_stats_ms`: 郑州's statistics page for the month, rendered for a 郑州 leader
  (rollup tables, per-day/hour/service sums, dead-station list). Floor: one bare SUM over the
  same rollup rows. Target ≤ 200 ms.

    .venv/bin/python bench/stations.py [--rows N]     # N stations (visits = 50 × N)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_stations .venv/bin/python bench/stations.py
"""

import datetime
import math
import random
import statistics
import time

import harness

VISITS_PER_STATION = 50
DAYS = 7
FIRST_DAY = datetime.date(2026, 11, 2)  # a Monday; the week of visits runs to the 8th
CITY = "410100"


def _centres(rng: random.Random, henan: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """300 city centres: Henan's own plus others spread over eastern and central China."""
    centres = list(henan)
    while len(centres) < 300:
        centres.append((rng.uniform(21.5, 46.0), rng.uniform(99.0, 126.0)))
    return centres


def populate(total: int, vendor: str) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from nuanjia.orgs.models import Org
    from nuanjia.orgs.services import load_union_tree
    from nuanjia.stations import rules
    from nuanjia.stations.models import Station, Visit
    from nuanjia.stations.services import seed_facilities

    load_union_tree()
    seed_facilities()
    rng = random.Random(2026)
    counties = list(Org.objects.filter(kind=Org.Kind.COUNTY).order_by("code"))
    province = Org.objects.get(code="410000")
    # Henan's counties get the first stations, around their city's centre.
    henan_city_centres = {
        "4101": (34.7466, 113.6254),
        "4102": (34.7972, 114.3076),
        "4103": (34.6197, 112.4540),
        "4104": (33.7662, 113.1926),
        "4105": (36.0976, 114.3924),
        "4106": (35.7477, 114.2974),
        "4107": (35.3030, 113.9268),
        "4108": (35.2159, 113.2420),
        "4109": (35.7619, 115.0292),
        "4110": (34.0358, 113.8523),
        "4111": (33.5815, 114.0166),
        "4112": (34.7727, 111.2003),
        "4113": (32.9908, 112.5283),
        "4114": (34.4144, 115.6564),
        "4115": (32.1470, 114.0913),
        "4116": (33.6260, 114.6970),
        "4117": (32.9808, 114.0224),
        "4190": (35.0672, 112.6022),
    }
    centres = _centres(rng, list(henan_city_centres.values()))
    always = rules.ALWAYS_OPEN.to_json()
    day_hours = rules.parse_opening_hours("每天 07:00-21:00").to_json()
    microwave = 1 << 1
    now = timezone.now()
    henan_share = total // 10
    rows = []
    for n in range(total):
        if n < henan_share:
            org = counties[n % len(counties)]
            centre = henan_city_centres.get(org.region_code[:4], centres[0])
            region = org.region_code
        else:
            org = province
            centre = centres[n % len(centres)]
            region = f"{100000 + (n % len(centres)) * 100:06d}"
        # Within ~15 km of the centre, denser near it.
        distance = abs(rng.gauss(0, 6_000))
        bearing = rng.uniform(0, 2 * math.pi)
        lat = centre[0] + distance * math.cos(bearing) / 111_195
        lng = centre[1] + distance * math.sin(bearing) / (111_195 * math.cos(math.radians(lat)))
        mask = 1 | (microwave if n % 2 else 0) | (1 << 4 if n % 3 else 0)
        rows.append(
            Station(
                code=f"B{n:07d}",
                name=f"驿站{n}",
                org_id=org.pk,
                address="bench",
                region_code=region,
                city_code=region[:4] + "00",
                lat=lat,
                lng=lng,
                cell=rules.cell_of(lat, lng),
                facility_mask=mask,
                opening_hours="24小时" if n % 4 else "每天 07:00-21:00",
                weekly_hours=always if n % 4 else day_hours,
                always_open=bool(n % 4),
                status=Station.Status.SUSPENDED if n % 20 == 0 else Station.Status.OPEN,
                created_at=now,
                updated_at=now,
            )
        )
    with transaction.atomic():
        Station.objects.bulk_create(rows, batch_size=5_000)
    del rows
    first_id, last_id = (
        Station.objects.order_by("pk").first().pk,
        Station.objects.order_by("-pk").first().pk,
    )
    count = last_id - first_id + 1
    visits = total * VISITS_PER_STATION
    stamp = f"'{now.isoformat()}'" if vendor == "sqlite" else "now()"
    if vendor == "postgresql":
        prefix, source = "", f"generate_series(1, {visits}) AS seq(n)"
        day = f"(DATE '{FIRST_DAY}' + (n % {DAYS}))"
        true_when = "({} = 0)"
    else:
        prefix = f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {visits}) "
        source = "seq"
        day = f"date('{FIRST_DAY}', '+' || (n % {DAYS}) || ' days')"
        true_when = "({} = 0)"
    columns = {
        "station_id": f"{first_id} + ((n * 7919) % {count})",
        "at": stamp,
        "on": day,
        "hour": "(CASE WHEN n % 3 = 0 THEN 12 ELSE (n * 13) % 24 END)",
        "visitor_hash": "''",
        "client_hash": "''",
        "visitor_hint": "''",
        "used_water": true_when.format("n % 2"),
        "used_meal": true_when.format("n % 3"),
        "used_charge": true_when.format("n % 5"),
        "used_rest": true_when.format("n % 2"),
        "used_toilet": true_when.format("n % 7"),
        "used_medicine": true_when.format("n % 50"),
    }
    table = Visit._meta.db_table
    names = ", ".join(
        connection.ops.quote_name(name if name != "station_id" else "station_id")
        for name in columns
    )
    sql = (
        f"{prefix}INSERT INTO {table} ({names}) SELECT {', '.join(columns.values())} FROM {source}"
    )
    # Bulk load: drop the visit indexes, insert, build them again (as a restore would).
    indexes = Visit._meta.indexes
    with connection.schema_editor() as editor:
        for index in indexes:
            editor.remove_index(Visit, index)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    with connection.schema_editor() as editor:
        for index in indexes:
            editor.add_index(Visit, index)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def settle(vendor: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        if vendor == "sqlite":
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            cursor.execute("VACUUM ANALYZE stations_stationday")


def bench_rollup(vendor: str) -> None:
    from django.db import connection

    from nuanjia.stations import services

    last = FIRST_DAY + datetime.timedelta(days=DAYS - 1)
    settle(vendor)
    with harness.stopwatch() as floor_clock, connection.cursor() as cursor:
        cursor.execute(
            'SELECT COUNT(*) FROM (SELECT station_id, "on", COUNT(*) FROM stations_visit '
            'WHERE "on" BETWEEN %s AND %s GROUP BY station_id, "on") AS grouped',
            [FIRST_DAY, last],
        )
        cursor.fetchone()
    with harness.stopwatch() as clock:
        rows = services.rollup_days(FIRST_DAY, last)
    print(f"bench: {rows:,} station-days rolled up", flush=True)
    harness.report("visits_rollup_10m_seconds", clock["seconds"], "s", floor_clock["seconds"])
    settle(vendor)


def bench_nearest(vendor: str) -> None:
    from django.db import connection
    from django.utils import timezone

    from nuanjia.stations import queries
    from nuanjia.stations.models import Station

    rng = random.Random(7)
    sample = list(
        Station.objects.order_by("?").values_list("lat", "lng")[:600]
        if vendor == "postgresql"
        else Station.objects.filter(
            pk__in=[rng.randint(1, Station.objects.count()) for _ in range(800)]
        ).values_list("lat", "lng")[:600]
    )
    points = [
        (lat + rng.uniform(-0.02, 0.02), lng + rng.uniform(-0.02, 0.02)) for lat, lng in sample
    ]
    at = timezone.make_aware(datetime.datetime(2026, 11, 25, 12, 0))
    microwave = queries.mask_of(["microwave"])
    for lat, lng in points[:20]:  # warm the caches
        queries.nearest(lat, lng, k=10, facility_mask=microwave, at=at)
    value = harness.p95_ms(
        lambda i: queries.nearest(*points[i % len(points)], k=10, facility_mask=microwave, at=at),
        len(points),
    )

    def brute(i: int) -> None:
        lat, lng = points[i % len(points)]
        scale = math.cos(math.radians(lat)) ** 2
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM stations_station WHERE status = 'open' AND is_published "
                "AND (facility_mask & %s) = %s "
                "ORDER BY (lat - %s) * (lat - %s) + (lng - %s) * (lng - %s) * %s LIMIT 10",
                [microwave, microwave, lat, lat, lng, lng, scale],
            )
            cursor.fetchall()

    floor = harness.p95_ms(brute, 40)
    harness.report("nearest10_p95_ms", value, "ms", floor)


def bench_city_month(vendor: str) -> None:
    from django.db import connection
    from django.test import Client

    from nuanjia.orgs.models import Org, Staff
    from nuanjia.orgs.rules import Role
    from nuanjia.orgs.services import set_roles

    city = Org.objects.get(code=CITY)
    leader = Staff.objects.filter(username="bench_zz_leader").first()
    if leader is None:
        leader = Staff(username="bench_zz_leader", full_name="郑州领导", org=city)
        leader.set_password("Bench#Stations2026")
        leader.save()
        set_roles(leader, {Role.LEADER}, by=None)
    client = Client()
    client.force_login(leader)
    month_first = datetime.date(2026, 11, 1)
    month_last = datetime.date(2026, 11, 30)
    url = f"/stations/statistics/?from={month_first}&to={month_last}"
    assert client.get(url).status_code == 200
    samples = []
    for _ in range(30):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    value = statistics.median(samples)

    def floor_once() -> float:
        start = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                'SELECT SUM(visits) FROM stations_stationday WHERE city_code = %s AND "on" BETWEEN %s AND %s',
                [CITY, month_first, month_last],
            )
            cursor.fetchone()
        return (time.perf_counter() - start) * 1000

    floor = statistics.median(floor_once() for _ in range(30))
    harness.report("city_month_stats_ms", value, "ms", floor)


def main() -> None:
    args = harness.arguments(__doc__, default_rows=200_000)
    vendor = harness.setup("bench_stations.sqlite3")
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    started = time.perf_counter()
    populate(args.rows, vendor)
    print(
        f"bench: {args.rows:,} stations and {args.rows * VISITS_PER_STATION:,} visits built "
        f"in {time.perf_counter() - started:.0f} s ({vendor})",
        flush=True,
    )
    bench_nearest(vendor)
    bench_rollup(vendor)
    bench_city_month(vendor)


if __name__ == "__main__":
    main()
