"""Run every bench in bench/ once, at full size or at the small smoke size, and check it.

    .venv/bin/python bench/suite.py            # every bench at full size (`make bench`)
    .venv/bin/python bench/suite.py --smoke    # every bench at a small size, a few minutes (`make bench-smoke`)
    .venv/bin/python bench/suite.py --smoke ledger subtree   # only these

A bench passes when it exits 0 and prints at least one BENCH line. Each bench's output is
echoed as it runs; a summary with the wall time of each follows. The exit status is 1 when
any bench failed. bench/compare.py uses the same table to run the benches at full size
several times and set their ratios beside docs/bench-baseline.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Bench:
    name: str  # the script bench/<name>.py
    smoke: tuple[str, ...]  # its arguments at the smoke size (full size: no arguments)
    postgres_only: bool = False  # skipped, with its reason, when DATABASE_URL is not PostgreSQL


# Cheapest first. The smoke sizes keep each bench to seconds while still running every step.
BENCHES = (
    Bench("subtree", ("--rows", "2000")),
    Bench("search_workers", ("--rows", "2000")),
    Bench("pages", ("--rows", "2000")),
    Bench("ledger", ("--rows", "2000")),
    Bench("scale_audit", ("--rows", "20")),
    Bench("scale_registry", ("--rows", "2000")),
    Bench("scale_import", ("--rows", "2000")),
    Bench("payment_batch", ("--rows", "500")),
    Bench("hotline_load", ("--seconds", "3", "--floor-seconds", "3")),
    # The same load on PostgreSQL (issue 21 item 4): skipped, with its reason, on SQLite.
    Bench("scale_hotline", ("--smoke",), postgres_only=True),
    Bench("members", ("--rows", "2000", "--seconds", "3", "--floor-seconds", "3")),
    Bench("reassess", ("--rows", "2000")),
    Bench("stations", ("--rows", "600")),
    Bench("import_workers", ("--rows", "2000")),
    Bench("campaigns", ("--rows", "5000")),
    Bench("mutualaid", ("--rows", "2000")),
    Bench("enterprises", ("--rows", "3000", "--leases", "500")),
    Bench(
        "partners",
        ("--rows", "2000", "--scanned", "600", "--seconds", "3", "--floor-seconds", "3"),
    ),
    Bench("produce", ("--rows", "20000")),
    Bench("services", ("--rows", "120")),
    Bench("reports", ("--rows", "6000")),
    Bench(
        "benefits",
        (
            "--rows",
            "2000",
            "--members",
            "800",
            "--hot",
            "20",
            "--seconds",
            "3",
            "--floor-seconds",
            "3",
            "--settle-rows",
            "20000",
            "--merchants",
            "20",
        ),
    ),
    # Two app nodes behind nginx (issue 22): PostgreSQL only, its own step in CI (make bench-soak).
    Bench("scale_soak", ("--seconds", "60"), postgres_only=True),
)


@dataclass
class Outcome:
    bench: str
    returncode: int
    seconds: float
    lines: list[str]  # the BENCH lines printed
    skipped: str = ""  # why it did not run

    @property
    def passed(self) -> bool:
        return self.returncode == 0 and (bool(self.lines) or bool(self.skipped))


def selected(names: list[str]) -> list[Bench]:
    known = {bench.name: bench for bench in BENCHES}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise SystemExit(f"unknown bench: {', '.join(unknown)} (known: {', '.join(known)})")
    return [known[name] for name in names] if names else list(BENCHES)


def run(bench: Bench, *, smoke: bool, echo: bool = True) -> Outcome:
    """Run one bench in its own process with this interpreter; collect its BENCH lines."""
    if bench.postgres_only and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        reason = "needs PostgreSQL (DATABASE_URL=postgres://…)"
        print(f"  skipped: {reason}", flush=True)
        return Outcome(bench.name, 0, 0.0, [], skipped=reason)
    command = [sys.executable, str(HERE / f"{bench.name}.py"), *(bench.smoke if smoke else ())]
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=HERE.parent
    )
    lines = []
    for line in process.stdout:
        if echo:
            print(f"  {line}", end="", flush=True)
        if line.startswith("BENCH "):
            lines.append(line.strip())
    process.wait()
    return Outcome(bench.name, process.returncode, time.perf_counter() - started, lines)


def parse(line: str) -> dict[str, str]:
    """`BENCH name=x value=1 unit=s floor=2 ratio=0.5` → {"name": "x", "value": "1", …}."""
    return dict(field.split("=", 1) for field in line.split()[1:])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="the small sizes, for CI")
    parser.add_argument("names", nargs="*", help="benches to run (default: all)")
    args = parser.parse_args()
    outcomes = []
    for bench in selected(args.names):
        size = " ".join(bench.smoke) if args.smoke else "full size"
        print(f"== bench/{bench.name}.py ({size})", flush=True)
        outcomes.append(run(bench, smoke=args.smoke))
    print("== summary")
    for outcome in outcomes:
        verdict = "ok" if outcome.passed else f"FAILED (exit {outcome.returncode})"
        if outcome.skipped:
            verdict = f"skipped: {outcome.skipped}"
        elif outcome.returncode == 0 and not outcome.lines:
            verdict = "FAILED (no BENCH line)"
        print(f"  {outcome.bench:<16} {outcome.seconds:7.1f} s  {verdict}")
    print(f"  {'total':<16} {sum(o.seconds for o in outcomes):7.1f} s")
    return 0 if all(outcome.passed for outcome in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
