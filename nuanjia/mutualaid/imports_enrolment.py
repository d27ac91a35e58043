"""The enrolment sheet (参保名单): a union enrols its members into a plan from Excel, one member
a row (ID number, name, the term's start, the day the contribution was paid in full if it
was). Read once (core.imports.run_import_once): each chunk of rows is checked set-based (one
query for the chunk's workers, one for their terms already in the plan; errors name the row
and column) and written by COPY / executemany with reserved keys, inside one transaction —
an all-or-nothing import with a bad row is rolled back whole. The contributions of the whole
file are posted to the pool in one posting, with one audit event for the file."""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import bulk, clock, crypto
from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
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
    run_import_once,
)
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of
from nuanjia.orgs.queries import within
from nuanjia.people.models import Worker

from .models import Contribution, Enrolment, Plan, PlanVersion
from .rules import EnrolmentStatus, Payer, term_end, waiting_end
from .services.common import age_on, city_code_of, require_role, version_on
from .services.enrolment import post_contributions

SHEET_TITLE = "参保名单"
ENROLMENT_COLUMNS = (
    "id", "plan_id", "version_id", "worker_id", "org_id", "city_code", "starts_on", "ends_on",
    "contribution_fen", "paid_fen", "paid_in_full_on", "cover_starts_on", "waiting_ends_on",
    "is_continuous", "status", "refund_fen", "created_by_id", "created_at",
)  # fmt: skip
CONTRIBUTION_COLUMNS = (
    "enrolment_id",
    "payer",
    "amount_fen",
    "paid_on",
    "created_by_id",
    "created_at",
)


def _day(value: Any) -> datetime.date | None:
    """A date column read by bare SQL (SQLite may hand back its text)."""
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def parse_day(text: str) -> datetime.date:
    typed = text.split(" ")[0].replace("/", "-").replace(".", "-")
    try:
        year, month, day = typed.split("-")
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise ValidationError(_("Enter a date such as 2026-01-01.")) from None


_TODAY: list[Any] = [-1.0, None]  # (when read, the day): localdate() costs a row's parse


def _today() -> datetime.date:
    now = time.monotonic()
    if now - _TODAY[0] > 60:
        _TODAY[:] = [now, timezone.localdate()]
    day: datetime.date = _TODAY[1]
    return day


def parse_id(text: str) -> str:
    return validate_id_number(text, today=_today()).number


ENROLMENT_SHEET = SheetSpec(
    title=SHEET_TITLE,
    columns=(
        Column("身份证号", "id_number", required=True, parse=parse_id, text_only=True,
               note=gettext_lazy("18 characters, typed as text; the member must be in the registry.")),
        Column("姓名", "name", required=True),
        Column("起保日期", "starts_on", required=True, parse=parse_day, note=gettext_lazy("e.g. 2026-01-01.")),
        Column("缴费日期", "paid_on", parse=parse_day,
               note=gettext_lazy("The day the contribution was paid in full; empty if not yet.")),
    ),
    unique=(("id_number",),),
)  # fmt: skip


class EnrolmentImporter(Importer):
    spec = ENROLMENT_SHEET
    field_columns = {"worker": "id_number", "starts_on": "starts_on", "paid_on": "paid_on"}

    def __init__(self, plan: Plan, org: Org, *, by: Actor | None, file_name: str = "") -> None:
        self.plan, self.org, self.by, self.file_name = plan, org, by, file_name
        self.today = clock.today()
        self.versions: dict[datetime.date, PlanVersion | None] = {}
        self.subtree = set(Org.objects.filter(within(org.path)).values_list("pk", flat=True))
        self.city_code = city_code_of(org)
        self.paid_total = 0
        self.first_id = self.last_id = 0
        self.indexes: dict[str, str] = {}

    def _version(self, day: datetime.date) -> PlanVersion | None:
        if day not in self.versions:
            try:
                self.versions[day] = version_on(self.plan, day)
            except Exception:
                self.versions[day] = None
        return self.versions[day]

    def _workers(self, rows: list[ImportRow]) -> dict[str, dict[str, Any]]:
        """The registry's workers of the rows' ID numbers (the blind indexes computed once:
        the writing pass looks the workers up again, with the indexes of the checking pass)."""
        ring = crypto.field_keyring()
        index_of = {}
        for row in rows:
            number = row.values.get("id_number")
            if number:
                index = self.indexes.get(number)
                if index is None:
                    index = self.indexes[number] = ring.blind_index(
                        number, purpose=crypto.PURPOSE_ID_NUMBER
                    )
                index_of[row.number] = index
        table = Worker._meta.db_table
        found = bulk.select_in(
            f"SELECT id, id_number_index, name, birth_date, org_id, union_id FROM {table} "  # noqa: S608
            "WHERE merged_into_id IS NULL AND id_number_index IN",
            sorted(set(index_of.values())),
        )
        by_index: dict[str, dict[str, Any]] = {
            index: {
                "pk": pk,
                "name": name,
                "birth_date": _day(born),
                "org_id": org,
                "union_id": union,
            }
            for pk, index, name, born, org, union in found
        }
        return {
            str(number): by_index[index] for number, index in index_of.items() if index in by_index
        }

    def check(self, rows: list[ImportRow]) -> None:
        workers = self._workers(rows)
        ids = [w["pk"] for w in workers.values()]
        terms: dict[int, list[tuple[datetime.date, datetime.date]]] = {}
        existing = Enrolment.objects.filter(plan=self.plan, worker_id__in=ids).exclude(
            status=EnrolmentStatus.CANCELLED
        )
        for worker_id, start, end in existing.values_list("worker_id", "starts_on", "ends_on"):
            terms.setdefault(worker_id, []).append((start, end))
        for row in rows:
            self._check_row(row, workers.get(str(row.number)), terms)

    def _check_row(
        self, row: ImportRow, worker: dict[str, Any] | None, terms: dict[int, list[Any]]
    ) -> None:
        values = row.values
        if not values.get("id_number") or not values.get("starts_on"):
            return
        if worker is None or not (
            worker["org_id"] in self.subtree or worker["union_id"] in self.subtree
        ):
            row.add_error(
                "id_number", _("No member of this union has this ID number in the registry.")
            )
            return
        if worker["name"] != values.get("name"):
            row.add_error("name", _("The registry knows this ID number under another name."))
        version = self._version(values["starts_on"])
        if version is None:
            row.add_error("starts_on", _("The plan has no terms in force on this day."))
            return
        start, end = values["starts_on"], term_end(values["starts_on"], version.term_months)
        age = age_on(worker["birth_date"], start)
        if age is not None and not version.min_age <= age <= version.max_age:
            row.add_error("id_number", _("Aged %(age)d: outside the plan's ages.") % {"age": age})
        if any(s <= end and e >= start for s, e in terms.get(worker["pk"], ())):
            row.add_error("starts_on", _("Already enrolled in this plan for part of this term."))
        paid = values.get("paid_on") or None
        if paid and (paid > self.today or paid > end):
            row.add_error("paid_on", _("The payment date is in the future or after the term."))
        row.context.update(worker_id=worker["pk"], version=version, ends_on=end)

    def write(self, rows: list[ImportRow]) -> None:
        """Set-based: primary keys reserved, then the enrolments and their contributions
        inserted by executemany (what bulk_create would write, without its per-field cost)."""
        ids = bulk.reserve_ids(Enrolment._meta.db_table, len(rows))
        creator = staff_of(self.by)
        creator_id = creator.pk if creator else None
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        day = connection.ops.adapt_datefield_value
        enrolments, contributions = [], []
        for pk, row in zip(ids, rows, strict=True):
            values, context = row.values, row.context
            version: PlanVersion = context["version"]
            start, paid = values["starts_on"], values.get("paid_on") or None
            cover = max(start, paid) if paid else None
            waiting = waiting_end(cover, version.waiting_days) if cover else None
            fen = version.contribution_fen
            enrolments.append((
                pk, self.plan.pk, version.pk, context["worker_id"], self.org.pk, self.city_code,
                day(start), day(context["ends_on"]), fen, fen if paid else 0, day(paid), day(cover),
                day(waiting), False, EnrolmentStatus.ACTIVE.value if paid else EnrolmentStatus.UNPAID.value,
                0, creator_id, now,
            ))  # fmt: skip
            if paid:
                contributions.append((pk, Payer.UNION.value, fen, day(paid), creator_id, now))
                self.paid_total += fen
            row.outcome = CREATED
        bulk.copy_rows(Enrolment._meta.db_table, ENROLMENT_COLUMNS, enrolments)
        bulk.copy_rows(Contribution._meta.db_table, CONTRIBUTION_COLUMNS, contributions)
        if ids:
            self.first_id = self.first_id or ids[0]
            self.last_id = ids[-1]

    def finish(self, result: ImportResult) -> None:
        if self.paid_total:
            post_contributions(
                self.plan, self.org, self.paid_total, f"I{self.first_id}-{self.last_id}",
                f"{self.file_name[:100]} HZ{self.first_id:07d}–HZ{self.last_id:07d}",
            )  # fmt: skip
        record_event(
            self.plan, "mutualaid.enrolments_imported", by=self.by, org=self.org,
            changes={**result.counts(), "mode": result.mode, "file": self.file_name[:200],
                     "paid_fen": self.paid_total, "first_id": self.first_id, "last_id": self.last_id},
        )  # fmt: skip


def import_enrolments(
    file: Any,
    plan: Plan,
    org: Org,
    *,
    by: Actor | None,
    mode: str = Mode.ALL_OR_NOTHING,
    file_name: str = "",
) -> ImportResult:
    """Enrol the sheet's members of `org` into `plan`; the role is checked before a row is read."""
    require_role(by, org)
    source = SheetSource(file, sheet_title=SHEET_TITLE, name=file_name)
    importer = EnrolmentImporter(plan, org, by=by, file_name=file_name)
    return run_import_once(source, importer, mode=mode)


def write_enrolment_template(destination: Any) -> None:
    build_template(
        ENROLMENT_SHEET, destination,
        instructions=_("Mutual aid enrolment: one member per row, from row 3 down. Columns marked * are required."),
    )  # fmt: skip
