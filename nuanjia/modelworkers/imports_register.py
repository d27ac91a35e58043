"""The model-worker honours sheet (劳模荣誉名册): one honour of one worker per row, the worker
found by their ID number in the importing union's subtree, recorded through people's honour
service. Errors name the row and column; by default nothing is written unless every row is
right. The register's 导出 Excel writes the same columns (the ID number masked)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
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
from nuanjia.people.honour_models import HonourKind, HonourLevel
from nuanjia.people.queries import find_worker_by_id_number
from nuanjia.people.services import add_honour

from .services.common import require_manager

SHEET_TITLE = "劳模荣誉名册"
KIND_NAMES = {
    "劳动模范": HonourKind.MODEL_WORKER.value, "劳模": HonourKind.MODEL_WORKER.value,
    "先进工作者": HonourKind.ADVANCED_WORKER.value, "五一劳动奖章": HonourKind.MAY_DAY_MEDAL.value,
    "工匠": HonourKind.CRAFTSMAN.value,
}  # fmt: skip
LEVEL_NAMES = {
    "全国": HonourLevel.NATIONAL.value, "省级": HonourLevel.PROVINCIAL.value,
    "市级": HonourLevel.CITY.value, "县级": HonourLevel.COUNTY.value,
    "企业级": HonourLevel.ENTERPRISE.value,
}  # fmt: skip
KIND_LABELS = {value: name for name, value in reversed(KIND_NAMES.items())}
LEVEL_LABELS = {value: name for name, value in LEVEL_NAMES.items()}


def _choice(names: dict[str, str]) -> Any:
    def parse(text: str) -> str:
        if text not in names:
            raise ValidationError(_("Write one of %(names)s.") % {"names": "、".join(names)})
        return names[text]

    return parse


def parse_year(text: str) -> int:
    if not (text.strip().isascii() and text.strip().isdigit()):
        raise ValidationError(_("Write the year such as 2025."))
    return int(text.strip())


HONOUR_SHEET = SheetSpec(
    title=SHEET_TITLE,
    columns=(
        Column("姓名", "name", required=True),
        Column("身份证号", "id_number", required=True, text_only=True),
        Column("荣誉", "kind", required=True, parse=_choice(KIND_NAMES), choices=tuple(KIND_NAMES)),
        Column("级别", "level", required=True, parse=_choice(LEVEL_NAMES),
               choices=tuple(LEVEL_NAMES)),
        Column("年度", "year", required=True, parse=parse_year),
        Column("授予机关", "issuer", required=True),
        Column("备注", "note"),
    ),
    unique=(("id_number", "kind", "level", "year"),),
)  # fmt: skip


class HonourImporter(Importer):
    spec = HONOUR_SHEET
    field_columns = {key: key for key in ("kind", "level", "year", "issuer", "note")} | {
        "worker": "id_number", "id_number": "id_number", "name": "name",
    }  # fmt: skip

    def __init__(self, org: Org, *, by: Any, file_name: str = "") -> None:
        self.org = org
        self.by = by
        self.file_name = file_name

    def write(self, rows: list[ImportRow]) -> None:
        self.write_each(rows, self._write_row)

    def _write_row(self, row: ImportRow) -> str:
        values = row.values
        worker = find_worker_by_id_number(values["id_number"])
        if worker is None or not worker.org.path.startswith(self.org.path):
            raise RuleViolation(_("No worker of this union's registry has this ID number."),
                                field="id_number")  # fmt: skip
        if worker.name != values["name"]:
            raise RuleViolation(_("The name differs from the registry's (%(name)s).")
                                % {"name": worker.name}, field="name")  # fmt: skip
        add_honour(worker, kind=values["kind"], level=values["level"], year=values["year"],
                   issuer=values["issuer"], note=values.get("note") or "", by=self.by)  # fmt: skip
        return CREATED

    def finish(self, result: ImportResult) -> None:
        record_event(
            self.org, "modelworkers.honours_imported", by=self.by,
            changes=result.summary(self.file_name),
        )  # fmt: skip


def import_honours(
    org: Org, file: Any, *, by: Any, mode: str = Mode.ALL_OR_NOTHING, file_name: str = ""
) -> ImportResult:
    require_manager(by, org)
    source = SheetSource(file, sheet_title=SHEET_TITLE, name=file_name)
    return run_import(source, HonourImporter(org, by=by, file_name=file_name), mode=mode)


def write_honour_template(destination: Any) -> None:
    build_template(
        HONOUR_SHEET, destination,
        instructions=_("Honours of model workers: one per row, from row 3 down; the worker is "
                       "found by the ID number in your union's registry. Columns marked * are "
                       "required."),
    )  # fmt: skip
