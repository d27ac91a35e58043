"""Staff list pages at province scale (issue 25): keyset pages through `core.lists`.

The province's lists (bench/pages_data.py, topped up by bulk SQL, never emptied): workers
1,000,000, hardship files 100,000, hotline tickets 1,000,000, fund transactions 1,000,000
and audit events 5,000,000 at `--scale 1`, spread over 2,000 grassroots unions of every
Henan county. Through the Django test client, warm, signed in at the province union and at
one county union (惠济区) — a caseworker for workers, files and tickets, a finance officer
for transactions, an audit administrator for the audit trail — each list's
- first page,
- page 500 deep (reached by its cursor, as "Next" 499 times would; the middle of the
  list when the county holds fewer rows),
- filtered page (workers ?q=zhang, files ?status=checked, tickets ?kind=complaint,
  transactions ?kind=reserve, audit ?action=bench.changed),
and the first and deep pages through the list's API operation where it has one.

Figure: list_pages_p95_ms, the p95 over every request of the set. Floor: each request's
page rows by one bare indexed SELECT (the list's own scoped, filtered, keyset query for
the ids and sort keys of the page: no joins for display, no count, no session).

`--smoke` (or `--rows 2000`, the suite's) is the small run; `--scale 0.05` a medium one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import dataclass
from typing import Any

import harness

PAGE_SIZE = 50
DEEP_PAGES = 500
ROUNDS = 7
COUNTIES = ("410000", "410108")


@dataclass(frozen=True)
class Bench:
    name: str
    url: str
    api: str  # "" without an API list operation
    role: str
    filtered: dict[str, str]


LISTS = (
    Bench("workers", "/people/workers/", "/api/v1/people/workers/", "caseworker", {"q": "zhang"}),
    Bench("files", "/hardship/", "/api/v1/hardship/files", "caseworker", {"status": "checked"}),
    Bench("tickets", "/hotline/tickets/", "/api/v1/hotline/tickets", "caseworker",
          {"kind": "complaint"}),
    Bench("transactions", "/funds/transactions/", "/api/v1/funds/transactions", "finance",
          {"kind": "reserve"}),
    Bench("audit", "/audit/", "", "audit_admin", {"action": "bench.changed"}),
)  # fmt: skip


def rows_of(bench: str, user, params: dict[str, str]):
    """The list's scoped, filtered queryset and its ListSpec, as the page builds them."""
    from nuanjia.desk import views as desk
    from nuanjia.funds import queries as funds
    from nuanjia.hardship import queries as hardship
    from nuanjia.hotline import queries as hotline
    from nuanjia.people import queries as people

    if bench == "workers":
        return people.search_workers(user, params.get("q", "")), people.WORKER_LIST
    if bench == "files":
        filters = {key: params.get(key, "") for key in hardship.FILE_FILTERS}
        return hardship.filtered_files(user, filters), hardship.FILE_LIST
    if bench == "tickets":
        tickets = hotline.visible_tickets(user)
        if params.get("kind"):
            tickets = tickets.filter(kind=params["kind"])
        return tickets, hotline.TICKET_LIST
    if bench == "transactions":
        return funds.filtered_transactions(
            user, kind=params.get("kind", "")
        ), funds.TRANSACTION_LIST
    events = desk.visible_audit_events(user)
    if params.get("action"):
        events = events.filter(action=params["action"])
    return events, desk.AUDIT_LIST


def _staff(code: str, role: str):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from nuanjia.orgs.models import Org, Staff
    from nuanjia.orgs.services import set_roles

    username = f"bench_pages_{role}_{code}"
    staff = Staff.objects.filter(username=username).first()
    if staff is None:
        staff = Staff(username=username, full_name="列表", org=Org.objects.get(code=code))
        staff.set_password("Bench#Pages2026")
        staff.save()
        set_roles(staff, {role}, by=None)
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


def _deep_cursor(bench: str, staff) -> tuple[str, list[Any]]:
    """The cursor of the page DEEP_PAGES in (or the middle of a shorter list), and the keys
    of the row it starts after."""
    queryset, spec = rows_of(bench, staff, {})
    ordered = spec.ordered(queryset)
    total = ordered.order_by().count()
    offset = max(min(DEEP_PAGES * PAGE_SIZE, total // 2) - 1, 0)
    row = ordered[offset]
    keys = spec.keys(queryset.model, spec.default_sort)
    cursor = spec.cursor(spec.default_sort, keys, row, "next", offset // PAGE_SIZE + 2)
    return cursor, [_value(row, key.path) for key in keys]


def _value(row, path: str):
    for name in path.split("__"):
        row = getattr(row, name)
    return row


def _floor(bench: str, staff, params: dict[str, str], after_keys: list[Any] | None):
    """The page's rows by one bare SELECT: the ids and sort keys of the list's own query."""
    from nuanjia.core.lists import after

    queryset, spec = rows_of(bench, staff, params)
    keys = spec.keys(queryset.model, spec.default_sort)
    rows = spec.ordered(queryset.select_related(None))
    if after_keys is not None:
        rows = rows.filter(after(keys, after_keys))
    return rows.values_list(*(key.path for key in keys))[:PAGE_SIZE].query.sql_with_params()


def _time_ms(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _requests(bench: Bench, code: str):
    """(client, url, params, floor SQL) of each request of one list at one union."""
    staff, device = _staff(code, bench.role)
    client = _client(staff, device)
    cursor, keys = _deep_cursor(bench.name, staff)
    pages = [({}, None), ({"cursor": cursor}, keys), (bench.filtered, None)]
    found = []
    for params, after_keys in pages:
        sql = _floor(bench.name, staff, {} if "cursor" in params else params, after_keys)
        found.append((client, bench.url, params, sql))
        if bench.api and params is not bench.filtered:
            found.append((client, bench.api, params, sql))
    return found


def measure(lists=LISTS, rounds: int = ROUNDS) -> tuple[list[float], list[float], dict]:
    from django.db import connection

    ours: list[float] = []
    floor: list[float] = []
    worst: dict[str, float] = {}

    def run_floor(sql, params):
        with connection.cursor() as db:
            db.execute(sql, params)
            db.fetchall()

    for bench in lists:
        requests = [request for code in COUNTIES for request in _requests(bench, code)]
        for client, url, params, _sql in requests:  # warm, and check the pages answer
            response = client.get(url, params)
            assert response.status_code == 200, (url, params, response.status_code)
        for _round in range(rounds):
            for client, url, params, (sql, sql_params) in requests:
                took = _time_ms(lambda c=client, u=url, p=params: c.get(u, p))
                ours.append(took)
                worst[bench.name] = max(worst.get(bench.name, 0.0), took)
                floor.append(_time_ms(lambda s=sql, p=sql_params: run_floor(s, p)))
    return ours, floor, worst


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--scale", type=float, default=1.0, help="of the province (default 1)")
    size.add_argument("--rows", type=int, help="workers; the other lists in proportion")
    size.add_argument("--smoke", action="store_true", help="2,000 workers (under a minute)")
    args = parser.parse_args()
    if args.smoke:
        args.rows = 2000
    if args.rows:
        args.scale = args.rows / 1_000_000
    return args


def main() -> None:
    args = arguments()
    vendor = harness.setup("bench_pages.sqlite3")
    import pages_data
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with harness.stopwatch() as clock:
        added = pages_data.populate(args.scale)
    print(f"# {vendor}: scale {args.scale:g}, rows added {added} in {clock['seconds']:.0f} s")
    ours, floor, worst = measure(rounds=3 if args.scale < 0.01 else ROUNDS)
    print(f"# {len(ours)} list requests; slowest per list (ms): "
          + ", ".join(f"{name} {ms:.0f}" for name, ms in worst.items()), flush=True)  # fmt: skip
    harness.report("list_pages_p95_ms", p95(ours), "ms", p95(floor))


if __name__ == "__main__":
    sys.exit(main())
