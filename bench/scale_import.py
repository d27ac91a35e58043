"""The 1,000,000-worker import on PostgreSQL against a bare COPY of the same rows (issue 21).

The import is bench/import_workers.py's, unchanged: the same sheet (about 1% of its rows bad),
imported by the province's caseworker with the CLI in valid-rows mode, error sheet included;
its wall time, Django's start-up included, is `import_workers_pg_1m_seconds`.

The floor is PostgreSQL's own bulk path: the rows the import wrote (read back from
people_worker, ids and encrypted values included, into a file first) loaded with one
`COPY … FROM STDIN` into a table with people_worker's columns, defaults and indexes
(`LIKE people_worker INCLUDING DEFAULTS INCLUDING INDEXES`, no foreign keys), in one
transaction; the COPY and its commit are timed. `import_workers_pg_ratio` = the import's
rows per second ÷ the COPY's.

    createdb -h 127.0.0.1 -U postgres bench_import
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_import .venv/bin/python bench/scale_import.py

On SQLite there is no COPY: the floor is import_workers.py's executemany into the same
equivalent table, and the run only keeps the script working (the figures are PostgreSQL's).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
import import_workers


def copy_floor_seconds(name: str, scratch: Path) -> tuple[float, int]:
    """Time one COPY of people_worker's rows into `name` (and its commit); (seconds, rows)."""
    from django.db import connection

    from nuanjia.people.models import Worker

    columns = ", ".join(
        connection.ops.quote_name(field.column) for field in Worker._meta.concrete_fields
    )
    raw = connection.connection
    read_back = f"COPY (SELECT {columns} FROM people_worker ORDER BY id) TO STDOUT"
    with raw.cursor() as cursor, scratch.open("wb") as out, cursor.copy(read_back) as copy:
        for block in copy:
            out.write(block)
    raw.commit()
    written = sum(1 for _line in scratch.open("rb"))
    start = time.perf_counter()
    load = f"COPY {name} ({columns}) FROM STDIN"
    with raw.cursor() as cursor, scratch.open("rb") as source, cursor.copy(load) as copy:
        while block := source.read(1 << 20):
            copy.write(block)
    raw.commit()
    return time.perf_counter() - start, written


def main() -> None:
    args = harness.arguments(__doc__, default_rows=1_000_000)
    vendor = harness.setup("bench_scale_import.sqlite3")
    from django.conf import settings

    from nuanjia.people.models import ImportBatch, Worker

    import_workers.clear_registry()
    _province, _importer, unions = import_workers.populate()
    sheet = Path(settings.VAR_DIR) / "bench_scale_import.csv"
    bad = import_workers.in_child_process(import_workers.write_sheet, sheet, args.rows, unions)
    print(f"# {vendor}: {args.rows:,} rows in the sheet, bad rows: {bad}", flush=True)

    seconds, peak, _output = import_workers.import_with_the_cli(
        sheet, sheet.with_suffix(".errors.xlsx")
    )
    batch = ImportBatch.objects.latest("pk")
    assert batch.status == ImportBatch.Status.DONE, batch.sheet_errors
    assert Worker.objects.count() == batch.created
    print(
        f"# import: {batch.total:,} rows read, {batch.created:,} created, {batch.errors:,} "
        f"with errors in {seconds:.1f} s (peak Pss {peak:.0f} MB)",
        flush=True,
    )

    import_workers.equivalent_table("bench_floor_worker", indexes=True)
    if vendor == "postgresql":
        floor, written = copy_floor_seconds("bench_floor_worker", sheet.with_suffix(".copy"))
        how = "one COPY"
    else:
        floor, written = import_workers.floor_seconds("bench_floor_worker")
        how = "executemany (SQLite has no COPY)"
    print(f"# floor: {written:,} rows by {how} into an equally indexed table in {floor:.2f} s")
    rate, floor_rate = args.rows / seconds, written / floor
    harness.report("import_workers_pg_1m_seconds", seconds, "s", floor)
    harness.report("import_workers_pg_rows_per_s", rate, "rows/s", floor_rate)
    harness.report("import_workers_pg_ratio", rate / floor_rate, "ratio")


if __name__ == "__main__":
    sys.exit(main())
