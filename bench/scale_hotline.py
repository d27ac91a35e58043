"""The public 12351 intake on PostgreSQL (issue 21 item 4): bench/hotline_load.py's load.

The same run as bench/hotline_load.py, through its functions: a fresh bench database with the
union tree, `nuanjia serve` (gunicorn, production settings, DEBUG off) on loopback, and a
separate load-generator process posting to `/api/v1/hotline/public/tickets`, each request
with its own phone and text; the floor is `/healthz` through the same middleware on the same
server, in the same run. Afterwards every accepted submission (201) must be stored.

Figures: `hotline_pg_submissions_per_s` (floor: healthz requests/s), `hotline_pg_p99_ms`
(floor: healthz p99), `hotline_pg_lost`. Targets: ≥ 350/s, p99 ≤ 100 ms, 0 lost.

    createdb -h 127.0.0.1 -U postgres bench_hotline_pg
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_hotline_pg .venv/bin/python bench/scale_hotline.py
    … --smoke     # 3 s of load and of floor (bench/suite.py --smoke)

Without a PostgreSQL DATABASE_URL it prints why and exits 0 without figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
import hotline_load as load

ROOT = Path(__file__).resolve().parent.parent


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--floor-seconds", type=float, default=None)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=None, help="default: as `nuanjia serve`")
    parser.add_argument("--threads", type=int, default=None, help="default: as `nuanjia serve`")
    parser.add_argument("--smoke", action="store_true", help="3 s of load and of floor")
    return parser.parse_args()


def measure(args: argparse.Namespace, run: str) -> tuple[dict, dict, int, int]:
    """Warm up, then the floor and the load against one server: (floor, load, workers,
    threads)."""
    from nuanjia.cli import default_threads, default_workers

    workers, threads = args.workers or default_workers(), args.threads or default_threads()
    port = load._free_port()
    server = load.start_server(
        port, workers, threads, ROOT / "var" / "bench_scale_hotline_server.log"
    )
    try:
        load._wait_ready(port)
        load.run_generator(port, load.FLOOR_PATH, 2, args.concurrency, run + "-warm")
        load.run_generator(port, load.SUBMIT_PATH, 2, args.concurrency, run + "-warm")
        floor = load.run_generator(port, load.FLOOR_PATH, args.floor_seconds, args.concurrency, run)
        figures = load.run_generator(port, load.SUBMIT_PATH, args.seconds, args.concurrency, run)
    finally:
        load.stop_server(server)
    return floor, figures, workers, threads


def main() -> None:
    args = arguments()
    if args.smoke:
        args.seconds, args.floor_seconds = 3.0, 3.0
    args.floor_seconds = args.floor_seconds or min(args.seconds, 20.0)
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print(
            "# scale_hotline skipped: it needs PostgreSQL (DATABASE_URL=postgres://…); "
            "bench/hotline_load.py measures the intake on SQLite",
            flush=True,
        )
        return
    harness.setup("bench_scale_hotline.sqlite3")
    from nuanjia.hotline.models import Ticket
    from nuanjia.orgs.services import load_union_tree

    load_union_tree()
    Ticket.objects.all().delete()
    run = f"scale-{int(time.time())}"
    floor, figures, workers, threads = measure(args, run)
    stored = Ticket.objects.filter(description__startswith=f"{run} ").count()
    print(
        f"# postgresql: {figures['requests']:,} submissions in {args.seconds:.0f} s with "
        f"{args.concurrency} connections, {workers} server workers × {threads} threads; "
        f"{stored:,} stored, {figures['merged']} merged, {figures['errors']} errors; floor "
        f"{floor['requests']:,} requests in {args.floor_seconds:.0f} s "
        f"(p50 {floor['p50_ms']:.1f} ms, p99 {floor['p99_ms']:.1f} ms)",
        flush=True,
    )
    harness.report("hotline_pg_submissions_per_s", figures["per_s"], "req/s", floor["per_s"])
    harness.report("hotline_pg_p99_ms", figures["p99_ms"], "ms", floor["p99_ms"])
    harness.report("hotline_pg_lost", figures["accepted"] - stored, "count")


if __name__ == "__main__":
    main()
