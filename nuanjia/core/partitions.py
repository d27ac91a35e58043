"""Monthly time partitions on PostgreSQL for the tables that grow without end (ADR 0023).

- `TABLES` is the one declaration: each table's partition column, its legal minimum (no
  partition younger than that is ever detached, whatever is asked) and its retention (off by
  default: every partition is kept; `NUANJIA_PARTITION_RETENTION = {table: months}` turns it on
  for a table, never below the minimum).
- A table becomes partitioned in its app's migration (`convert_to_partitioned`, a no-op on
  SQLite, which keeps plain tables): the parent with the same columns, a DEFAULT partition,
  one partition per local (Asia/Shanghai) month from the oldest row to `ahead` months past the
  current one, the rows moved, the names swapped, the identity carried on. The primary key
  becomes (id, column) and every unique constraint gains the column, as PostgreSQL requires.
- `maintain()` (the daily job `core.partitions`, and `nuanjia partitions ahead`) creates the
  months ahead, moves any row found in a DEFAULT partition into its month's own partition, and
  detaches (never drops) what is past a table's retention. Detached tables stay in the
  database, to be dumped and archived by the operator.
"""

from __future__ import annotations

import datetime
import logging
import re
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection as default_connection
from django.db import transaction
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

AHEAD_MONTHS = 3  # default of NUANJIA_PARTITIONS_AHEAD
JOB = "core.partitions"
YEARS = 12  # months


@dataclass(frozen=True)
class PartitionedTable:
    table: str
    column: str  # a NOT NULL timestamp: the range partition key
    minimum_months: int  # the legal minimum: a partition ending later than this ago stays
    basis: str  # why that minimum
    retention_months: int | None = None  # detach partitions older than this; None: keep all


TABLES: dict[str, PartitionedTable] = {
    spec.table: spec
    for spec in (
        PartitionedTable(
            "core_auditevent", "at", 6,
            "网络安全法 第二十一条: network logs kept at least six months",
        ),
        PartitionedTable(
            "hotline_ticketevent", "at", 10 * YEARS,
            "a ticket may open advance relief for a hardship family: hardship records are kept "
            "ten years after the family's exit, counted here from the partition's end",
        ),
        PartitionedTable(
            "stations_visit", "at", 13,
            "no legal minimum; the year-on-year statistics need the same month a year back",
        ),
        PartitionedTable(
            "funds_entry", "created_at", 30 * YEARS,
            "会计档案管理办法 (2015): account books and vouchers thirty years; hardship grants "
            "ten years after exit are covered by it",
        ),
        PartitionedTable(
            "benefits_redemption", "at", 30 * YEARS,
            "redemptions are the vouchers of the merchants' paid statements: thirty years",
        ),
        PartitionedTable(
            "members_cardscan", "at", 30 * YEARS,
            "card scans back the partners' settlements paid by the unions: thirty years",
        ),
    )
}  # fmt: skip


class RetentionRefused(Exception):
    """A detach that would cut into a table's legal minimum (or a table not partitioned)."""


def is_postgres(connection: Any = None) -> bool:
    return bool((connection or default_connection).vendor == "postgresql")


def ahead_months() -> int:
    return int(getattr(settings, "NUANJIA_PARTITIONS_AHEAD", AHEAD_MONTHS))


def retention_of(spec: PartitionedTable) -> int | None:
    configured = getattr(settings, "NUANJIA_PARTITION_RETENTION", {}) or {}
    return configured.get(spec.table, spec.retention_months)


# -- months ----------------------------------------------------------------------------------


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def current_month(now: datetime.datetime | None = None) -> datetime.date:
    local = (now or timezone.now()).astimezone(_zone())
    return datetime.date(local.year, local.month, 1)


def month_bound(month: datetime.date) -> datetime.datetime:
    """The first instant of a local month."""
    return datetime.datetime(month.year, month.month, 1, tzinfo=_zone())


def partition_name(table: str, month: datetime.date) -> str:
    return f"{table}_p{month:%Y%m}"


def default_name(table: str) -> str:
    return f"{table}_default"


_MONTH = re.compile(r"_p(\d{4})(\d{2})$")


# -- the catalogue ---------------------------------------------------------------------------


def is_partitioned(table: str, connection: Any = None) -> bool:
    if not is_postgres(connection):
        return False
    with (connection or default_connection).cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = %s", [table])
        row = cursor.fetchone()
    return bool(row and row[0] == "p")


def months_of(table: str, connection: Any = None) -> list[datetime.date]:
    """The months that have a partition of their own, oldest first."""
    with (connection or default_connection).cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = %s::regclass",
            [table],
        )
        names = [name for (name,) in cursor.fetchall()]
    found = (_MONTH.search(name) for name in names)
    return sorted(datetime.date(int(m[1]), int(m[2]), 1) for m in found if m)


def default_rows(table: str, connection: Any = None) -> int:
    with (connection or default_connection).cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{default_name(table)}"')  # noqa: S608
        return int(cursor.fetchone()[0])


def ahead_count(table: str, now: datetime.datetime | None = None) -> int:
    """How many monthly partitions come after the current month."""
    this = current_month(now)
    return sum(1 for month in months_of(table) if month > this)


def partitions_ahead() -> dict[str, float]:
    """The gauge `nuanjia_partitions_ahead` (by table); nothing on SQLite."""
    return {
        table: float(ahead_count(table)) for table in TABLES if is_partitioned(table)
    }  # fmt: skip


# -- creating months -------------------------------------------------------------------------


def create_month(table: str, column: str, month: datetime.date, connection: Any = None) -> bool:
    """Create the month's partition unless it exists; rows of that month waiting in the
    DEFAULT partition move into it (PostgreSQL refuses the partition while they are there).
    True when it was created."""
    connection = connection or default_connection
    name = partition_name(table, month)
    if month in months_of(table, connection):
        return False
    start, end = month_bound(month), month_bound(add_months(month, 1))
    moved = f"nj_moving_{name}"[:63]
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET LOCAL lock_timeout = '10s'")
        cursor.execute(
            f'CREATE TEMP TABLE "{moved}" AS WITH gone AS ('  # noqa: S608
            f'DELETE FROM "{default_name(table)}" WHERE "{column}" >= %s AND "{column}" < %s '
            f"RETURNING *) SELECT * FROM gone",
            [start, end],
        )
        cursor.execute(
            f'CREATE TABLE "{name}" PARTITION OF "{table}" FOR VALUES FROM (%s) TO (%s)',
            [start, end],
        )
        cursor.execute(f'INSERT INTO "{table}" SELECT * FROM "{moved}"')  # noqa: S608
        count = cursor.rowcount
        cursor.execute(f'DROP TABLE "{moved}"')
    if count:
        logger.warning("moved %d rows of %s out of its default partition", count, name)
    return True


def ensure_ahead(
    table: str,
    column: str,
    *,
    ahead: int | None = None,
    now: datetime.datetime | None = None,
    connection: Any = None,
) -> list[str]:
    """Create the current month's partition and `ahead` more; the names created."""
    this = current_month(now)
    months = [
        add_months(this, step) for step in range((ahead_months() if ahead is None else ahead) + 1)
    ]
    return [
        partition_name(table, month)
        for month in months
        if create_month(table, column, month, connection)
    ]  # fmt: skip


def empty_default(table: str, column: str, connection: Any = None) -> int:
    """Move every row of the DEFAULT partition into its month's partition (created for it);
    the number of rows that were there. The DEFAULT partition is a safety net that should
    stay empty: a row there means a month was not created in time."""
    connection = connection or default_connection
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT date_trunc('month', \"{column}\" AT TIME ZONE %s)::date, count(*) "  # noqa: S608
            f'FROM "{default_name(table)}" GROUP BY 1',
            [settings.TIME_ZONE],
        )
        found = cursor.fetchall()
    for month, _count in found:
        create_month(table, column, month, connection)
    return sum(count for _month, count in found)


# -- retention -------------------------------------------------------------------------------


def _months_between(earlier: datetime.date, later: datetime.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def may_detach(
    spec: PartitionedTable, month: datetime.date, now: datetime.datetime | None = None
) -> str:
    """Why the month's partition must stay ("" when it may go): a partition is detached only
    when all of it is older than the table's legal minimum."""
    age = _months_between(add_months(month, 1), current_month(now))  # whole months since its end
    if age < 0:
        return f"{partition_name(spec.table, month)} has not ended yet"
    if age < spec.minimum_months:
        return (
            f"{partition_name(spec.table, month)} ended {age} months ago; "
            f"{spec.table} keeps at least {spec.minimum_months} ({spec.basis})"
        )
    if spec.table == "core_auditevent":
        return (
            "audit verify walks every chain from its no. 1: the detached heads need a "
            "checkpoint in the root chain first (ADR 0023)"
        )
    return ""


def detach(table: str, month: datetime.date, *, now: datetime.datetime | None = None) -> int:
    """Detach (never drop) one month's partition of `table`; the rows it held. The table
    stays in the database as it was, outside the parent, for the operator to archive.
    Refused (RetentionRefused) inside the legal minimum."""
    spec = TABLES[table]
    if not is_partitioned(table) or month not in months_of(table):
        raise RetentionRefused(f"{partition_name(table, month)} is not a partition of {table}")
    reason = may_detach(spec, month, now)
    if reason:
        raise RetentionRefused(reason)
    from .audit import record_event

    name = partition_name(table, month)
    with transaction.atomic(), default_connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{name}"')  # noqa: S608
        rows = int(cursor.fetchone()[0])
        cursor.execute(f'ALTER TABLE "{table}" DETACH PARTITION "{name}"')
        record_event(
            None, "partition.detach", actor_label="nuanjia partitions",
            changes={"table": table, "partition": name, "rows": rows},
        )  # fmt: skip
    logger.info("detached %s (%d rows)", name, rows)
    return rows


def due_for_detach(now: datetime.datetime | None = None) -> list[tuple[str, datetime.date]]:
    """The partitions past their table's retention (and its legal minimum)."""
    due = []
    for spec in TABLES.values():
        keep = retention_of(spec)
        if keep is None or not is_partitioned(spec.table):
            continue
        for month in months_of(spec.table):
            past = _months_between(add_months(month, 1), current_month(now)) >= keep
            if past and not may_detach(spec, month, now):
                due.append((spec.table, month))
    return due


# -- the job ---------------------------------------------------------------------------------


@dataclass
class Report:
    created: list[str]
    moved: dict[str, int]  # rows found in a DEFAULT partition, by table
    detached: list[str]

    def lines(self) -> list[str]:
        lines = [f"created {name}" for name in self.created]
        lines += [
            f"moved {rows} rows out of {default_name(table)}"
            for table, rows in self.moved.items() if rows
        ]  # fmt: skip
        return lines + [f"detached {name}" for name in self.detached]


def maintain(*, now: datetime.datetime | None = None, detaching: bool = True) -> Report:
    """The daily job: months ahead, empty DEFAULT partitions, retention."""
    report = Report([], {}, [])
    for spec in TABLES.values():
        if not is_partitioned(spec.table):
            continue
        report.created += ensure_ahead(spec.table, spec.column, now=now)
        report.moved[spec.table] = empty_default(spec.table, spec.column)
        if report.moved[spec.table]:
            logger.error(
                "%d rows were in %s: a month was missing",
                report.moved[spec.table], default_name(spec.table),
            )  # fmt: skip
    if detaching:
        for table, month in due_for_detach(now):
            detach(table, month, now=now)
            report.detached.append(partition_name(table, month))
    return report


def status(now: datetime.datetime | None = None) -> list[dict[str, Any]]:
    """Each declared table: partitioned or not, its months, those ahead, its DEFAULT rows."""
    rows = []
    for spec in TABLES.values():
        parted = is_partitioned(spec.table)
        months = months_of(spec.table) if parted else []
        rows.append({
            "table": spec.table,
            "partitioned": parted,
            "first": f"{months[0]:%Y-%m}" if months else "",
            "last": f"{months[-1]:%Y-%m}" if months else "",
            "partitions": len(months),
            "ahead": ahead_count(spec.table, now) if parted else 0,
            "default_rows": default_rows(spec.table) if parted else 0,
            "minimum_months": spec.minimum_months,
            "retention_months": retention_of(spec),
        })  # fmt: skip
    return rows


@task()
def maintain_partitions_task() -> list[str]:
    """The scheduler's daily run of `maintain()` (nothing on SQLite)."""
    return maintain().lines()


def register() -> None:
    """The daily job and the gauge `nuanjia_partitions_ahead` (CoreConfig.ready)."""
    from .observability import register_gauge
    from .schedule import DAILY, Job
    from .schedule import register as register_jobs

    register_jobs(
        Job(JOB, maintain_partitions_task, DAILY, 2,
            "Create the monthly partitions ahead, empty the DEFAULT ones, detach past retention."),
    )  # fmt: skip
    register_gauge(
        "partitions_ahead",
        "Monthly partitions after the current month, by table (PostgreSQL; 0 needs the job).",
        partitions_ahead,
        label="table",
    )


# -- nuanjia partitions ----------------------------------------------------------------------


def _parse_month(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%Y-%m").date()
    except ValueError as error:
        raise RetentionRefused(f"--month must be YYYY-MM, not {text!r}") from error


def run_command(
    command: str, *, dry_run: bool = False, table: str = "", month: str = ""
) -> tuple[list[str], int]:
    """`nuanjia partitions status|ahead|detach`: the lines to print and the exit status."""
    if not is_postgres():
        return ["SQLite keeps plain tables: no partitions to look after."], 0
    if command == "status":
        return [
            f"{row['table']:22} {'partitioned' if row['partitioned'] else 'PLAIN':11} "
            f"{row['first'] or '-':>7} … {row['last'] or '-':7} {row['partitions']:3} months, "
            f"{row['ahead']} ahead, default {row['default_rows']} rows, minimum "
            f"{row['minimum_months']} months, retention {row['retention_months'] or 'off'}"
            for row in status()
        ], 0
    if command == "ahead":
        report = maintain(detaching=False)
        found = sum(report.moved.values())
        lines = report.lines() or ["every table has its months ahead; DEFAULT partitions empty"]
        return lines, 1 if found else 0
    return _run_detach(dry_run=dry_run, table=table, month=month)


def _run_detach(*, dry_run: bool, table: str, month: str) -> tuple[list[str], int]:
    try:
        if table or month:
            if table not in TABLES or not month:
                raise RetentionRefused(f"--table must be one of {', '.join(TABLES)}, with --month")
            wanted = [(table, _parse_month(month))]
            reason = may_detach(TABLES[table], wanted[0][1])
            if reason:
                raise RetentionRefused(reason)
        else:
            wanted = due_for_detach()
        if dry_run:
            return [f"would detach {partition_name(t, m)}" for t, m in wanted] or [
                "nothing past its retention"
            ], 0
        return [f"detached {partition_name(t, m)} ({detach(t, m)} rows)" for t, m in wanted] or [
            "nothing past its retention"
        ], 0
    except RetentionRefused as refused:
        return [f"REFUSED: {refused}"], 1
