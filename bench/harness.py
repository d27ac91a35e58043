"""The shared bench harness: set up Django on a bench database, time things, print BENCH lines.

Every figure is printed as one line

    BENCH name=<name> value=<number> unit=<unit> floor=<number> ratio=<number>

where `floor` is the same work done the plainest way (usually bare SQL on the same rows)
measured in the same run, and `ratio` says how close we are to it: floor ÷ value for
times (lower is better), value ÷ floor for rates (higher is better). 1.0 means as fast as
the floor; 0.5 means twice as slow.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RATE_UNITS = {"rows/s", "req/s", "ops/s", "x"}  # higher is better (x: a speedup)


def setup(default_sqlite: str = "bench.sqlite3", *, fresh: bool = True, alone: bool = True) -> str:
    """Point Django at the bench database (DATABASE_URL, else var/<default_sqlite>) and migrate.

    Returns the database vendor ("sqlite" or "postgresql"). A bench's own worker processes
    pass `alone=False` (and `fresh=False`): they share the run's database.
    """
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if alone:
        _hold_alone(ROOT / "var" / f"{default_sqlite}.lock")
    if not os.environ.get("DATABASE_URL"):
        path = ROOT / "var" / default_sqlite
        path.parent.mkdir(exist_ok=True)
        if fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(_migrated_template(), path)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    return connection.vendor


_HELD = []  # the lock files held for this process's life


def _hold_alone(lock: Path) -> None:
    """Refuse to run beside another run of the same bench in this checkout: the second one
    would delete and rebuild the database under the first (two runs writing one ledger
    collide on its primary keys)."""
    lock.parent.mkdir(exist_ok=True)
    handle = lock.open("w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise SystemExit(f"another run of this bench is using its database ({lock})") from None
    _HELD.append(handle)


def _migrated_template() -> Path:
    """A freshly migrated SQLite database, made once per state of the migrations and copied
    for each bench: migrating from nothing takes a minute on a busy machine, and is no part of
    any figure (the copy still goes through `migrate` below, which then has nothing to do)."""
    migrations = sorted((ROOT / "nuanjia").glob("*/migrations/*.py"))
    digest = hashlib.sha1()
    for migration in migrations:
        digest.update(str(migration.relative_to(ROOT)).encode())
        digest.update(migration.read_bytes())
    template = ROOT / "var" / f"bench_template_{digest.hexdigest()[:12]}.sqlite3"
    if not template.exists():
        for stale in template.parent.glob("bench_template_*.sqlite3"):
            stale.unlink(missing_ok=True)
        # Migrated by a child process (this one must not set Django up on another
        # database), into a temporary name renamed at the end, so benches started side by
        # side never copy a half-made template.
        partial = template.with_name(f"{template.name}.{os.getpid()}.partial")
        environment = {**os.environ, "DATABASE_URL": f"sqlite:///{partial}"}
        environment.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
            cwd=ROOT,
            env=environment,
            check=True,
        )
        with closing(sqlite3.connect(partial)) as database:  # everything into the one file
            database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            database.execute("PRAGMA journal_mode=DELETE")
        os.replace(partial, template)
    return template


def arguments(description: str, default_rows: int) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--rows", type=int, default=default_rows, help=f"data size (default {default_rows:,})"
    )
    return parser.parse_args()


def ratio(value: float, floor: float, unit: str) -> float:
    if unit in RATE_UNITS:
        return value / floor if floor else 0.0
    return floor / value if value else 0.0


def report(name: str, value: float, unit: str, floor: float | None = None) -> str:
    """Print (and return) one BENCH line."""
    line = f"BENCH name={name} value={value:.4g} unit={unit}"
    if floor is not None:
        line += f" floor={floor:.4g} ratio={ratio(value, floor, unit):.3f}"
    print(line, flush=True)
    return line


@contextmanager
def stopwatch() -> Iterator[dict]:
    """`with stopwatch() as clock: …` then clock["seconds"]."""
    clock = {"seconds": 0.0}
    start = time.perf_counter()
    try:
        yield clock
    finally:
        clock["seconds"] = time.perf_counter() - start


def p95_ms(fn: Callable[[int], object], repeats: int) -> float:
    """The 95th percentile latency of fn(i) over `repeats` calls, in milliseconds."""
    samples = []
    for i in range(repeats):
        start = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.quantiles(samples, n=20)[-1]
