"""The holiday calendar as a small sheet: the State Council notice typed as date, kind, name.

Each row enters or changes one day (core.calendar.save_calendar_day); every year the file
covers is then marked complete, since the notice is the whole year's schedule.
"""

import datetime
import re
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .audit import record_event
from .calendar import (
    FIRST_YEAR,
    LAST_YEAR,
    CalendarEditor,
    check_may_edit_calendar,
    confirm_calendar_year,
    save_calendar_day,
)
from .errors import RuleViolation
from .imports import (
    Column,
    Importer,
    ImportResult,
    ImportRow,
    SheetSource,
    SheetSpec,
    build_template,
    run_import,
)

SHEET_TITLE = "节假日安排"
# The kinds as the notice words them (data, not UI: they stay Chinese).
KIND_LABELS = {"放假": False, "上班": True}
KIND_NAMES = {value: label for label, value in KIND_LABELS.items()}
DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
# The error's column for a RuleViolation.field of the calendar services.
FIELD_COLUMNS = {"day": "day", "name": "name"}


def parse_day(text: str) -> datetime.date:
    """2027-01-01, 2027/1/1, 2027.1.1 or 2027年1月1日 (a date cell arrives as ISO text)."""
    match = DATE_PATTERN.match(text)
    try:
        if match is None:
            raise ValueError(text)
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValidationError(
            _("%(text)s is not a date: write it as 2027-01-01.") % {"text": text}
        ) from None


CALENDAR_SHEET = SheetSpec(
    title=SHEET_TITLE,
    columns=(
        Column(
            "日期",
            "day",
            required=True,
            parse=parse_day,
            note=gettext_lazy("One day per row, e.g. 2027-02-06."),
        ),
        Column(
            "类型",
            "kind",
            required=True,
            parse=KIND_LABELS.__getitem__,
            choices=tuple(KIND_LABELS),
            note=gettext_lazy(
                "放假 for a day off (also on a weekday), 上班 for an adjusted working day (also "
                "on a weekend)."
            ),
        ),
        Column(
            "名称",
            "name",
            note=gettext_lazy("The holiday, e.g. 春节 or 春节调休."),
        ),
    ),
    unique=(("day",),),
)


class CalendarImporter(Importer):
    """Enters each row's day, updating a day already in the calendar."""

    spec = CALENDAR_SHEET
    field_columns = FIELD_COLUMNS

    def __init__(self, *, by: CalendarEditor | None, file_name: str = "") -> None:
        self.by = by
        self.file_name = file_name
        self.years: set[int] = set()

    def check(self, rows: list[ImportRow]) -> None:
        for row in rows:
            if "day" not in row.values:
                continue
            day = row.values["day"]
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                message = _("Enter a date between %(first)d and %(last)d.")
                row.add_error("day", message % {"first": FIRST_YEAR, "last": LAST_YEAR})

    def write(self, rows: list[ImportRow]) -> None:
        for row in rows:
            try:
                _day, row.outcome = save_calendar_day(
                    day=row.values["day"],
                    is_workday=row.values["kind"],
                    name=row.values["name"],
                    by=self.by,
                )
            except RuleViolation as error:
                self.refuse(row, error)
            else:
                self.years.add(row.values["day"].year)

    def finish(self, result: ImportResult) -> None:
        source = _("sheet %(file)s") % {"file": self.file_name[:150]}
        for year in sorted(self.years):
            confirm_calendar_year(year, source=source, by=self.by)
        record_event(
            None,
            "calendar.imported",
            by=self.by,
            org=getattr(self.by, "org", None),
            changes={**result.counts(), "years": sorted(self.years), "file": self.file_name[:200]},
        )


def import_calendar(
    file: BinaryIO, *, by: CalendarEditor | None, mode: str, file_name: str = ""
) -> ImportResult:
    """Import a calendar sheet (see CalendarImporter); refused unless `by` edits the calendar."""
    check_may_edit_calendar(by)
    source = SheetSource(file, sheet_title=SHEET_TITLE, name=file_name)
    return run_import(source, CalendarImporter(by=by, file_name=file_name), mode=mode)


def write_calendar_template(destination: Any) -> None:
    instructions = _(
        "Holiday calendar: one day of the State Council notice per row, from row 3 down: the days "
        "off and the adjusted working days. Ordinary weekends need no row. Importing the file "
        "marks each year it covers as complete."
    )
    build_template(CALENDAR_SHEET, destination, instructions=instructions)
