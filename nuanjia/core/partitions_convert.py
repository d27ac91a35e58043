"""Turning a plain table into a monthly-partitioned one and back (PostgreSQL only; ADR 0023).

Used by the apps' migrations through `core.partitions`. Both directions build the new table
beside the old one `LIKE` it (columns, defaults, CHECK constraints, the identity), move the
rows, drop the old table and take its name, then restore what `LIKE` does not carry: the
primary key and unique constraints (with the partition column added, or taken away again),
the plain indexes and the foreign keys out of the table. The identity goes on from the old
table's sequence. A foreign key *into* the table is refused: it would need a unique key
without the partition column, which a partitioned table cannot have (the model's field
becomes `db_constraint=False` first).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from .partitions import (
    add_months,
    ahead_months,
    current_month,
    default_name,
    is_partitioned,
    is_postgres,
    month_bound,
    partition_name,
)

_KEY = re.compile(r"^(PRIMARY KEY|UNIQUE) \((.*)\)$")


@dataclass
class _Shape:
    """What `CREATE TABLE … (LIKE …)` leaves behind."""

    keys: list[tuple[str, str, list[str]]] = field(default_factory=list)  # name, kind, columns
    indexes: list[str] = field(default_factory=list)  # CREATE INDEX statements
    foreign_keys: list[tuple[str, str]] = field(default_factory=list)  # name, definition
    columns: list[str] = field(default_factory=list)
    identity: str = ""  # the identity column
    sequence: str = ""  # its sequence
    next_value: int = 1


def _read_shape(cursor: Any, table: str) -> _Shape:
    shape = _Shape()
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f', 'x') ORDER BY conname",
        [table],
    )
    for name, kind, definition in cursor.fetchall():
        if kind == "f":
            shape.foreign_keys.append((name, definition))
            continue
        found = _KEY.match(definition)
        if found is None:
            raise RuntimeError(f"{table}: cannot carry the constraint {name} ({definition})")
        shape.keys.append((name, found[1], [c.strip() for c in found[2].split(",")]))
    cursor.execute(
        "SELECT pg_get_indexdef(indexrelid), indisunique FROM pg_index WHERE indrelid = "
        "%s::regclass AND indexrelid NOT IN (SELECT conindid FROM pg_constraint "
        "WHERE conrelid = %s::regclass)",
        [table, table],
    )
    for definition, unique in cursor.fetchall():
        if unique:
            raise RuntimeError(f"{table}: a unique index outside a constraint: {definition}")
        shape.indexes.append(definition.replace(" ON ONLY ", " ON "))
    cursor.execute(
        "SELECT attname, attidentity FROM pg_attribute WHERE attrelid = %s::regclass "
        "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        [table],
    )
    for name, identity in cursor.fetchall():
        shape.columns.append(name)
        shape.identity = name if identity else shape.identity
    if shape.identity:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, shape.identity])
        shape.sequence = cursor.fetchone()[0]
        cursor.execute(f"SELECT last_value, is_called FROM {shape.sequence}")  # noqa: S608
        last, called = cursor.fetchone()
        shape.next_value = last + 1 if called else last
    return shape


def _foreign_keys_into(cursor: Any, table: str) -> list[str]:
    cursor.execute(
        "SELECT conrelid::regclass::text || '.' || conname FROM pg_constraint "
        "WHERE confrelid = %s::regclass AND contype = 'f' AND conparentid = 0",
        [table],
    )
    return [name for (name,) in cursor.fetchall()]


def _months_to_cover(cursor: Any, table: str, column: str, ahead: int) -> list[datetime.date]:
    cursor.execute(f'SELECT min("{column}"), max("{column}") FROM "{table}"')  # noqa: S608
    oldest, newest = cursor.fetchone()
    last = add_months(current_month(), ahead)
    first = current_month(oldest) if oldest else current_month()
    if newest is not None:
        last = max(last, current_month(newest))
    months, month = [], min(first, current_month())
    while month <= last:
        months.append(month)
        month = add_months(month, 1)
    return months


def _swap(cursor: Any, table: str, new: str, shape: _Shape) -> None:
    """Move the rows into `new`, drop `table`, give `new` its name and the identity.
    Foreign-key checks pending in this transaction are made first (a table with pending
    trigger events cannot be dropped); Django's keys are deferred again after."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    columns = ", ".join(f'"{name}"' for name in shape.columns)
    cursor.execute(
        f'INSERT INTO "{new}" ({columns}) OVERRIDING SYSTEM VALUE '  # noqa: S608
        f'SELECT {columns} FROM "{table}"'
    )
    cursor.execute(f'DROP TABLE "{table}"')
    cursor.execute(f'ALTER TABLE "{new}" RENAME TO "{table}"')
    if shape.identity:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, shape.identity])
        cursor.execute(
            f"ALTER SEQUENCE {cursor.fetchone()[0]} RENAME TO {shape.sequence.split('.')[-1]}"
        )
        cursor.execute(
            f'ALTER TABLE "{table}" ALTER COLUMN "{shape.identity}" RESTART WITH %s',
            [shape.next_value],
        )
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _restore(cursor: Any, table: str, shape: _Shape, keys: dict[str, list[str]]) -> None:
    for name, kind, _columns in shape.keys:
        columns = ", ".join(keys[name])
        cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {kind} ({columns})')
    for statement in shape.indexes:
        cursor.execute(statement)
    for name, definition in shape.foreign_keys:
        cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')


_LIKE = "INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY INCLUDING GENERATED"


def convert_to_partitioned(
    connection: Any, table: str, column: str, *, ahead: int | None = None
) -> list[str]:
    """Make `table` partitioned by month on `column` (PostgreSQL; nothing on SQLite or when it
    already is); the primary key and unique constraints it had gain the column. Returns the
    constraints changed, as "name: (old) → (new)"."""
    if not is_postgres(connection) or is_partitioned(table, connection):
        return []
    new = f"{table}__parted"
    with connection.cursor() as cursor:
        into = _foreign_keys_into(cursor, table)
        if into:
            raise RuntimeError(f"foreign keys into {table} must go first: {', '.join(into)}")
        shape = _read_shape(cursor, table)
        cursor.execute(
            f'CREATE TABLE "{new}" (LIKE "{table}" {_LIKE}) PARTITION BY RANGE ("{column}")'
        )
        cursor.execute(f'CREATE TABLE "{default_name(table)}" PARTITION OF "{new}" DEFAULT')
        ahead = ahead_months() if ahead is None else ahead
        for month in _months_to_cover(cursor, table, column, ahead):
            cursor.execute(
                f'CREATE TABLE "{partition_name(table, month)}" PARTITION OF "{new}" '
                "FOR VALUES FROM (%s) TO (%s)",
                [month_bound(month), month_bound(add_months(month, 1))],
            )
        _swap(cursor, table, new, shape)
        keys = {
            name: [*cols, column] if column not in cols else cols for name, _, cols in shape.keys
        }
        _restore(cursor, table, shape, keys)
    return [
        f"{name}: ({', '.join(cols)}) → ({', '.join(keys[name])})" for name, _, cols in shape.keys
    ]


def convert_to_plain(connection: Any, table: str, column: str) -> None:
    """Undo `convert_to_partitioned`: a plain table with every row (the DEFAULT partition's
    too), its keys without the partition column. Detached partitions are left alone."""
    if not is_partitioned(table, connection):
        return
    new = f"{table}__plain"
    with connection.cursor() as cursor:
        shape = _read_shape(cursor, table)
        cursor.execute(f'CREATE TABLE "{new}" (LIKE "{table}" {_LIKE})')
        _swap(cursor, table, new, shape)
        keys = {name: [c for c in cols if c != column] for name, _, cols in shape.keys}
        _restore(cursor, table, shape, keys)


def partition_operation(table: str, column: str) -> Any:
    """The migration operation turning `table` into monthly partitions on `column` on
    PostgreSQL (and back when unapplied); nothing on SQLite."""
    from django.db import migrations

    def forward(apps: Any, schema_editor: Any) -> None:
        convert_to_partitioned(schema_editor.connection, table, column)

    def backward(apps: Any, schema_editor: Any) -> None:
        convert_to_plain(schema_editor.connection, table, column)

    return migrations.RunPython(forward, backward)
