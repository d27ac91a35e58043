"""The bench suite knows every bench, and compare.py reads the baseline the docs keep."""

import sys
from pathlib import Path

import pytest

BENCH_DIR = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH_DIR))

import compare  # noqa: E402
import suite  # noqa: E402

NOT_BENCHES = {"harness", "suite", "compare"}


def test_every_bench_script_runs_in_the_smoke_suite():
    scripts = {path.stem for path in BENCH_DIR.glob("*.py")} - NOT_BENCHES
    assert {bench.name for bench in suite.BENCHES} == scripts
    assert all(bench.smoke for bench in suite.BENCHES)


def test_the_baseline_has_a_median_for_every_bench():
    medians = compare.read_baseline(compare.BASELINE)
    table = compare.BASELINE.read_text(encoding="utf-8")
    for bench in suite.BENCHES:
        assert f"| {bench.name} |" in table, bench.name
    assert medians and all(value > 0 for value in medians.values())


def test_a_figure_below_its_baseline_is_flagged(capsys):
    ratios = {("ledger", "ledger_1m_post_seconds"): [0.30, 0.20, 0.25]}
    worse = compare.print_comparison(ratios, {("ledger", "ledger_1m_post_seconds"): 0.40}, 0.0)
    assert worse == 1
    assert "WORSE" in capsys.readouterr().out


@pytest.mark.parametrize(("median", "expected"), [(0.5, "ok"), (0.46, "ok"), (0.44, "WORSE")])
def test_the_tolerance_allows_a_small_drop(median, expected):
    assert compare.verdict(median, 0.5, tolerance=0.1) == expected


def test_a_bench_line_reads_as_its_fields():
    line = "BENCH name=x_seconds value=2 unit=s floor=1 ratio=0.500"
    assert suite.parse(line) == {
        "name": "x_seconds",
        "value": "2",
        "unit": "s",
        "floor": "1",
        "ratio": "0.500",
    }
