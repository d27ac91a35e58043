"""Set-based SQL for the fast paths: chunks, IN look-ups, executemany with quoted names, and
primary keys reserved before the rows that use them are inserted.

Why plain SQL: a payment batch or a ledger load writes 100,000 rows, and building that many
model instances (or ORM IN lookups) costs more in Python than the statements take in the
database. Every caller of these helpers has a test that its rows equal what the ORM path
writes. Table and column names are always quoted with connection.ops.quote_name; values are
always parameters.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

IN_CHUNK = 1000  # values per IN (…): well under SQLite's and PostgreSQL's parameter limits
WRITE_CHUNK = 5000  # rows per executemany call


def chunks(items: Sequence[Any], size: int = IN_CHUNK) -> Iterator[list[Any]]:
    """`items` in consecutive lists of at most `size`."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def select_in(sql: str, values: Sequence[Any], *, lock: bool = False) -> list[tuple[Any, ...]]:
    """Rows of `sql`, which ends in "… IN", for `values` in chunks, optionally locked (FOR
    UPDATE where the database has it; SQLite's write transaction already excludes others)."""
    suffix = " FOR UPDATE" if lock and connection.features.has_select_for_update else ""
    found: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for chunk in chunks(values):
            cursor.execute(f"{sql} ({', '.join(['%s'] * len(chunk))}){suffix}", chunk)
            found.extend(cursor.fetchall())
    return found


def json_value(value: Any) -> str:
    """A JSON column's parameter, as Django's JSONField writes it."""
    return json.dumps(value, ensure_ascii=False)


def insert_many(
    table: str,
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    json_columns: Iterable[str] = (),
) -> int:
    """INSERT `rows` (tuples in `columns` order) into `table` with executemany, in chunks.

    JSON columns take json_value() text; PostgreSQL casts it to jsonb. Returns the count."""
    casts = set(json_columns)
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    placeholders = ", ".join(f"%s{cast}" if column in casts else "%s" for column in columns)
    sql = (
        f"INSERT INTO {quoted(table)} ({', '.join(quoted(column) for column in columns)}) "  # noqa: S608 — names are ours, quoted
        f"VALUES ({placeholders})"
    )
    return execute_many(sql, rows)


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """INSERT `rows` (tuples in `columns` order, no JSON columns) into `table`: on PostgreSQL
    by one COPY … FROM STDIN (a stream, no statement per row: executemany costs a round trip
    a row there), elsewhere by `insert_many`. Returns the count."""
    if connection.vendor != "postgresql":
        return insert_many(table, columns, rows)
    count = 0
    names = ", ".join(quoted(column) for column in columns)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quoted(table)} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def update_many(
    table: str,
    set_columns: Sequence[str],
    where_columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> int:
    """UPDATE `table` once per row: the `set_columns` values, then the `where_columns` ones."""
    assignments = ", ".join(f"{quoted(column)} = %s" for column in set_columns)
    condition = " AND ".join(f"{quoted(column)} = %s" for column in where_columns)
    return execute_many(f"UPDATE {quoted(table)} SET {assignments} WHERE {condition}", rows)  # noqa: S608


def execute_many(sql: str, rows: Iterable[Sequence[Any]]) -> int:
    """executemany in chunks of WRITE_CHUNK rows; returns how many rows were passed."""
    count = 0
    with connection.cursor() as cursor:
        for chunk in chunks(list(rows), WRITE_CHUNK):
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def reserve_ids(table: str, count: int) -> list[int]:
    """`count` fresh primary keys of `table`, taken before inserting rows with them.

    PostgreSQL: nextval of the table's id sequence (a refused batch only leaves a gap).
    SQLite: max(id) + 1 … — safe only inside a transaction that holds the database's write
    lock (our transactions are IMMEDIATE, so nobody else can insert in between)."""
    if count <= 0:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {quoted(table)}")  # noqa: S608
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


@contextmanager
def sqlite_writers_queue(lock_name: str, *, unless_in_transaction: bool = False) -> Iterator[None]:
    """On SQLite, writers queue on the file lock var/<lock_name> before they ask for the
    database's write lock: a blocked flock wakes the moment it is free, where SQLite's busy
    handler sleeps in growing steps. Nothing on PostgreSQL (nor, with
    `unless_in_transaction`, inside a transaction already open)."""
    if connection.vendor != "sqlite" or (unless_in_transaction and connection.in_atomic_block):
        yield
        return
    path = Path(settings.VAR_DIR) / lock_name
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
