"""Keepers' day counts in bulk: a union's monthly tally sheet (每站每日来访人次) for the
stations of its subtree, written at once — the fast path of `record_tally` for hundreds of
stations and days. The same rules as one count (a keeper of the station's union or above, no
day in the future, 0 to 100000 visits, one count a station and day, replacing the one
there), one upsert, one audit event for the run and one rollup of the days it spans."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core import clock
from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of

from ..models import DayTally, Station
from .registry import may_keep
from .visits import rollup_days

MOST_VISITS = 100_000
BATCH = 2_000


@dataclass(frozen=True)
class TallyRow:
    """One station's count of a day (`line`: the row of the sheet, for messages)."""

    station_id: int
    on: datetime.date
    visits: int
    line: int = 0


def _named(row: TallyRow, problem: str) -> str:
    """The problem with the sheet's row named (when the row came from a sheet)."""
    if not row.line:
        return problem
    return _("Row %(row)d: %(message)s") % {"row": row.line, "message": problem}


def tally_problem(row: TallyRow, station: Station | None, by: Actor | None) -> str:
    """Why the count cannot be recorded ("" when it can): the same rules as `record_tally`."""
    if station is None:
        return _("There is no such station.")
    if by is not None and not may_keep(by, station):
        return _("Only a caseworker or station keeper of the host union or above may do this.")
    if row.on > clock.today():
        return _("The day cannot be in the future.")
    if not 0 <= row.visits <= MOST_VISITS:
        return _("Enter a count between 0 and 100000.")
    return ""


def _check(rows: Sequence[TallyRow], by: Actor | None) -> dict[int, Station]:
    ids = {row.station_id for row in rows}
    stations = Station.objects.select_related("org").in_bulk(ids)
    seen: set[tuple[int, datetime.date]] = set()
    for row in rows:
        problem = tally_problem(row, stations.get(row.station_id), by)
        if not problem and (row.station_id, row.on) in seen:
            problem = _("The same station and day appear twice.")
        if problem:
            raise RuleViolation(_named(row, problem), field="visits")
        seen.add((row.station_id, row.on))
    return stations


@transaction.atomic
def record_tallies(
    rows: Sequence[TallyRow], *, by: Actor | None, org: Org | None = None, source: str = ""
) -> int:
    """Record the day counts (each replacing the count of its station and day); all or
    nothing: a row that breaks a rule refuses the whole set, its row named. Returns the
    counts written."""
    if not rows:
        return 0
    stations = _check(rows, by)
    staff = staff_of(by) if by is not None else None
    now = timezone.now()
    DayTally.objects.bulk_create(
        [
            DayTally(station_id=row.station_id, on=row.on, visits=row.visits,
                     recorded_by=staff, updated_at=now)
            for row in rows
        ],
        batch_size=BATCH, update_conflicts=True, unique_fields=["station", "on"],
        update_fields=["visits", "recorded_by", "updated_at"],
    )  # fmt: skip
    first, last = min(row.on for row in rows), max(row.on for row in rows)
    rollup_days(first, last)
    where = org or next(iter(stations.values())).org
    record_event(
        where, "station.tallies", by=by, org=where,
        changes={"rows": len(rows), "stations": len(stations), "first": str(first),
                 "last": str(last), "visits": sum(row.visits for row in rows),
                 "source": source[:200]},
    )  # fmt: skip
    return len(rows)
