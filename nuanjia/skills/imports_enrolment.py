"""The training register sheet (培训学员名册): one registry worker a row (ID number and name),
enrolled on a course through the services. Errors name the row and column; by default
nothing is written unless every row is right (all-or-nothing). The course's trainee export
writes the same columns with the ID number masked."""

from __future__ import annotations

from typing import Any

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

from .models import Course, Enrolment
from .services import courses
from .services.common import require_manager, worker_named

SHEET_TITLE = "培训学员名册"


def parse_id(text: str) -> str:
    return validate_id_number(text).number


REGISTER_SHEET = SheetSpec(
    title=SHEET_TITLE,
    columns=(
        Column("身份证号", "id_number", required=True, parse=parse_id, text_only=True,
               note=gettext_lazy("18 characters, typed as text; the worker must be in the registry.")),
        Column("姓名", "name", required=True),
    ),
    unique=(("id_number",),),
)  # fmt: skip


class EnrolmentImporter(Importer):
    spec = REGISTER_SHEET
    field_columns = {"id_number": "id_number", "worker": "id_number", "name": "name"}

    def __init__(self, course: Course, *, by: Any, file_name: str = "") -> None:
        self.course = course
        self.by = by
        self.file_name = file_name
        self.workers: dict[int, Any] = {}

    def check(self, rows: list[ImportRow]) -> None:
        for row in rows:
            values = row.values
            if not values.get("id_number") or not values.get("name"):
                continue
            try:
                worker = worker_named(self.course.org, values["id_number"], values["name"])
            except RuleViolation as error:
                self.refuse(row, error)
                continue
            if Enrolment.objects.filter(course=self.course, worker=worker).exists():
                row.add_error("id_number", _("This worker is on the course already."))
            self.workers[row.number] = worker

    def write(self, rows: list[ImportRow]) -> None:
        self.write_each(rows, self._write_row)

    def _write_row(self, row: ImportRow) -> str:
        courses.enrol(self.course, self.workers[row.number], by=self.by)
        return CREATED

    def finish(self, result: ImportResult) -> None:
        record_event(
            self.course,
            "skills.enrolments_imported",
            by=self.by,
            changes=result.summary(self.file_name),
        )


def import_enrolments(
    course: Course, file: Any, *, by: Any, mode: str = Mode.ALL_OR_NOTHING, file_name: str = ""
) -> ImportResult:
    require_manager(by, course.org)
    source = SheetSource(file, sheet_title=SHEET_TITLE, name=file_name)
    return run_import(source, EnrolmentImporter(course, by=by, file_name=file_name), mode=mode)


def write_register_template(destination: Any) -> None:
    build_template(
        REGISTER_SHEET,
        destination,
        instructions=_(
            "Trainees: one registry worker per row, from row 3 down. Columns marked * are "
            "required; point at a column name to read how to fill it."
        ),
    )
