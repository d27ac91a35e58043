"""Run every bench N times at full size and set each figure's median ratio beside the baseline.

    .venv/bin/python bench/compare.py                 # 3 runs of every bench (`make bench-compare`)
    .venv/bin/python bench/compare.py --runs 1 ledger subtree
    .venv/bin/python bench/compare.py --markdown      # also print the rows for docs/bench-baseline.md

The baseline is the table in docs/bench-baseline.md (columns: bench, figure, the runs' ratios,
median, date, commit). A ratio is the bench's figure against its own floor measured in the
same run, higher is better (1.0 = as fast as the floor). A figure is flagged WORSE when its
median ratio is below the baseline's median by more than --tolerance (a fraction, default 0:
any drop; the machine's noise is yours to judge). Figures without a floor print no ratio and
are not compared. The exit status is 1 when a bench failed or a figure is worse.
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import subprocess
import sys
from pathlib import Path

import suite

BASELINE = suite.HERE.parent / "docs" / "bench-baseline.md"


def read_baseline(path: Path) -> dict[tuple[str, str], float]:
    """(bench, figure) → median ratio, from the markdown table's rows whose median is a number."""
    medians = {}
    if not path.exists():
        return medians
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip().strip("`") for cell in line.strip().strip("|").split("|")]
        if len(cells) < 6 or not line.lstrip().startswith("|"):
            continue
        try:
            medians[(cells[0], cells[1])] = float(cells[5])
        except ValueError:
            continue  # the header, the rule, or a row without a median
    return medians


def collect(benches: list[suite.Bench], runs: int) -> tuple[dict, list[str]]:
    """{(bench, figure): [ratio per run]} over `runs` full-size runs of each bench, and the
    failures."""
    ratios: dict[tuple[str, str], list[float]] = {}
    failures = []
    for bench in benches:
        for number in range(1, runs + 1):
            outcome = suite.run(bench, smoke=False, echo=False)
            print(
                f"# {bench.name} run {number}/{runs}: {outcome.seconds:.0f} s, "
                f"exit {outcome.returncode}, {len(outcome.lines)} BENCH lines",
                flush=True,
            )
            if not outcome.passed:
                failures.append(f"{bench.name} run {number} (exit {outcome.returncode})")
                break
            for line in outcome.lines:
                fields = suite.parse(line)
                if "ratio" in fields:
                    ratios.setdefault((bench.name, fields["name"]), []).append(
                        float(fields["ratio"])
                    )
    return ratios, failures


def verdict(median: float, baseline: float | None, tolerance: float) -> str:
    if baseline is None:
        return "no baseline"
    if median < baseline * (1 - tolerance):
        return "WORSE"
    return "ok"


def print_comparison(ratios: dict, baseline: dict, tolerance: float) -> int:
    """Print one row per figure; return how many are worse than their baseline or missing."""
    worse = 0
    print(
        f"{'bench':<16} {'figure':<34} {'ratios':<24} {'median':>7} {'baseline':>8} {'change':>7}"
    )
    for (bench, figure), values in ratios.items():
        median = statistics.median(values)
        base = baseline.get((bench, figure))
        change = f"{(median / base - 1) * 100:+.0f}%" if base else "—"
        said = verdict(median, base, tolerance)
        worse += said == "WORSE"
        shown = " ".join(f"{value:.3f}" for value in values)
        print(
            f"{bench:<16} {figure:<34} {shown:<24} {median:>7.3f} "
            f"{base if base is not None else '—':>8} {change:>7}  {said}"
        )
    measured = {bench for bench, _figure in ratios}
    for bench, figure in sorted(set(baseline) - set(ratios)):
        if bench in measured:
            print(f"{bench:<16} {figure:<34} {'(not printed in this run)':<24}  MISSING")
            worse += 1
    return worse


def markdown_rows(ratios: dict, runs: int) -> str:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        cwd=suite.HERE.parent,
    ).stdout.strip()
    today = datetime.date.today().isoformat()
    rows = []
    for (bench, figure), values in ratios.items():
        cells = [f"{value:.3f}" for value in values] + ["—"] * (max(runs, 3) - len(values))
        median = statistics.median(values)
        rows.append(
            f"| {bench} | {figure} | {' | '.join(cells)} | {median:.3f} | {today} | {commit} |"
        )
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each bench (default 3)")
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    parser.add_argument("--tolerance", type=float, default=0.0, help="allowed drop, e.g. 0.1")
    parser.add_argument("--markdown", action="store_true", help="print baseline table rows too")
    parser.add_argument("names", nargs="*", help="benches to run (default: all)")
    args = parser.parse_args()
    ratios, failures = collect(suite.selected(args.names), args.runs)
    worse = print_comparison(ratios, read_baseline(args.baseline), args.tolerance)
    if args.markdown:
        print(markdown_rows(ratios, args.runs))
    for failure in failures:
        print(f"FAILED: {failure}")
    print(f"{worse} figure(s) worse than the baseline or missing, {len(failures)} bench(es) failed")
    return 1 if worse or failures else 0


if __name__ == "__main__":
    sys.exit(main())
