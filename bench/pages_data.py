"""The rows of the list pages bench (bench/pages.py), bulk-loaded straight into the tables.

Every table is topped up to its size, never emptied: a rerun on the same database (or a
PostgreSQL bench database holding other rows, an append-only audit trail among them) adds
only what is missing. Rows get explicit ids after the table's largest, loaded by COPY on
PostgreSQL (the id sequence moved past them afterwards) and by executemany on SQLite (its
secondary indexes dropped for the load and rebuilt after). Columns the bench does not vary
take the model's default, prepared once per table.
"""

from __future__ import annotations

import datetime
import itertools
import json
import random
from collections.abc import Callable, Iterator
from typing import Any

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
