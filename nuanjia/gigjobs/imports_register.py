"""The corner register sheet (零工客栈名册): one corner per row, set up for the importing
person's union through the services. Errors name the row and column; by default nothing is
written unless every row is right. The register's 导出 Excel writes the same columns."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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
from nuanjia.orgs.models import Org

from .services import corners
from .services.common import require_manager

SHEET_TITLE = "零工客栈名册"


def parse_degrees(text: str) -> float:
    try:
        return float(str(text).strip())
    except ValueError:
        raise ValidationError(_("Write a number of degrees such as 34.7466.")) from None


CORNER_SHEET = SheetSpec(
    title=SHEET_TITLE,
    columns=(
        Column("名称", "name", required=True),
        Column("地区代码", "region_code", required=True, text_only=True),
        Column("地址", "address", required=True),
        Column("纬度", "lat", required=True, parse=parse_degrees),
        Column("经度", "lng", required=True, parse=parse_degrees),
        Column("开放时间", "opening_hours"),
        Column("服务项目", "services"),
        Column("电话", "phone", text_only=True),
    ),
    unique=(("name",),),
)


class CornerImporter(Importer):
    spec = CORNER_SHEET
    field_columns = {key: key for key in ("name", "region_code", "address", "lat", "lng",
                                          "opening_hours", "services", "phone")}  # fmt: skip

    def __init__(self, org: Org, *, by: Any, file_name: str = "") -> None:
        self.org = org
        self.by = by
        self.file_name = file_name

    def write(self, rows: list[ImportRow]) -> None:
        self.write_each(rows, self._write_row)

    def _write_row(self, row: ImportRow) -> str:
        values = {key: value for key, value in row.values.items() if value is not None}
        corners.create_corner(self.org, by=self.by, **values)
        return CREATED

    def finish(self, result: ImportResult) -> None:
        record_event(self.org, "gigjobs.corners_imported", by=self.by,
                     changes=result.summary(self.file_name))  # fmt: skip


def import_corners(
    org: Org, file: Any, *, by: Any, mode: str = Mode.ALL_OR_NOTHING, file_name: str = ""
) -> ImportResult:
    require_manager(by, org)
    source = SheetSource(file, sheet_title=SHEET_TITLE, name=file_name)
    return run_import(source, CornerImporter(org, by=by, file_name=file_name), mode=mode)


def write_corner_template(destination: Any) -> None:
    build_template(
        CORNER_SHEET, destination,
        instructions=_("Gig-job corners: one per row, from row 3 down. Columns marked * are "
                       "required; coordinates in WGS-84 (GPS)."),
    )  # fmt: skip
