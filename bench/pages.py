"""Staff list pages at province scale (issue 25): keyset pages through `core.lists`.

The registry is the worker search bench's (bench/search_workers.py: `--rows` workers over
2,000 grassroots unions of every Henan county). Through the Django test client, warm, signed
in as a caseworker of the province union and of one county union, each of:
- the first page of /people/workers/,
- a page 500 deep (reached by its cursor, as "Next" 499 times would; capped to the middle of
  the county's list when the county holds fewer rows),
- a filtered page (?q=zhang, the pinyin prefix),
- the same three through the API (/api/v1/people/workers/).

Figure: list_pages_p95_ms, the p95 over every request of the set. Floor: the same pages' rows
by one bare indexed SELECT (the keyset range on name_pinyin, id; the county's by its unions).
"""

import statistics
import sys
import time

import harness
from search_workers import clear, populate

PAGE_SIZE = 50
DEEP_PAGES = 500
ROUNDS = 15


def _caseworker(code: str):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from nuanjia.orgs.models import Org, Staff
    from nuanjia.orgs.rules import Role
    from nuanjia.orgs.services import set_roles

    staff = Staff.objects.filter(username=f"bench_pages_{code}").first()
    if staff is None:
        staff = Staff(
            username=f"bench_pages_{code}", full_name="列表", org=Org.objects.get(code=code)
        )
        staff.set_password("Bench#Pages2026")
        staff.save()
        set_roles(staff, {Role.CASEWORKER}, by=None)
        staff = Staff.objects.get(pk=staff.pk)
    device = TOTPDevice.objects.filter(user=staff).first() or TOTPDevice.objects.create(
        user=staff, name="bench", confirmed=True
    )
    return staff, device


def _client(staff, device):
    from django.test import Client

    client = Client()
    client.force_login(staff)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def _deep_cursor(staff) -> tuple[str, object]:
    """The cursor of the page DEEP_PAGES in (or the middle of a shorter list), and its row."""
    from nuanjia.people.queries import WORKER_LIST, visible_workers

    workers = WORKER_LIST.ordered(visible_workers(staff))
    total = workers.count()
    offset = min(DEEP_PAGES * PAGE_SIZE, total // 2) - 1
    row = workers[offset]
    keys = WORKER_LIST.keys(workers.model, "pinyin")
    return WORKER_LIST.cursor("pinyin", keys, row, "next", offset // PAGE_SIZE + 2), row


def _requests(staff, cursor: str) -> list[tuple[str, dict]]:
    pages = [{}, {"cursor": cursor}, {"q": "zhang"}]
    return [
        (url, params) for url in ("/people/workers/", "/api/v1/people/workers/") for params in pages
    ]


def _floor_sql(staff, row) -> list[tuple[str, list]]:
    """The same pages' rows by bare indexed SELECTs (scoped by the unions' path range)."""
    from nuanjia.people import rules

    low, high = staff.org.path, staff.org.path[:-1] + "0"
    scoped = (
        "SELECT w.id, w.name, w.name_pinyin, w.org_id FROM people_worker w"
        " JOIN orgs_org o ON o.id = w.org_id WHERE o.path >= %s AND o.path < %s"
        " AND w.merged_into_id IS NULL"
    )
    zlow, zhigh = rules.prefix_bounds("zhang")
    return [
        (f"{scoped} ORDER BY w.name_pinyin, w.id LIMIT {PAGE_SIZE}", [low, high]),
        (
            f"{scoped} AND w.name_pinyin >= %s AND (w.name_pinyin > %s OR w.id > %s)"
            f" ORDER BY w.name_pinyin, w.id LIMIT {PAGE_SIZE}",
            [low, high, row.name_pinyin, row.name_pinyin, row.pk],
        ),
        (
            f"{scoped} AND w.name_pinyin >= %s AND w.name_pinyin < %s"
            f" ORDER BY w.name_pinyin, w.id LIMIT {PAGE_SIZE}",
            [low, high, zlow, zhigh],
        ),
    ]


def _time_ms(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def measure(codes: tuple[str, ...]) -> tuple[list[float], list[float]]:
    from django.db import connection

    ours: list[float] = []
    floor: list[float] = []
    for code in codes:
        staff, device = _caseworker(code)
        client = _client(staff, device)
        cursor, row = _deep_cursor(staff)
        requests = _requests(staff, cursor)
        for url, params in requests:  # warm, and check the pages answer
            response = client.get(url, params)
            assert response.status_code == 200, (url, params, response.status_code)
        statements = _floor_sql(staff, row) * 2  # the page and the API read the same rows

        def run_floor(sql, params):
            with connection.cursor() as db:
                db.execute(sql, params)
                db.fetchall()

        for _round in range(ROUNDS):
            for url, params in requests:
                ours.append(_time_ms(lambda c=client, u=url, p=params: c.get(u, p)))
            for sql, params in statements:
                floor.append(_time_ms(lambda sql=sql, params=params: run_floor(sql, params)))
    return ours, floor


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def main() -> None:
    args = harness.arguments(__doc__, default_rows=1_000_000)
    vendor = harness.setup("bench_pages.sqlite3")
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clear()
    with harness.stopwatch() as clock:
        populate(args.rows)
    print(f"# {vendor}: {args.rows:,} workers generated in {clock['seconds']:.0f} s", flush=True)
    ours, floor = measure(("410000", "410108"))
    print(f"# {len(ours)} list requests (province and 惠济区; first, deep, filtered; page and API)")
    harness.report("list_pages_p95_ms", p95(ours), "ms", p95(floor))


if __name__ == "__main__":
    sys.exit(main())
