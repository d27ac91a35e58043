"""The temporary stage table of one import: creating it, filling it, the set-based final checks."""

# ruff: noqa: S608
# SQL text by design: only identifiers this package makes are interpolated (see merging).

import logging
import time
from collections.abc import Iterator
from typing import Any

from django.db import connection

from nuanjia.orgs.models import Org

from ..models import ImportBatch
from .preparing import RECORD, STAGE_COLUMNS, UNIT, PreparedChunk

logger = logging.getLogger("nuanjia.people.imports")


class StageTable:
    """The temporary stage table of one import and the SQL that checks it. `StageWrites`
    (writing) adds the statements that write the registry, `_Stage` (merging) the merge."""

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self.table = f"nuanjia_import_stage_{batch.pk}"
        self.numbers = f"nuanjia_import_numbers_{batch.pk}"
        self.masks = f"nuanjia_import_masks_{batch.pk}"
        self.vendor = connection.vendor
        self.is_postgresql = self.vendor == "postgresql"
        self.new_id = "s.worker_id" if self.is_postgresql else "(%(base_id)s + s.row_number)"

    # -- lifecycle ------------------------------------------------------------------------

    def create(self) -> None:
        worker_id = "bigint"
        if self.is_postgresql:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_get_serial_sequence('people_worker', 'id')")
                sequence = cursor.fetchone()[0]
            # Every staged row takes an id from the registry's own sequence as it is copied in,
            # so the merge needs no row-by-row UPDATE; rows that end as updates leave a gap.
            worker_id = f"bigint DEFAULT nextval('{sequence}')"
        types = {
            "row_number": "integer PRIMARY KEY",
            "has_error": "smallint NOT NULL",
            "occupation_mask": "bigint",
            "union_id": "bigint",
            "birth_date": "date",
            "joined_union_on": "date",
        }
        columns = [f"{name} {types.get(name, 'text')}" for name in STAGE_COLUMNS]
        columns += [
            "existing_id bigint",  # the registry's record of the same ID number
            f"worker_id {worker_id}",
            "outcome varchar(10)",  # 'updated', 'unchanged' or 'review', for existing records
            "name_changed smallint",
            "occupations_changed smallint",
        ]
        self.drop()
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {self.table} ({', '.join(columns)})")

    def drop(self) -> None:
        with connection.cursor() as cursor:
            for table in (self.table, self.numbers, self.masks):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")

    def write(self, prepared: PreparedChunk) -> None:
        """Append a chunk's rows: COPY on PostgreSQL, executemany on SQLite."""
        names = ", ".join(STAGE_COLUMNS)
        with connection.cursor() as cursor:
            if self.is_postgresql:
                if prepared.packed_count:
                    with cursor.cursor.copy(f"COPY {self.table} ({names}) FROM STDIN") as copy:
                        copy.write(prepared.packed)
                elif prepared.rows:
                    with cursor.cursor.copy(f"COPY {self.table} ({names}) FROM STDIN") as copy:
                        for row in prepared.rows:
                            copy.write_row(row)
            elif prepared.packed_count:
                # Packed values are text; "" is None (a staged value is never empty), and the
                # columns' integer affinity turns digits back into integers.
                marks = ", ".join(["NULLIF(%s, '')"] * len(STAGE_COLUMNS))
                packed = prepared.packed
                assert isinstance(packed, str)  # packed for SQLite: one text (pack_rows)
                rows = [record.split(UNIT) for record in packed.split(RECORD)]
                cursor.executemany(f"INSERT INTO {self.table} ({names}) VALUES ({marks})", rows)
            elif prepared.rows:
                marks = ", ".join(["%s"] * len(STAGE_COLUMNS))
                cursor.executemany(
                    f"INSERT INTO {self.table} ({names}) VALUES ({marks})", prepared.rows
                )

    # -- final checks -----------------------------------------------------------------------

    def index(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE INDEX {self.table}_id ON {self.table} (id_number_index, row_number)"
            )

    def repeated_rows(self) -> list[tuple[int, int]]:
        """(row, first row with the same ID number) for every later repeat in the file; those
        rows are flagged. One pass over the (ID, row) index with a window function."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT row_number, first_row FROM (
                        SELECT row_number, MIN(row_number) OVER (PARTITION BY id_number_index)
                               AS first_row
                        FROM {self.table}) ranked
                    WHERE row_number > first_row ORDER BY row_number"""
            )
            repeats = cursor.fetchall()
        self.flag([row for row, _first in repeats])
        return repeats

    def flag(self, rows: list[int]) -> None:
        """Mark rows as refused (errors found after staging)."""
        for start in range(0, len(rows), 500):
            part = rows[start : start + 500]
            self._execute(
                f"UPDATE {self.table} SET has_error = 1 "
                f"WHERE row_number IN ({', '.join(['%s'] * len(part))})",
                part,
            )

    def match_existing(self, *, registered_after: int | None = None) -> int:
        """Note the registry's record of each valid row's ID number (any union's); returns the
        highest worker id there was. With `registered_after`, only workers registered since
        (a higher id) are looked at: the merge's second look, which must be quick."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM people_worker")
            highest = cursor.fetchone()[0]
        if registered_after is not None and highest <= registered_after:
            return highest
        newer = "" if registered_after is None else f" AND w.id > {int(registered_after)}"
        self._execute(
            f"""UPDATE {self.table} AS s SET existing_id = w.id FROM people_worker AS w
                WHERE w.id_number_index = s.id_number_index AND NOT (w.id_number_index = '')
                AND s.has_error = 0{newer}"""
        )
        return highest

    def foreign_rows(self, org: Org) -> Iterator[tuple]:
        """Rows whose ID number is kept outside `org`'s subtree, or by a merged-away record:
        (row, name, masked ID, union name, union path); the rows are flagged as errors."""
        outside = "NOT (o.path >= %s AND o.path < %s) OR w.merged_into_id IS NOT NULL"
        bounds = [org.path, org.path[:-1] + "0"]
        yield from self._fetch(
            f"""SELECT s.row_number, w.name, w.id_number_masked, o.name, o.path, w.merged_into_id
                FROM {self.table} s JOIN people_worker w ON w.id = s.existing_id
                JOIN orgs_org o ON o.id = w.org_id
                WHERE s.has_error = 0 AND ({outside}) ORDER BY s.row_number""",
            bounds,
        )
        self._execute(
            f"""UPDATE {self.table} SET has_error = 1 WHERE has_error = 0 AND EXISTS (
                    SELECT 1 FROM people_worker w JOIN orgs_org o ON o.id = w.org_id
                    WHERE w.id = {self.table}.existing_id AND ({outside}))""",
            bounds,
        )

    def employers_named(self) -> list[tuple[str | None, str | None, str | None]]:
        """(credit code, name, a region code) of each employer the valid rows name: one pass."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT employer_credit_code, employer_name, MIN(region_code) FROM {self.table}
                    WHERE has_error = 0
                    AND (employer_credit_code IS NOT NULL OR employer_name IS NOT NULL)
                    GROUP BY employer_credit_code, employer_name"""
            )
            return cursor.fetchall()

    def rows_naming_no_employer(self, codes: list[str]) -> list[int]:
        """Valid rows giving one of these credit codes without an employer name."""
        rows: list[int] = []
        for start in range(0, len(codes), 500):
            part = codes[start : start + 500]
            with connection.cursor() as cursor:
                cursor.execute(
                    f"""SELECT row_number FROM {self.table}
                        WHERE has_error = 0 AND employer_name IS NULL
                        AND employer_credit_code IN ({", ".join(["%s"] * len(part))})""",
                    part,
                )
                rows += [row for (row,) in cursor.fetchall()]
        return sorted(rows)

    def valid_count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {self.table} WHERE has_error = 0")
            return cursor.fetchone()[0]

    # -- helpers ------------------------------------------------------------------------------

    def _execute(self, sql: str, params: Any = None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def _fetch(self, sql: str, params: Any = None, size: int = 2000) -> Iterator[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(size):
                yield from rows


def _batches(values: list, size: int = 500) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


class _timed:
    """Log how long a step took (logger people.imports at INFO: the bench and operators read it)."""

    def __init__(self, step: str):
        self.step = step

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc_info):
        logger.info("%s: %.2f s", self.step, time.perf_counter() - self.start)
        return False
