"""Staff list pages at province scale (issue 25): keyset pages through `core.lists`.

The province's lists (topped up by bulk SQL, never emptied; see below): workers
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

Rows are topped up, never emptied: a rerun on the same database (or a PostgreSQL bench
database holding other rows, an append-only audit trail among them) adds only what is
missing. New rows get explicit ids after the table's largest and are loaded by COPY on
PostgreSQL (the id sequence moved past them afterwards) and by executemany on SQLite (the
table's secondary indexes dropped for the load and rebuilt after). Columns the bench does
not vary take the model's default, prepared once per table.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import harness

SIZES = {  # at --scale 1 (the province)
    "workers": 1_000_000,
    "files": 100_000,
    "tickets": 1_000_000,
    "transactions": 1_000_000,
    "audit": 5_000_000,
}
UNIONS = 2000  # grassroots unions over every Henan county (as bench/search_workers.py)
BATCH = 20_000
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彩春菊凤洁梅琳"


def unions() -> list[tuple[int, str, str]]:
    """The union tree and UNIONS grassroots unions: (id, region code, path) of each of these."""
    from django.db import connection

    from nuanjia.orgs.models import Org
    from nuanjia.orgs.services import load_union_tree

    if not Org.objects.filter(code="410000").exists():
        load_union_tree()
    counties = list(Org.objects.filter(kind=Org.Kind.COUNTY).order_by("code"))
    Org.objects.bulk_create(
        [
            Org(
                code=f"{county.region_code}-S{n:04d}",
                name=f"基层工会{n}",
                kind=Org.Kind.ENTERPRISE,
                parent=county,
                region_code=county.region_code,
                path=f"{county.path}{county.region_code}-S{n:04d}/",
                depth=county.depth + 1,
            )
            for n, county in ((n, counties[n % len(counties)]) for n in range(UNIONS))
        ],
        ignore_conflicts=True,
    )
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum keeps them
        cursor.execute("ANALYZE orgs_org")
    found = Org.objects.filter(code__contains="-S").order_by("code")
    return list(found.values_list("pk", "region_code", "path"))


def _constants(model, varying: set[str], given: dict[str, Any]) -> dict[str, Any]:
    """Every other column's value, ready for the database: given, else the model default."""
    from django.db import connection
    from django.db.models import CharField, DateField, JSONField, TextField
    from django.utils import timezone

    now = timezone.now()
    values: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in varying:
            continue
        if field.attname in given:
            value = given[field.attname]
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default():
            value = field.get_default()
        elif field.null:
            value = None
        elif isinstance(field, CharField | TextField):
            value = ""  # an empty text the page shows as blank
        elif isinstance(field, DateField):
            value = now.date()
        else:
            raise RuntimeError(f"{model._meta.db_table}.{field.attname}: no value for the bench")
        if isinstance(field, JSONField):
            values[field.column] = None if value is None else json.dumps(value)
        else:
            values[field.column] = field.get_db_prep_save(value, connection)
    return values


def fill(
    model,
    target: int,
    varying: Callable[[int, int], dict[str, Any]],
    given: dict[str, Any] | None = None,
) -> tuple[int, int]:
    """Top the table up to `target` rows; `varying(n, id)` gives the n-th new row's varying
    columns (database-ready). Answers (first new id, rows added)."""
    from django.db import connection, transaction

    table = model._meta.db_table
    existing = model.objects.count()
    missing = max(target - existing, 0)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        start = int(cursor.fetchone()[0]) + 1
    if not missing:
        return start, 0
    sample = varying(0, start)
    constants = _constants(model, set(sample), given or {})
    columns = ["id", *sample, *constants]
    fixed = list(constants.values())

    def rows() -> Iterator[list[Any]]:
        for n in range(missing):
            yield [start + n, *varying(n, start + n).values(), *fixed]

    with transaction.atomic(), connection.cursor() as cursor:
        indexes = _drop_indexes(cursor, table)
        _load(cursor, table, columns, rows())
        for sql in indexes:
            cursor.execute(sql)
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
        cursor.execute(f"ANALYZE {table}")
    return start, missing


def _load(cursor, table: str, columns: list[str], rows: Iterator[list[Any]]) -> None:
    from django.db import connection

    names = ", ".join(connection.ops.quote_name(column) for column in columns)
    insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
    while batch := list(itertools.islice(rows, BATCH)):
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for values in batch:
                    copy.write_row(values)
        else:
            cursor.executemany(insert, batch)


def _drop_indexes(cursor, table: str) -> list[str]:
    """SQLite: drop the table's secondary indexes for the load; answer their definitions."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return []
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "AND tbl_name = %s",
        [table],
    )
    found = cursor.fetchall()
    for name, _sql in found:
        cursor.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]


def populate(scale: float) -> dict[str, int]:
    """Every list's rows at `scale` of the province; answers the rows added per list."""
    from django.db import connection
    from django.utils import timezone

    from nuanjia.core.models import AuditEvent
    from nuanjia.core.pinyin import name_search_keys
    from nuanjia.funds.models import Earmark, Transaction
    from nuanjia.hardship.models import HardshipFile
    from nuanjia.hardship.rules import Status as FileStatus
    from nuanjia.hotline.models import Ticket
    from nuanjia.hotline.rules import Kind
    from nuanjia.people.models import Household, Worker

    sizes = {name: max(int(size * scale), 1) for name, size in SIZES.items()}
    orgs = unions()
    rng = random.Random(7)
    now = timezone.now()
    ops = connection.ops
    names = []
    for _ in range(997):  # a pool of names (and their pinyin) drawn in turn
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
        names.append((name, *name_search_keys(name)))

    def org(n: int) -> tuple[int, str, str]:
        return orgs[(n * 7919) % len(orgs)]

    def moment(n: int) -> Any:
        return ops.adapt_datetimefield_value(now - datetime.timedelta(seconds=37 * n))

    def worker(n: int, pk: int) -> dict[str, Any]:
        name, pinyin, initials = names[n % len(names)]
        return {"org_id": org(n)[0], "region_code": org(n)[1], "name": name,
                "name_pinyin": pinyin, "name_initials": initials}  # fmt: skip

    added = {"workers": fill(Worker, sizes["workers"], worker, {"id_number_index": ""})[1]}
    # Files: one per household, households for the first workers without one.
    free = Worker.objects.filter(household__isnull=True).order_by("pk")
    needed = max(sizes["files"] - HardshipFile.objects.count(), 0)
    homeless = list(free.values_list("pk", "org_id", "region_code")[:needed])

    def household(n: int, pk: int) -> dict[str, Any]:
        worker_id, org_id, region = homeless[n]
        return {"worker_id": worker_id, "org_id": org_id, "region_code": region}

    first, count = fill(Household, Household.objects.count() + len(homeless), household)
    statuses = [FileStatus.APPLIED, FileStatus.APPLIED, FileStatus.APPLIED, FileStatus.CHECKED]

    def hardship_file(n: int, pk: int) -> dict[str, Any]:
        _worker_id, org_id, region = homeless[n]
        return {"household_id": first + n, "org_id": org_id, "region_code": region,
                "status": statuses[n % 4], "updated_at": moment(n)}  # fmt: skip

    added["files"] = fill(HardshipFile, HardshipFile.objects.count() + count, hardship_file)[1]
    kinds = list(Kind.values)

    def ticket(n: int, pk: int) -> dict[str, Any]:
        return {"number": f"BENCH{pk:010d}", "org_id": org(n)[0], "region_code": org(n)[1],
                "kind": kinds[n % len(kinds)], "received_at": moment(n)}  # fmt: skip

    added["tickets"] = fill(Ticket, sizes["tickets"], ticket, {"description": "咨询"})[1]
    earmark = Earmark.objects.order_by("pk").first() or Earmark.objects.create(
        code="bench", name="列表基准"
    )
    today = now.date()

    def transaction(n: int, pk: int) -> dict[str, Any]:
        return {"org_id": org(n)[0], "kind": ("receive", "reserve")[n % 2],
                "amount_fen": 100 + n % 10_000,
                "posted_on": ops.adapt_datefield_value(today - datetime.timedelta(days=n % 3650))}  # fmt: skip

    given = {"earmark_id": earmark.pk, "memo": "基准", "source_type": "", "source_id": ""}
    added["transactions"] = fill(Transaction, sizes["transactions"], transaction, given)[1]
    seq = AuditEvent.objects.filter(chain="bench").count()
    actions = ["bench.viewed", "bench.viewed", "bench.viewed", "bench.changed"]

    def event(n: int, pk: int) -> dict[str, Any]:
        org_id, _region, path = org(n)
        return {"chain": "bench", "seq": seq + n + 1, "at": moment(n), "org_id": org_id,
                "org_path": path, "action": actions[n % 4]}  # fmt: skip

    given = {"actor_label": "基准", "object_type": "", "object_id": "", "object_label": "",
             "prev_hash": "", "hash": ""}  # fmt: skip
    added["audit"] = fill(AuditEvent, sizes["audit"], event, given)[1]
    return added


# ---- The measurement -------------------------------------------------------------------------

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
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with harness.stopwatch() as clock:
        added = populate(args.scale)
    print(f"# {vendor}: scale {args.scale:g}, rows added {added} in {clock['seconds']:.0f} s")
    ours, floor, worst = measure(rounds=3 if args.scale < 0.01 else ROUNDS)
    print(f"# {len(ours)} list requests; slowest per list (ms): "
          + ", ".join(f"{name} {ms:.0f}" for name, ms in worst.items()), flush=True)  # fmt: skip
    harness.report("list_pages_p95_ms", p95(ours), "ms", p95(floor))


if __name__ == "__main__":
    sys.exit(main())
