"""A merchant's monthly usage file uploaded as a sheet (xlsx or CSV): one use a row (member
number, last 4 of the ID, date, optional time). A file that is not right as a file — a column
missing, a date that is not one, more rows than USAGE_MAX_ROWS — is refused whole, naming the
row and column, and nothing is written. Otherwise each row is checked against the offer's
limits (services.usage.record_usage_file) and the refused rows are listed."""

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

from .models import UsageFile
from .rules import USAGE_MAX_ROWS
from .services.usage import UsageRow, check_cannot_scan, record_usage_file

SHEET_TITLE = "使用明细"


def parse_day(text: str) -> datetime.date:
    typed = text.split(" ")[0].replace("/", "-").replace(".", "-")
    try:
        return datetime.datetime.strptime(typed, "%Y-%m-%d").date()
    except ValueError:
        raise ValidationError(_("Enter a date such as 2024-03-01.")) from None


def parse_time(text: str) -> datetime.time:
    typed = text.strip().replace("：", ":")
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


USAGE_SHEET = SheetSpec(
    title=SHEET_TITLE,
    columns=(
        Column("会员号", "number", required=True, text_only=True,
               note=gettext_lazy("The member number on the card, typed as text.")),
        Column("身份证后四位", "id_last4", required=True, parse=parse_last4, text_only=True,
               note=gettext_lazy("Typed as text.")),
        Column("日期", "day", required=True, parse=parse_day,
               note=gettext_lazy("e.g. 2026-12-01.")),
        Column("时间", "time", parse=parse_time, note=gettext_lazy("Optional, e.g. 07:30.")),
    ),
)  # fmt: skip


class _UsageRows(Importer):
    spec = USAGE_SHEET

    def __init__(self) -> None:
        self.rows: list[UsageRow] = []
        self.count = 0

    def check(self, rows: list[ImportRow]) -> None:
        for row in rows:
            self.count += 1
            if row.errors or self.count > USAGE_MAX_ROWS:
                continue
            values = row.values
            self.rows.append(UsageRow(row.number, values["number"], values["id_last4"],
                                      values["day"], values.get("time")))  # fmt: skip


@dataclass
class UsageUpload:
    usage: UsageFile | None = None
    errors: list[str] = field(default_factory=list)


def import_usage_file(
    file: Any, user: PartnerUser, *, offer: Any, file_name: str = ""
) -> UsageUpload:
    """Read a usage file: refused whole for a merchant that scans cards (before the file is
    read) or a file error, else recorded row by row."""
    check_cannot_scan(user)
    source = SheetSource(file, sheet_title=SHEET_TITLE, name=file_name)
    reader = _UsageRows()
    result = check_upload(source, reader, mode=Mode.ALL_OR_NOTHING)
    errors = list(result.sheet_errors)
    if reader.count > USAGE_MAX_ROWS:
        errors.append(_("The file has %(rows)d rows; at most %(limit)d are read at a time.")
                      % {"rows": reader.count, "limit": USAGE_MAX_ROWS})  # fmt: skip
    errors += [
        _("%(row)s, %(column)s: %(message)s")
        % {"row": error.row_label, "column": error.column_label, "message": error.message}
        if error.column
        else str(error)
        for error in result.errors
    ]
    if errors:
        return UsageUpload(errors=errors)
    return UsageUpload(record_usage_file(user, offer=offer, rows=reader.rows, file_name=file_name))


def write_usage_template(destination: Any) -> None:
    instructions = _(
        "Monthly usage: one use per row, from row 3 down. Columns marked * are required; "
        "type the member number and the ID digits as text."
    )
    build_template(USAGE_SHEET, destination, instructions=instructions)
