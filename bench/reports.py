"""The reports' facts at province scale (issue 20, ADR 0021): the province leader's dashboard,
the refresh after a day of changes and the full rebuild of three years.

Source rows: `--rows` (default 10,000,000) rows of two source tables whose measures are
registered — 12351 tickets (`hotline.received`, by kind and channel, on the ticket's local
day) and fund postings (`funds.allocated` and `funds.received`, flows to a county, and
`funds.reserved`, `funds.paid`, per earmark) — half each, spread evenly over the three years
before today and over 2,000 grassroots unions of every Henan county (as bench/pages.py). They
are loaded by bulk SQL (COPY on PostgreSQL, executemany on SQLite; bench/pages.py's `fill`),
in day order, each ticket's change stamp its receipt. A rerun on the same database tops the
three years up to `--rows` and adds another day of changes.

Figures:
- facts_rebuild_3y_seconds: `reports.services.rebuild` of every registered measure over the
  three years (the facts emptied first). Floor: the bare GROUP BY over all source rows
  (tickets by union, local day, kind and channel; postings by union, day, kind, earmark and
  receiver). Target ≤ 600 s.
- dashboard_p95_ms: the province leader's `/reports/` for last month (beside the same month a
  year before, as the page shows it) through the Django test client, warm, over the facts
  the rebuild wrote — exactly the facts the source rows produce, 3 years of them. Floor: one
  bare SELECT of the same facts (the subtree's facts of the month and of the month a year
  before, summed per measure: two index ranges joined by UNION ALL). Target ≤ 200 ms.
- facts_refresh_day_seconds: `--changes` (default rows ÷ 100: 100,000 at full size) new rows
  of today in the same two tables (bulk SQL), then `reports.services.refresh` — what the
  every-minute job runs. Floor: the bare GROUP BY of those rows. Target ≤ 30 s.

    .venv/bin/python bench/reports.py [--rows 10000000] [--changes 100000]   # var/bench_reports.sqlite3
    .venv/bin/python bench/reports.py --smoke          # 6,000 rows (the suite's)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python bench/reports.py --rows 1000000
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from typing import Any
from zoneinfo import ZoneInfo

import harness
import pages

SOURCE_ROWS = 10_000_000
DAYS = 3 * 365
REPEATS = 30
EARMARKS = ("bench-a", "bench-b", "bench-c")
CHANNELS = ("phone", "web", "miniprogram", "visit")
POSTINGS = ("allocate", "reserve", "spend", "allocate")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _sources(orgs: list[tuple[int, str, str]]) -> dict[str, Any]:
    """What the rows are made of: unions (with the county above each), earmarks, kinds."""
    from nuanjia.funds.models import Earmark
    from nuanjia.hotline.rules import Kind
    from nuanjia.orgs.models import Org

    for n, code in enumerate(EARMARKS):
        Earmark.objects.get_or_create(code=code, defaults={"name": f"报表基准{n}"})
    parents = dict(
        Org.objects.filter(pk__in=[pk for pk, _r, _p in orgs]).values_list("pk", "parent_id")
    )
    return {
        "orgs": orgs,
        "parents": parents,
        "earmarks": list(
            Earmark.objects.filter(code__in=EARMARKS).order_by("code").values_list("pk", flat=True)
        ),
        "kinds": list(Kind.values),
    }


def load(
    count: int, first: datetime.date, days: int, made: dict[str, Any], *, top_up: bool = False
) -> dict[str, int]:
    """`count` source rows, half tickets and half postings, spread in order over `days` days
    from `first` (n-th row on day n·days÷count); answers the first new id of each table.
    `top_up`: only what the tables lack of `count` (a rerun on the same database)."""
    from django.db import connection

    from nuanjia.funds.models import Transaction
    from nuanjia.hotline.models import Ticket

    ops = connection.ops
    orgs, parents, earmarks, kinds = made["orgs"], made["parents"], made["earmarks"], made["kinds"]
    tickets, postings = count // 2, count - count // 2

    def day(n: int, of: int) -> datetime.date:
        return first + datetime.timedelta(days=n * days // max(of, 1))

    def ticket(n: int, pk: int) -> dict[str, Any]:
        pk_org, region, _path = orgs[(n * 7919) % len(orgs)]
        at = datetime.datetime.combine(day(n, tickets), datetime.time(8), SHANGHAI)
        at += datetime.timedelta(seconds=n % 36_000)  # 08:00–18:00, the same local day
        stamp = ops.adapt_datetimefield_value(at)
        return {"number": f"RB{pk:012d}", "org_id": pk_org, "region_code": region,
                "kind": kinds[n % len(kinds)], "channel": CHANNELS[n % 4],
                "received_at": stamp, "updated_at": stamp}  # fmt: skip

    def posting(n: int, pk: int) -> dict[str, Any]:
        pk_org = orgs[(n * 7919) % len(orgs)][0]
        kind = POSTINGS[n % 4]
        return {"org_id": pk_org, "kind": kind, "earmark_id": earmarks[n % len(earmarks)],
                "counterpart_org_id": parents[pk_org] if kind == "allocate" else None,
                "amount_fen": 100 + n % 100_000, "source_id": str(pk),
                "posted_on": ops.adapt_datefield_value(day(n, postings))}  # fmt: skip

    given = {"description": "报表基准"}
    ticket_start, _ = pages.fill(Ticket, tickets + (0 if top_up else Ticket.objects.count()),
                                 ticket, given)  # fmt: skip
    given = {"memo": "报表基准", "source_type": "bench.reports"}
    held = 0 if top_up else Transaction.objects.count()
    posting_start, _ = pages.fill(Transaction, postings + held, posting, given)
    return {"tickets": ticket_start, "postings": posting_start}


def _local_date() -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        return "(received_at AT TIME ZONE 'Asia/Shanghai')::date"
    return "date(received_at, '+8 hours')"


def group_by_seconds(since: dict[str, int] | None = None) -> float:
    """The floor: the bare GROUP BY of the source rows (those from the ids in `since`)."""
    from django.db import connection

    tickets = postings = ""
    if since:
        tickets, postings = f" WHERE id >= {since['tickets']}", f" WHERE id >= {since['postings']}"
    statements = (
        f"SELECT org_id, {_local_date()} AS day, kind, channel, COUNT(*) FROM hotline_ticket"
        f"{tickets} GROUP BY org_id, {_local_date()}, kind, channel",
        "SELECT org_id, posted_on, kind, earmark_id, counterpart_org_id, SUM(amount_fen) "
        f"FROM funds_transaction{postings} "
        "GROUP BY org_id, posted_on, kind, earmark_id, counterpart_org_id",
    )
    with harness.stopwatch() as clock, connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            cursor.fetchall()
    return clock["seconds"]


def rebuild_seconds(first: datetime.date, last: datetime.date) -> tuple[float, int]:
    from nuanjia.reports import services
    from nuanjia.reports.models import Fact

    Fact.objects.all().delete()  # from nothing, as after installing
    with harness.stopwatch() as clock:
        written = services.rebuild(first, last)
    return clock["seconds"], sum(written.values())


def _month_before(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    last = today.replace(day=1) - datetime.timedelta(days=1)
    return last.replace(day=1), last


def dashboard(today: datetime.date) -> tuple[float, float, int]:
    """(p95 of the page, p95 of the floor, facts the page reads) for last month."""
    from django.conf import settings
    from django.db import connection

    from nuanjia.reports.models import Fact

    settings.ALLOWED_HOSTS = ["*"]
    first, last = _month_before(today)
    client = pages._client(*pages._staff("410000", "leader"))
    url = f"/reports/?period={first:%Y-%m}"
    response = client.get(url)  # warm
    assert response.status_code == 200, response.status_code
    assert b'data-testid="total-funds.allocated"' in response.content
    before = _month_before(first.replace(year=first.year - 1) + datetime.timedelta(days=31))
    one = (
        "SELECT measure, SUM(value) FROM reports_fact WHERE day >= %s AND day <= %s "
        "AND path >= %s AND path < %s GROUP BY measure"
    )
    sql = f"{one} UNION ALL {one}"  # the month and the month a year before: two index ranges
    params: list[Any] = [first, last, "/410000/", "/4100000", *before, "/410000/", "/4100000"]
    facts = Fact.objects.filter(path__startswith="/410000/", day__range=(first, last)).count()

    def floor(_i: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    ours = harness.p95_ms(lambda _i: client.get(url), REPEATS)
    return ours, harness.p95_ms(floor, REPEATS), facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=SOURCE_ROWS, help="source rows (3 years)")
    parser.add_argument("--changes", type=int, help="rows of today's changes (default rows ÷ 100)")
    parser.add_argument("--smoke", action="store_true", help="6,000 rows (the suite's size)")
    args = parser.parse_args()
    if args.smoke:
        args.rows = 6000
    changes = args.changes or max(args.rows // 100, 100)
    # A run on PostgreSQL holds a lock of its own: it may run beside one on the SQLite file.
    postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    vendor = harness.setup("bench_reports_pg.sqlite3" if postgres else "bench_reports.sqlite3")
    from django.conf import settings

    from nuanjia.core import clock

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    today = clock.today()
    first = today - datetime.timedelta(days=DAYS)
    with harness.stopwatch() as loading:
        made = _sources(pages.unions())
        load(args.rows, first, DAYS, made, top_up=True)
    print(f"# {vendor}: {args.rows:,} source rows over {DAYS} days loaded in "
          f"{loading['seconds']:.0f} s", flush=True)  # fmt: skip

    floor = group_by_seconds()
    seconds, facts = rebuild_seconds(first, today)
    print(f"# rebuild wrote {facts:,} facts", flush=True)
    harness.report("facts_rebuild_3y_seconds", seconds, "s", floor)

    page, bare, read = dashboard(today)
    print(f"# dashboard: {read:,} facts of the province in the month", flush=True)
    harness.report("dashboard_p95_ms", page, "ms", bare)

    refresh_seconds, floor = day_of_changes(changes, today, made)
    harness.report("facts_refresh_day_seconds", refresh_seconds, "s", floor)


def day_of_changes(count: int, today: datetime.date, made: dict[str, Any]) -> tuple[float, float]:
    """Load `count` rows of today, then time the refresh and the floor's GROUP BY of them."""
    from nuanjia.reports import services
    from nuanjia.reports.models import Fact

    since = load(count, today, 1, made)
    with harness.stopwatch() as clock:
        done = services.refresh()
    days = sorted({day for found in done.values() for day in found})
    assert today.isoformat() in days, done
    written = Fact.objects.filter(day=today).count()
    print(f"# refresh: {count:,} rows of today; {len(days)} day(s) rebuilt ({days[0]} to "
          f"{days[-1]}: today and those within the feeds' overlap), {written:,} facts of today",
          flush=True)  # fmt: skip
    floor = min(group_by_seconds(since) for _ in range(3))
    return clock["seconds"], floor


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"# wall time {time.perf_counter() - started:.0f} s")
    sys.exit(0)
