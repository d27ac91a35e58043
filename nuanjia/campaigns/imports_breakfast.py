"""A shop's paper list of breakfasts (纸质登记) uploaded as a sheet: one meal a row (member
number, last 4 of the ID, date, optional time). A file that is not right as a file — a column
missing, a date that is not one, a member number or ID digits Excel stored as a number, more
rows than PARTNER_IMPORT_MAX_ROWS — is refused whole, naming the row and column, and nothing is
written. Otherwise each row is checked against the breakfast rule (services.record_meal_list):
the meals of the rows that pass are recorded, the others kept on the list with their reasons.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core.imports import (
    Column,
    Importer,
    ImportRow,
    Mode,
    SheetSource,
    SheetSpec,
    build_template,
    check_upload,
)
from nuanjia.members.models import PartnerUser

from . import services
from .imports_screening import parse_day
from .partner_models import MealList
from .rules import PARTNER_IMPORT_MAX_ROWS

SHEET_TITLE = "早餐登记"


def parse_time(text: str) -> datetime.time:
    typed = text.strip().replace("：", ":")
    if " " in typed:  # a date and time cell
        typed = typed.split(" ")[-1]
    for pattern in ("%H:%M", "%H:%M:%S"):
        try:
            return datetime.datetime.strptime(typed, pattern).time()
        except ValueError:
            continue
    raise ValidationError(_("Enter a time such as 07:30."))


def parse_last4(text: str) -> str:
    clean = text.strip().upper()
    if len(clean) != 4 or not clean.isascii() or not (clean[:3].isdigit() and clean[3].isalnum()):
        raise ValidationError(_("Enter the last 4 characters of the ID number."))
    return clean


MEAL_SHEET = SheetSpec(
    title=SHEET_TITLE,
    columns=(
        Column(
            "会员号",
            "number",
            required=True,
            text_only=True,
            note=gettext_lazy("The member number on the card, typed as text."),
        ),
        Column(
            "身份证后四位",
            "id_last4",
            required=True,
            parse=parse_last4,
            text_only=True,
            note=gettext_lazy("Typed as text."),
        ),
        Column(
            "日期", "day", required=True, parse=parse_day, note=gettext_lazy("e.g. 2026-12-01.")
        ),
        Column("时间", "time", parse=parse_time, note=gettext_lazy("Optional, e.g. 07:30.")),
    ),
)


class _MealRows(Importer):
    """Keeps the parsed rows of the checking pass; writes nothing itself."""

    spec = MEAL_SHEET

    def __init__(self) -> None:
        self.rows: list[services.PaperRow] = []
        self.count = 0

    def check(self, rows: list[ImportRow]) -> None:
        for row in rows:
            self.count += 1
            if row.errors or self.count > PARTNER_IMPORT_MAX_ROWS:
                continue
            values = row.values
            self.rows.append(
                services.PaperRow(
                    row=row.number,
                    number=values["number"],
                    id_last4=values["id_last4"],
                    day=values["day"],
                    time=values.get("time"),
                )
            )


@dataclass
class MealListUpload:
    """An upload's outcome: the list recorded, or the reasons the whole file was refused."""

    meal_list: MealList | None = None
    errors: list[str] = field(default_factory=list)


def import_meal_list(
    file: Any, user: PartnerUser, *, outlet: Any, file_name: str = ""
) -> MealListUpload:
    """Read a shop's paper list: refused whole for a file error, else recorded row by row."""
    source = SheetSource(file, sheet_title=SHEET_TITLE, name=file_name)
    reader = _MealRows()
    result = check_upload(source, reader, mode=Mode.ALL_OR_NOTHING)
    errors = list(result.sheet_errors)
    if reader.count > PARTNER_IMPORT_MAX_ROWS:
        errors.append(
            _("The file has %(rows)d rows; at most %(limit)d are read at a time.")
            % {"rows": reader.count, "limit": PARTNER_IMPORT_MAX_ROWS}
        )
    errors += [
        _("%(row)s, %(column)s: %(message)s")
        % {"row": error.row_label, "column": error.column_label, "message": error.message}
        if error.column
        else str(error)
        for error in result.errors
    ]
    if errors:
        return MealListUpload(errors=errors)
    meal_list = services.record_meal_list(
        user, outlet=outlet, rows=reader.rows, file_name=file_name
    )
    return MealListUpload(meal_list=meal_list)


def write_meal_template(destination: Any) -> None:
    instructions = _(
        "Breakfasts on paper: one meal per row, from row 3 down. Columns marked * are "
        "required; type the member number and the ID digits as text."
    )
    build_template(MEAL_SHEET, destination, instructions=instructions)
