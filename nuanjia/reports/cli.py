"""`nuanjia reports rebuild|refresh|check`: the facts kept by hand, printing what was done."""

from __future__ import annotations

import datetime

from nuanjia.core import clock

from . import services


def _day(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def rebuild_cli(first: str | None, last: str | None, codes: list[str]) -> int:
    """Rebuild [first, last] (by default from the first day of any row to today)."""
    start = _day(first) or services.earliest_day(codes or None)
    end = _day(last) or clock.today()
    if start is None:
        print("no rows to build facts from")
        return 0
    if end < start:
        print(f"--to {end} is before --from {start}")
        return 2
    written = services.rebuild(start, end, codes=codes or None)
    for code, count in written.items():
        print(f"{code:32} {count:>10} facts")
    print(f"rebuilt {start} to {end}: {sum(written.values())} facts")
    return 0


def refresh_cli() -> int:
    done = services.refresh()
    for code, days in done.items():
        print(f"{code:32} {', '.join(days)}")
    print(f"refreshed {sum(len(days) for days in done.values())} measure-days")
    return 0


def check_cli(day: str | None) -> int:
    """Check a day (yesterday by default); exit 1 when facts differed (they are repaired)."""
    run = services.check_day(_day(day))
    print(f"checked {run.day}: {run.measures} measures, {run.differences} differences")
    return 1 if run.differences else 0


def map_load_cli(file: str, name: str) -> int:
    """Load an approved GeoJSON outline; exit 1 with the refusal (the unknown codes listed)."""
    from pathlib import Path

    from nuanjia.core.errors import RuleViolation

    from . import maps

    path = Path(file)
    try:
        shape = maps.load_outline(path.read_bytes(), name=name or path.stem, by=None)
    except (OSError, RuleViolation) as refusal:
        print(getattr(refusal, "message", str(refusal)))
        return 1
    print(f"loaded {shape.name}: {shape.codes} regions, sha256 {shape.sha256}")
    return 0
