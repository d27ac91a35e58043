"""The tax office's union-fee collection sheet (工会经费征收明细): one row per firm and period,
matched to the firm by its 统一社会信用代码/纳税人识别号. A row already imported (same firm
and period start) is left unchanged, so importing a sheet twice adds nothing. Firms outside
the importer's subtree or unknown are refused on their row."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core.audit import record_event
from nuanjia.core.codes import normalize_credit_code
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
from nuanjia.core.money import parse_yuan

from .models import FeeCollection, FirmProfile
from .services.common import FINANCE, may_act_for

SHEET_TITLE = "工会经费征收明细"
KINDS = {"工会经费": False, "工会筹备金": True}


def parse_day(text: str) -> datetime.date:
    typed = text.split(" ")[0].replace("/", "-").replace(".", "-")
    try:
        return datetime.datetime.strptime(typed, "%Y-%m-%d").date()
    except ValueError:
        raise ValidationError(_("Enter a date such as 2024-03-01.")) from None


def parse_money(text: str) -> int:
    try:
        return parse_yuan(text, allow_zero=True)
    except Exception as error:  # parse_yuan says what is wrong in Chinese
        raise ValidationError(str(getattr(error, "message", error))) from None


def parse_kind(text: str) -> bool:
    if text not in KINDS:
        raise ValidationError(_("Write one of %(names)s.") % {"names": "、".join(KINDS)})
    return KINDS[text]


COLLECTION_SHEET = SheetSpec(
    title=SHEET_TITLE,
    columns=(
        Column("统一社会信用代码/纳税人识别号", "code", required=True, text_only=True,
               parse=normalize_credit_code),
        Column("所属期起", "period_start", required=True, parse=parse_day),
        Column("所属期止", "period_end", required=True, parse=parse_day),
        Column("计缴工资总额", "payroll", required=True, parse=parse_money,
               note=gettext_lazy("In yuan, e.g. 125000.00.")),
        Column("工会经费", "fee", required=True, parse=parse_money),
        Column("入库日期", "paid_on", required=True, parse=parse_day),
        Column("费款类型", "kind", parse=parse_kind, choices=tuple(KINDS),
               note=gettext_lazy("Left empty: 工会经费.")),
    ),
    unique=(("code", "period_start"),),
)  # fmt: skip


class CollectionImporter(Importer):
    spec = COLLECTION_SHEET
    field_columns = {"code": "code", "period_start": "period_start"}

    def __init__(self, *, by, file_name: str = ""):
        self.by = by
        self.file_name = file_name

    def write(self, rows: list[ImportRow]) -> None:
        codes = {row.values["code"] for row in rows}
        firms = {
            firm.employer.credit_code: firm
            for firm in FirmProfile.objects.select_related("employer", "org").filter(
                employer__credit_code__in=codes
            )
        }
        existing = set(
            FeeCollection.objects.filter(firm__in=firms.values()).values_list(
                "firm_id", "period_start"
            )
        )
        new = []
        for row in rows:
            values = row.values
            firm = firms.get(values["code"])
            if firm is None or not may_act_for(self.by, firm.org, FINANCE):
                row.add_error("code", _("No firm of your area has this code: register it first."))
                continue
            if values["period_end"] < values["period_start"]:
                row.add_error("period_end", _("The period cannot end before it starts."))
                continue
            if (firm.pk, values["period_start"]) in existing:
                row.outcome = UNCHANGED
                continue
            new.append(FeeCollection(
                firm=firm, org=firm.org, period_start=values["period_start"],
                period_end=values["period_end"], payroll_fen=values["payroll"],
                fee_fen=values["fee"], paid_on=values["paid_on"],
                preparatory=bool(values.get("kind")),
            ))  # fmt: skip
            row.outcome = CREATED
        FeeCollection.objects.bulk_create(new)

    def finish(self, result: ImportResult) -> None:
        record_event(
            None, "enterprises.collections_imported", by=self.by, org=self.by.org,
            changes=result.summary(self.file_name),
        )  # fmt: skip


def import_collections(
    file, *, by, mode: str = Mode.ALL_OR_NOTHING, file_name: str = ""
) -> ImportResult:
    source = SheetSource(file, sheet_title=SHEET_TITLE, name=file_name)
    return run_import(source, CollectionImporter(by=by, file_name=file_name), mode=mode)


def write_collection_template(destination) -> None:
    instructions = _(
        "Union fees collected by the tax office: one firm and period per row, from row 3 down. "
        "Columns marked * are required."
    )
    build_template(COLLECTION_SHEET, destination, instructions=instructions)
