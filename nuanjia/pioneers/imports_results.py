"""The competition results sheet (竞赛成绩): one entered team per row with its rank, score
and award. A team not yet entered is entered by name. Errors name the row and column; by
default nothing is written unless every row is right. The results' 导出 Excel writes the same
columns."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core.audit import record_event
from nuanjia.core.imports import (
    CREATED,
    UPDATED,
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
from nuanjia.core.listexport import ListExport, column

from .models import Competition
from .services import competitions
from .services.common import require_manager

SHEET_TITLE = "竞赛成绩"


def parse_rank(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ValidationError(_("A rank is a whole number from 1."))
    return int(text)


def parse_score(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("Enter a score from 0 to 999999.99.")) from None


RESULTS_SHEET = SheetSpec(
    title=SHEET_TITLE,
    columns=(
        Column("参赛队伍", "name", required=True, note=gettext_lazy("The team's name as entered")),
        Column("名次", "rank", parse=parse_rank),
        Column("得分", "score", parse=parse_score),
        Column("奖项", "award", note=gettext_lazy("e.g. 一等奖")),
    ),
    unique=(("name",),),
)

RESULTS_EXPORT = ListExport("pioneers.results", gettext_lazy("Competition results"), (
    column("参赛队伍", "name"), column("名次", "rank"), column("得分", "score"),
    column("奖项", "award"),
))  # fmt: skip


class ResultsImporter(Importer):
    spec = RESULTS_SHEET
    field_columns = {"name": "name", "rank": "rank", "score": "score", "award": "award"}

    def __init__(self, competition: Competition, *, by: Any, file_name: str = "") -> None:
        self.competition = competition
        self.by = by
        self.file_name = file_name

    def write(self, rows: list[ImportRow]) -> None:
        self.write_each(rows, self._write_row)

    def _write_row(self, row: ImportRow) -> str:
        values = row.values
        entry = self.competition.entries.filter(name=values["name"]).first()
        outcome = UPDATED
        if entry is None:
            entry = competitions.enter_team(self.competition, name=values["name"], by=self.by)
            outcome = CREATED
        competitions.record_result(
            entry, rank=values.get("rank"), score=values.get("score"),
            award=values.get("award") or "", by=self.by,
        )  # fmt: skip
        return outcome

    def finish(self, result: ImportResult) -> None:
        record_event(
            self.competition,
            "pioneers.results_imported",
            by=self.by,
            changes=result.summary(self.file_name),
        )


def import_results(
    competition: Competition, file: Any, *, by: Any, mode: str = Mode.ALL_OR_NOTHING,
    file_name: str = "",
) -> ImportResult:  # fmt: skip
    require_manager(by, competition.org)
    source = SheetSource(file, sheet_title=SHEET_TITLE, name=file_name)
    return run_import(source, ResultsImporter(competition, by=by, file_name=file_name), mode=mode)


def write_results_template(destination: Any) -> None:
    build_template(
        RESULTS_SHEET,
        destination,
        instructions=_(
            "Competition results: one team per row, from row 3 down. Columns marked * are "
            "required; point at a column name to read how to fill it."
        ),
    )
