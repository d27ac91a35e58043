"""The findings sheet (排查名单): volunteers keep their lists in spreadsheets; a caseworker imports
one into a screening drive, each row a finding of the caseworker's union recorded through
services.record_finding (a person the province keeps is linked by the ID number, anyone else
registered on the spot). Errors name the row and column; ID numbers typed as numbers (which
Excel has already rounded) are refused; by default nothing is written unless every row is right.
"""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.idnumbers import validate_id_number
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

from . import services
from .models import Activity
from .rules import FindingDegree

SHEET_TITLE = "排查名单"
# Sheet words (data, not UI: they stay Chinese).
DEGREE_NAMES = {
    "一般困难": FindingDegree.MILD.value,
    "较重困难": FindingDegree.SERIOUS.value,
    "特别困难": FindingDegree.SEVERE.value,
}
# RuleViolation.field of record_finding and the registry -> the sheet column it concerns.
FIELD_COLUMNS = {
    "name": "name",
    "id_number": "id_number",
    "phone": "phone",
    "address": "address",
    "employer_name": "employer_name",
    "degree": "degree",
    "circumstances": "circumstances",
    "found_on": "found_on",
    "found_by_name": "found_by_name",
}


def parse_degree(text: str) -> str:
    if text not in DEGREE_NAMES:
        raise ValidationError(_("Write one of %(names)s.") % {"names": "、".join(DEGREE_NAMES)})
    return DEGREE_NAMES[text]


def parse_day(text: str) -> datetime.date:
    typed = text.split(" ")[0].replace("/", "-").replace(".", "-")
    try:
        return datetime.datetime.strptime(typed, "%Y-%m-%d").date()
    except ValueError:
        raise ValidationError(_("Enter a date such as 2024-03-01.")) from None


def parse_id(text: str) -> str:
    return validate_id_number(text).number


FINDING_SHEET = SheetSpec(
    title=SHEET_TITLE,
    columns=(
        Column("姓名", "name", required=True),
        Column(
            "身份证号",
            "id_number",
            parse=parse_id,
            text_only=True,
            note=gettext_lazy(
                "18 characters, typed as text. A person the province already keeps is linked."
            ),
        ),
        Column("手机号", "phone"),
        Column(
            "困难程度",
            "degree",
            required=True,
            parse=parse_degree,
            choices=tuple(DEGREE_NAMES),
        ),
        Column("困难情况", "circumstances", required=True),
        Column(
            "发现日期",
            "found_on",
            required=True,
            parse=parse_day,
            note=gettext_lazy("e.g. 2026-02-20."),
        ),
        Column("发现人", "found_by_name", note=gettext_lazy("The volunteer who found them.")),
        Column("工作单位", "employer_name"),
        Column("住址", "address"),
    ),
    unique=(("id_number",),),
)
PERSON_KEYS = ("name", "id_number", "phone", "address", "employer_name")


class FindingImporter(Importer):
    """Records each row as a finding of the importer's union in one screening drive."""

    spec = FINDING_SHEET
    field_columns = FIELD_COLUMNS

    def __init__(self, activity: Activity, *, by, file_name: str = ""):
        self.activity = activity
        self.by = by
        self.file_name = file_name

    def write(self, rows: list[ImportRow]) -> None:
        self.write_each(rows, self._write_row)

    def _write_row(self, row: ImportRow) -> str:
        values = row.values
        services.record_finding(
            self.activity,
            self.by.org,
            new_person={key: values[key] for key in PERSON_KEYS if values.get(key)},
            degree=values["degree"],
            circumstances=values["circumstances"],
            found_on=values["found_on"],
            found_by_name=values.get("found_by_name") or "",
            by=self.by,
        )
        return CREATED

    def finish(self, result: ImportResult) -> None:
        record_event(
            self.activity,
            "campaigns.findings_imported",
            by=self.by,
            org=self.by.org,
            changes=result.summary(self.file_name),
        )


def import_findings(
    file, activity: Activity, *, by, mode: str = Mode.ALL_OR_NOTHING, file_name: str = ""
) -> ImportResult:
    """Import a volunteers' list into `activity` as findings of the caller's union. The caller's
    role, the drive and the campaign are checked once before any row is read."""
    services.require_planner(by, by.org, services.FINDER_ROLES)
    services.require_open(activity.campaign)
    if activity.kind != "screening":
        raise RuleViolation(_("Findings are recorded in a screening drive only."), field="activity")
    source = SheetSource(file, sheet_title=SHEET_TITLE, name=file_name)
    importer = FindingImporter(activity, by=by, file_name=file_name)
    return run_import(source, importer, mode=mode)


def write_finding_template(destination) -> None:
    instructions = _(
        "Screening findings: one person per row, from row 3 down. Columns marked * are "
        "required; point at a column name to read how to fill it."
    )
    build_template(FINDING_SHEET, destination, instructions=instructions)
