"""Audited writers in different cities in parallel: one audit chain per city.

Four writer processes each post the same number of ledger receipts (`funds.services.receive`:
the chain lock, the account lock, the transaction, its entries and its audit event, one
commit each) into the accounts of four county unions:

- apart: the four counties lie in four different cities, so in four audit chains;
- together: the four counties lie in one city, so in one chain (each writer still has its
  own account: only the chain is shared).

`audit_parallel_speedup` = the apart rate ÷ the together rate. The floor is the same speedup
with every event in one chain for everything (`NUANJIA_AUDIT_CHAIN_DEPTH=0`, the design
before chains were split), measured in the same run: there the counties' cities do not
matter and the speedup stays near 1. PostgreSQL's defaults stay on (fsync and
synchronous_commit), so each commit waits for its WAL flush: the flush time
`pg_test_fsync` measures on this disk is printed beside the figure.

    createdb -h 127.0.0.1 -U postgres bench_audit
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_audit .venv/bin/python bench/scale_audit.py

On SQLite every writer waits for the one database write lock, so the speedup is about 1
there: the figure is PostgreSQL's, the SQLite run only keeps the script working.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness

WRITERS = 4
PG_TEST_FSYNC = Path("/usr/lib/postgresql/15/bin/pg_test_fsync")


def prepare() -> dict[str, list[str]]:
    """The bench staff and the counties: four in four cities, four in one city."""
    from nuanjia.orgs.models import Org, Staff
    from nuanjia.orgs.rules import Role
    from nuanjia.orgs.services import load_union_tree, set_roles

    load_union_tree()
    province = Org.objects.get(code="410000")
    staff, _created = Staff.objects.get_or_create(
        username="bench_audit", defaults={"org": province, "full_name": "bench"}
    )
    set_roles(staff, {Role.FINANCE}, by=None)
    cities = Org.objects.filter(parent=province, kind=Org.Kind.CITY).order_by("code")
    by_city = {
        city.code: list(
            Org.objects.filter(parent=city, kind=Org.Kind.COUNTY)
            .order_by("code")
            .values_list("code", flat=True)
        )
        for city in cities
    }
    crowded = next(codes for codes in by_city.values() if len(codes) >= WRITERS)
    apart = [codes[0] for codes in by_city.values() if codes][:WRITERS]
    if len(apart) < WRITERS:
        raise SystemExit("the union tree has fewer than four cities with counties")
    return {"apart": apart, "together": crowded[:WRITERS]}


def write(county_code: str, count: int) -> None:
    """One writer: wait for "go" on stdin, post `count` receipts, print its start and end."""
    from nuanjia.funds.models import Earmark
    from nuanjia.funds.services import receive
    from nuanjia.orgs.models import Org, Staff

    county = Org.objects.get(code=county_code)
    earmark = Earmark.objects.order_by("sort_order").first()
    staff = Staff.objects.get(username="bench_audit")
    receive(county, earmark, 1, source="本级经费", by=staff)  # warm: account, statements
    print("ready", flush=True)
    sys.stdin.readline()
    started = time.time()
    for _ in range(count):
        receive(county, earmark, 100, source="本级经费", by=staff)
    print(json.dumps({"started": started, "ended": time.time()}), flush=True)


def run_writers(counties: list[str], count: int, depth: int) -> float:
    """Start a writer per county (chains split at `depth`), release them together, and
    return the postings per second of them all."""
    environment = {**os.environ, "NUANJIA_AUDIT_CHAIN_DEPTH": str(depth)}
    writers = [
        subprocess.Popen(
            [sys.executable, __file__, "--writer", county, "--rows", str(count)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=environment,
        )
        for county in counties
    ]
    for writer in writers:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    for writer in writers:
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    spans = []
    for writer in writers:
        out, _err = writer.communicate(timeout=3600)
        if writer.returncode:
            raise SystemExit(f"a writer failed ({writer.returncode})")
        spans.append(json.loads(out.strip().splitlines()[-1]))
    wall = max(span["ended"] for span in spans) - min(span["started"] for span in spans)
    return count * len(counties) / wall


def speedup(counties: dict[str, list[str]], count: int, depth: int) -> tuple[float, float]:
    together = run_writers(counties["together"], count, depth)
    apart = run_writers(counties["apart"], count, depth)
    return apart, together


def fsync_microseconds() -> float | None:
    """The time of one 8 kB write and flush on the database's disk (pg_test_fsync's
    fdatasync line), None where the tool or the disk is not at hand."""
    data = Path("/var/lib/postgresql")
    if not PG_TEST_FSYNC.exists() or not data.is_dir():
        return None
    probe = data / f"pg_test_fsync.{os.getpid()}"  # the tool writes and removes it
    try:
        result = subprocess.run(
            [str(PG_TEST_FSYNC), "-s", "1", "-f", str(probe)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    finally:
        probe.unlink(missing_ok=True)
    found = re.search(r"^\s*fdatasync\s+[\d.]+ ops/sec\s+([\d.]+) usecs/op", result.stdout, re.M)
    return float(found.group(1)) if found else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1500, help="postings per writer")
    parser.add_argument("--writer", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.writer:
        harness.setup("bench_audit.sqlite3", fresh=False, alone=False)
        write(args.writer, args.rows)
        return
    vendor = harness.setup("bench_audit.sqlite3")
    counties = prepare()
    from django.db import connections

    connections.close_all()  # the writers are other processes
    floor_apart, floor_together = speedup(counties, args.rows, depth=0)
    apart, together = speedup(counties, args.rows, depth=2)
    harness.report("audit_writes_apart_per_s", apart, "ops/s", floor_apart)
    harness.report("audit_writes_together_per_s", together, "ops/s", floor_together)
    harness.report("audit_parallel_speedup", apart / together, "x", floor_apart / floor_together)
    flush = fsync_microseconds() if vendor == "postgresql" else None
    if flush is not None:
        harness.report("pg_commit_flush_us", flush, "us")
    print(f"# {vendor}: {WRITERS} writers × {args.rows} postings per run; floor: one chain")


if __name__ == "__main__":
    main()
