"""The worker registry at 10,000,000 on PostgreSQL: look-up by ID number and name search (issue 21).

bench/search_workers.py's registry and timings at ten times its size: the workers are
generated straight into the tables (valid Henan ID numbers with their real blind indexes and
encrypted tokens, pinyin keys and name suffix keys as the services write them) over 2,000
grassroots unions of every Henan county, loaded by COPY; then, as the province's caseworker,
- registry_10m_id_lookup_p95_ms: people.queries.find_worker_by_id_number, against a bare
  SELECT by the precomputed blind index;
- registry_10m_name_search_p95_ms: people.queries.search_workers' first page (names, given
  names, full pinyin and initials of registered workers), against the same index ranges in
  bare SQL, unscoped.

    createdb -h 127.0.0.1 -U postgres bench_registry
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_registry .venv/bin/python bench/scale_registry.py

The load of ten million rows takes a while (tens of minutes on two cores). On SQLite the run
only keeps the script working: the figures are PostgreSQL's.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
import search_workers


def main() -> None:
    args = harness.arguments(__doc__, default_rows=10_000_000)
    vendor = harness.setup("bench_scale_registry.sqlite3")
    search_workers.clear()
    with harness.stopwatch() as clock:
        samples = search_workers.populate(args.rows)
    print(f"# {vendor}: {args.rows:,} workers generated in {clock['seconds']:.0f} s", flush=True)
    search_workers.measure(
        samples, names=("registry_10m_id_lookup_p95_ms", "registry_10m_name_search_p95_ms")
    )


if __name__ == "__main__":
    sys.exit(main())
