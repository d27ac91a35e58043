"""Two sheets of free health checks, imported like every sheet of ours (core.imports): errors
name the row and column in Chinese, ID columns typed as numbers are refused, and by default
nothing is written unless every row is right.

- The completion sheet (体检完成名单) a hospital uploads on its pages: name, ID number (masked
  as 410***********1234, whole, or only its last 4) and the day; each row must match one of
  the hospital's own booked checks, which is then done on that day.
- A hospital's list of checks done outside nuanjia (已检名单), imported by a union's staff as
  check records (name, whole ID number, day, hospital): the ID numbers are only matched
  against the registry, never kept; the person must be in the importer's subtree.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import clock
from nuanjia.core.audit import record_event
from nuanjia.core.crypto import PURPOSE_ID_NUMBER, blind_index
from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import (
    CREATED,
    UNCHANGED,
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
from nuanjia.core.text import one_line
from nuanjia.members.models import PartnerUser
from nuanjia.people.models import Worker
from nuanjia.people.queries import visible_workers, with_id_number_index

from . import services
from .imports_screening import parse_day, parse_id
from .models import Booking, HealthCheckRecord
from .rules import ActivityKind, BookingStatus

COMPLETION_TITLE = "体检完成名单"
RECORD_TITLE = "已检名单"
LAST4 = re.compile(r"^[0-9]{3}[0-9X]$")
MASKED_ID = re.compile(r"^[0-9]{0,17}[*]*[0-9]*[0-9X]$")


def parse_id_last4(text: str) -> str:
    """The last 4 of an ID number, from the whole number, a masked one or the 4 alone."""
    typed = text.strip().upper().replace(" ", "")
    masked = len(typed) == 18 and MASKED_ID.fullmatch(typed)
    if LAST4.fullmatch(typed[-4:]) and (len(typed) == 4 or masked):
        return typed[-4:]
    raise ValidationError(
        _("Write the ID number as 410***********1234, in full, or its last 4 characters.")
    )


def parse_check_day(text: str) -> datetime.date:
    day = parse_day(text)
    if day > clock.today():
        raise ValidationError(_("The day is in the future."))
    return day


COMPLETION_SHEET = SheetSpec(
    title=COMPLETION_TITLE,
    columns=(
        Column("姓名", "name", required=True),
        Column(
            "身份证号",
            "id_last4",
            required=True,
            parse=parse_id_last4,
            text_only=True,
            note=gettext_lazy("Masked as 410***********1234, in full, or the last 4; as text."),
        ),
        Column(
            "体检日期",
            "done_on",
            required=True,
            parse=parse_check_day,
            note=gettext_lazy("e.g. 2026-02-20."),
        ),
    ),
    unique=(("name", "id_last4"),),
)

RECORD_SHEET = SheetSpec(
    title=RECORD_TITLE,
    columns=(
        Column("姓名", "name", required=True),
        Column(
            "身份证号",
            "id_number",
            required=True,
            parse=parse_id,
            text_only=True,
            note=gettext_lazy("18 characters, typed as text."),
        ),
        Column(
            "体检日期",
            "checked_on",
            required=True,
            parse=parse_check_day,
            note=gettext_lazy("e.g. 2026-02-20."),
        ),
        Column("体检机构", "institution", required=True),
    ),
    unique=(("id_number", "checked_on", "institution"),),
)


class CompletionImporter(Importer):
    """Each row is one of the hospital's booked checks, done on the row's day."""

    spec = COMPLETION_SHEET

    def __init__(self, user: PartnerUser, *, file_name: str = ""):
        self.user = user
        self.file_name = file_name

    def _candidates(self, rows: list[ImportRow]) -> dict[tuple[str, str], list[Booking]]:
        names = {row.values["name"] for row in rows if "name" in row.values}
        found: dict[tuple[str, str], list[Booking]] = {}
        bookings = Booking.objects.filter(
            partner=self.user.partner,
            activity__kind=ActivityKind.HEALTH_CHECK,
            status__in=(BookingStatus.BOOKED, BookingStatus.DONE),
            worker__name__in=names,
        ).select_related("worker")
        for booking in bookings:
            key = (booking.worker.name, booking.worker.id_last4.upper())
            found.setdefault(key, []).append(booking)
        return found

    def check(self, rows: list[ImportRow]) -> None:
        candidates = self._candidates(rows)
        for row in rows:
            if not {"name", "id_last4", "done_on"} <= set(row.values):
                continue
            matches = candidates.get((row.values["name"], row.values["id_last4"]), [])
            booked = [b for b in matches if b.status == BookingStatus.BOOKED]
            done = [b for b in matches if b.done_on == row.values["done_on"]]
            if len(booked) > 1:
                row.add_error(
                    "id_last4", _("More than one booking at your hospital matches this person.")
                )
            elif booked:
                row.context["booking"] = booked[0]
            elif done:
                row.context["unchanged"] = True
            elif matches:
                row.add_error("done_on", _("This check is already marked as done on another day."))
            else:
                row.add_error(
                    "name", _("No check booked at your hospital matches this name and ID number.")
                )

    def write(self, rows: list[ImportRow]) -> None:
        self.write_each(rows, self._write_row)

    def _write_row(self, row: ImportRow) -> str:
        if row.context.get("unchanged"):
            return UNCHANGED
        booking = Booking.objects.select_for_update().get(pk=row.context["booking"].pk)
        if booking.status != BookingStatus.BOOKED:
            raise RuleViolation(_("This check has no appointment waiting."))
        day = row.values["done_on"]
        booking.status, booking.done_on, booking.closed_at = BookingStatus.DONE, day, timezone.now()
        booking.save(update_fields=["status", "done_on", "closed_at"])
        record_event(
            booking,
            "campaigns.check_attended",
            org=booking.org,
            actor_label=self.user.actor_label,
            changes={"worker": booking.worker_id, "done_on": day.isoformat(), "sheet": True},
        )
        return CREATED

    def finish(self, result: ImportResult) -> None:
        record_event(
            self.user.partner,
            "campaigns.check_completions_imported",
            actor_label=self.user.actor_label,
            changes=result.summary(self.file_name),
        )


def import_completions(
    file: Any, user: PartnerUser, *, mode: str = Mode.ALL_OR_NOTHING, file_name: str = ""
) -> ImportResult:
    """A hospital's completion sheet: its matching booked checks become done."""
    source = SheetSource(file, sheet_title=COMPLETION_TITLE, name=file_name)
    return run_import(source, CompletionImporter(user, file_name=file_name), mode=mode)


class RecordImporter(Importer):
    """Each row is a check record of a worker of the importer's subtree."""

    spec = RECORD_SHEET

    def __init__(self, *, by: Any, file_name: str = ""):
        self.by = by
        self.file_name = file_name

    def check(self, rows: list[ImportRow]) -> None:
        indexes = {
            blind_index(row.values["id_number"], purpose=PURPOSE_ID_NUMBER): row
            for row in rows
            if "id_number" in row.values
        }
        condition = Q(pk__in=[])
        for index in indexes:
            condition |= with_id_number_index(index)
        mine = visible_workers(self.by).filter(condition) if indexes else Worker.objects.none()
        by_index = {worker.id_number_index: worker for worker in mine}
        for index, row in indexes.items():
            worker = by_index.get(index)
            if worker is None:
                row.add_error("id_number", _("No person with this ID number in your registry."))
            elif row.values.get("name") and worker.name != row.values["name"]:
                row.add_error("name", _("The name does not match the registry's for this ID."))
            else:
                row.context["worker"] = worker

    def write(self, rows: list[ImportRow]) -> None:
        self.write_each(rows, self._write_row)

    def _write_row(self, row: ImportRow) -> str:
        institution = one_line(row.values["institution"], "institution", 100)
        _record, created = HealthCheckRecord.objects.get_or_create(
            worker=row.context["worker"],
            checked_on=row.values["checked_on"],
            institution=institution,
            defaults={"org": self.by.org, "imported_by": self.by},
        )
        return CREATED if created else UNCHANGED

    def finish(self, result: ImportResult) -> None:
        record_event(
            None,
            "campaigns.check_records_imported",
            by=self.by,
            org=self.by.org,
            changes=result.summary(self.file_name),
        )


def import_check_records(
    file: Any, *, by: Any, mode: str = Mode.ALL_OR_NOTHING, file_name: str = ""
) -> ImportResult:
    """A hospital's list of checks done outside nuanjia, as check records of the caller's
    union (a caseworker or approver)."""
    services.require_planner(by, by.org)
    source = SheetSource(file, sheet_title=RECORD_TITLE, name=file_name)
    return run_import(source, RecordImporter(by=by, file_name=file_name), mode=mode)


def write_completion_template(destination: Any) -> None:
    instructions = _(
        "Health checks done: one person per row, from row 3 down. Columns marked * are "
        "required; point at a column name to read how to fill it."
    )
    build_template(COMPLETION_SHEET, destination, instructions=instructions)


def write_record_template(destination: Any) -> None:
    instructions = _(
        "Health checks done outside nuanjia: one person per row, from row 3 down. Columns "
        "marked * are required; point at a column name to read how to fill it."
    )
    build_template(RECORD_SHEET, destination, instructions=instructions)
