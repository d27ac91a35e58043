"""The volunteer register sheet (志愿者名册): one counsellor or volunteer per row with one
qualification, registered on a line through the services. Errors name the row and column;
by default nothing is written unless every row is right. The register's 导出 Excel writes
the same columns."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core.audit import record_event
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

from .models import Line
from .rules import HelperKind
from .services import lines
from .services.common import require_manager

SHEET_TITLE = "志愿者名册"
KIND_NAMES = {"咨询师": HelperKind.COUNSELLOR.value, "志愿者": HelperKind.VOLUNTEER.value}


def parse_kind(text: str) -> str:
    if text not in KIND_NAMES:
        raise ValidationError(_("Write one of %(names)s.") % {"names": "、".join(KIND_NAMES)})
    return KIND_NAMES[text]


def parse_day(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise ValidationError(_("Write a date such as 2027-12-31.")) from None


REGISTER_SHEET = SheetSpec(
    title=SHEET_TITLE,
    columns=(
        Column("姓名", "name", required=True),
        Column("类型", "kind", required=True, parse=parse_kind, choices=tuple(KIND_NAMES)),
        Column("手机号", "phone", text_only=True),
        Column("资质", "qualification", note=gettext_lazy("e.g. 心理咨询师三级")),
        Column("证书编号", "number", text_only=True),
        Column("发证机构", "issuer"),
        Column("有效期至", "valid_until", parse=parse_day),
    ),
    unique=(("name", "phone"),),
)


class RegisterImporter(Importer):
    spec = REGISTER_SHEET
    field_columns = {key: key for key in ("name", "kind", "phone")}

    def __init__(self, line: Line, *, by: Any, file_name: str = "") -> None:
        self.line = line
        self.by = by
        self.file_name = file_name

    def write(self, rows: list[ImportRow]) -> None:
        self.write_each(rows, self._write_row)

    def _write_row(self, row: ImportRow) -> str:
        values = row.values
        helper = lines.add_helper(
            self.line, kind=values["kind"], name=values["name"], phone=values.get("phone") or "",
            by=self.by,
        )  # fmt: skip
        if values.get("qualification"):
            lines.add_qualification(
                helper, kind=values["qualification"], number=values.get("number") or "",
                issuer=values.get("issuer") or "", valid_until=values.get("valid_until"),
                by=self.by,
            )  # fmt: skip
        return CREATED

    def finish(self, result: ImportResult) -> None:
        record_event(
            self.line,
            "counselling.helpers_imported",
            by=self.by,
            changes=result.summary(self.file_name),
        )


def import_register(
    line: Line, file: Any, *, by: Any, mode: str = Mode.ALL_OR_NOTHING, file_name: str = ""
) -> ImportResult:
    require_manager(by, line.org)
    source = SheetSource(file, sheet_title=SHEET_TITLE, name=file_name)
    return run_import(source, RegisterImporter(line, by=by, file_name=file_name), mode=mode)


def write_register_template(destination: Any) -> None:
    build_template(
        REGISTER_SHEET,
        destination,
        instructions=_(
            "Counsellors and volunteers: one per row, from row 3 down. Columns marked * are "
            "required; point at a column name to read how to fill it."
        ),
    )
