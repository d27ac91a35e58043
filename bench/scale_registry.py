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

The load of ten million rows takes a while (tens of minutes on two cores): its ID and name
samples are kept in var/ under the database's name, and `--reuse` measures again on the
registry already loaded (for a quiet machine after a busy load). On SQLite the run only keeps
the script working: the figures are PostgreSQL's.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
import search_workers


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000_000, help="data size (10,000,000)")
    parser.add_argument(
        "--reuse", action="store_true", help="measure on the registry an earlier run loaded"
    )
    return parser.parse_args()


def loaded_samples(args: argparse.Namespace, vendor: str) -> list[tuple[str, str]]:
    """Generate the registry (and keep its samples), or read the samples of the last load."""
    from django.db import connection

    name = Path(str(connection.settings_dict["NAME"])).name
    kept = harness.ROOT / "var" / f"scale_registry_samples_{name}.json"
    if args.reuse and kept.exists():
        print("# reusing the registry loaded before", flush=True)
        return [tuple(pair) for pair in json.loads(kept.read_text())]  # type: ignore[misc]
    search_workers.clear()
    with harness.stopwatch() as clock:
        samples = search_workers.populate(args.rows)
    print(f"# {vendor}: {args.rows:,} workers generated in {clock['seconds']:.0f} s", flush=True)
    kept.write_text(json.dumps(samples))
    return samples


def main() -> None:
    args = arguments()
    vendor = harness.setup("bench_scale_registry.sqlite3", fresh=not args.reuse)
    search_workers.measure(
        loaded_samples(args, vendor),
        names=("registry_10m_id_lookup_p95_ms", "registry_10m_name_search_p95_ms"),
    )


if __name__ == "__main__":
    sys.exit(main())
