"""The producers sheet (帮扶对象名单): one producer per row, registered for the importer's union
through services.register_producer. Errors name the row and column; by default nothing is
written unless every row is right. The list page's 导出 Excel writes the same columns."""

from __future__ import annotations

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

from .rules import ProducerKind
from .services import producers
from .services.common import require_role

SHEET_TITLE = "帮扶对象"
# Sheet words (data, not UI: they stay Chinese).
KIND_NAMES = {
    "农户": ProducerKind.FARMER.value,
    "合作社": ProducerKind.COOPERATIVE.value,
    "企业": ProducerKind.FIRM.value,
}
FIELD_COLUMNS = {
    key: key
    for key in ("name", "kind", "region_code", "helping_unit", "contact_name", "phone",
                "payee_name", "bank_name", "bank_account")
}  # fmt: skip


def parse_kind(text: str) -> str:
    if text not in KIND_NAMES:
        raise ValidationError(_("Write one of %(names)s.") % {"names": "、".join(KIND_NAMES)})
    return KIND_NAMES[text]


PRODUCER_SHEET = SheetSpec(
    title=SHEET_TITLE,
    columns=(
        Column("名称", "name", required=True),
        Column("类型", "kind", required=True, parse=parse_kind, choices=tuple(KIND_NAMES)),
        Column(
            "所在县代码",
            "region_code",
            required=True,
            text_only=True,
            note=gettext_lazy("The six-digit code of the county, e.g. 411625."),
        ),
        Column("帮扶单位", "helping_unit"),
        Column("联系人", "contact_name"),
        Column("联系电话", "phone"),
        Column("收款户名", "payee_name"),
        Column("开户行", "bank_name"),
        Column("收款账号", "bank_account", text_only=True),
    ),
    unique=(("name",),),
)


class ProducerImporter(Importer):
    spec = PRODUCER_SHEET
    field_columns = FIELD_COLUMNS

    def __init__(self, *, by: Any, file_name: str = "") -> None:
        self.by = by
        self.file_name = file_name

    def write(self, rows: list[ImportRow]) -> None:
        self.write_each(rows, self._write_row)

    def _write_row(self, row: ImportRow) -> str:
        values = {key: value for key, value in row.values.items() if value not in (None, "")}
        producers.register_producer(self.by.org, by=self.by, **values)
        return CREATED

    def finish(self, result: ImportResult) -> None:
        record_event(
            None,
            "produce.producers_imported",
            by=self.by,
            org=self.by.org,
            changes=result.summary(self.file_name),
        )


def import_producers(
    file: Any, *, by: Any, mode: str = Mode.ALL_OR_NOTHING, file_name: str = ""
) -> ImportResult:
    """Import a list of producers for the caller's union (its role checked once first)."""
    require_role(by, by.org)
    source = SheetSource(file, sheet_title=SHEET_TITLE, name=file_name)
    return run_import(source, ProducerImporter(by=by, file_name=file_name), mode=mode)


def write_producer_template(destination: Any) -> None:
    build_template(
        PRODUCER_SHEET,
        destination,
        instructions=_(
            "Producers: one per row, from row 3 down. Columns marked * are required; point at a "
            "column name to read how to fill it."
        ),
    )
