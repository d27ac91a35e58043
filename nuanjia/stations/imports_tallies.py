"""The tally sheet (驿站来访统计): a union's day counts of visitors who did not scan, one
station and day a row (站点编码, 日期, 来访人次), for every station of its subtree at once.
Checked as every sheet of ours (errors name the row and column in Chinese; nothing written
unless every row is right) and written in one go by `services.tallies.record_tallies`, each
count replacing the one of its station and day."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core.calendar_import import parse_day
from nuanjia.core.imports import (
    CREATED,
    Column,
    Importer,
    ImportResult,
    ImportRow,
    Mode,
    SheetSource,
    SheetSpec,
    build_template,
    run_import,
)

from .models import Station
from .services.tallies import MOST_VISITS, TallyRow, record_tallies, tally_problem

TALLY_TITLE = "驿站来访统计"


def parse_visits(text: str) -> int:
    if not text.isdigit() or int(text) > MOST_VISITS:
        raise ValidationError(
            _("Enter a whole number from %(low)d to %(high)d.") % {"low": 0, "high": MOST_VISITS}
        )
    return int(text)


TALLY_SHEET = SheetSpec(
    title=TALLY_TITLE,
    columns=(
        Column("站点编码", "code", required=True, parse=str.upper,
               note=gettext_lazy("The station's code, e.g. ZZ-08-001.")),
        Column("日期", "on", required=True, parse=parse_day, note=gettext_lazy("e.g. 2026-02-20.")),
        Column("来访人次", "visits", required=True, parse=parse_visits),
    ),
    unique=(("code", "on"),),
)  # fmt: skip


class TallyImporter(Importer):
    """Each row is one station's count of a day."""

    spec = TALLY_SHEET

    def __init__(self, *, by: Any, file_name: str = ""):
        self.by = by
        self.file_name = file_name

    def check(self, rows: list[ImportRow]) -> None:
        codes = {row.values["code"] for row in rows if "code" in row.values}
        stations = {s.code: s for s in Station.objects.filter(code__in=codes).select_related("org")}
        for row in rows:
            if not {"code", "on", "visits"} <= set(row.values):
                continue
            station = stations.get(row.values["code"])
            tally = TallyRow(station.pk if station else 0, row.values["on"], row.values["visits"])
            problem = tally_problem(tally, station, self.by)
            if problem:
                row.add_error("visits" if station else "code", problem)
            else:
                row.context["tally"] = TallyRow(
                    tally.station_id, tally.on, tally.visits, row.number
                )

    def write(self, rows: list[ImportRow]) -> None:
        record_tallies([row.context["tally"] for row in rows], by=self.by, source=self.file_name)
        for row in rows:
            row.outcome = CREATED

    def finish(self, result: ImportResult) -> None:
        """`record_tallies` audits each chunk it writes; nothing more to record."""


def import_tallies(
    file: Any, *, by: Any, mode: str = Mode.ALL_OR_NOTHING, file_name: str = ""
) -> ImportResult:
    source = SheetSource(file, sheet_title=TALLY_TITLE, name=file_name)
    return run_import(source, TallyImporter(by=by, file_name=file_name), mode=mode)


def write_tally_template(destination: Any) -> None:
    instructions = _(
        "Visitors counted at rest stations: one station and day per row, from row 3 down. The "
        "count replaces the one recorded for that station and day. Columns marked * are required."
    )
    build_template(TALLY_SHEET, destination, instructions=instructions)
