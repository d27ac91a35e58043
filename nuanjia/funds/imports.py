"""The bulk allocation sheet (资金下拨表): one row per child union, amount in 元.

"2560万元 over 18 cities" arrives as a spreadsheet: union code, union name (checked against
the code), amount. The whole sheet is posted or nothing is: every row is checked first
(row and column named in Chinese), then `services.allocate_many` posts all rows in one
transaction, refusing the lot if the total exceeds the available balance.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core.actors import Actor
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
    check_upload,
    commit_upload,
)
from nuanjia.core.money import format_yuan, parse_yuan
from nuanjia.orgs.models import Org

from . import services
from .models import Earmark, Transaction

SHEET_TITLE = "资金下拨"


def parse_amount(text: str) -> int:
    try:
        return parse_yuan(text, field="amount", label="金额（元）")
    except RuleViolation as error:
        raise ValidationError(error.message) from None


ALLOCATION_SHEET = SheetSpec(
    title=SHEET_TITLE,
    columns=(
        Column(
            "工会代码",
            "code",
            required=True,
            parse=str.upper,
            note=gettext_lazy("The code of a union directly under yours, e.g. 410100 for 郑州."),
        ),
        Column(
            "工会名称",
            "name",
            note=gettext_lazy("Optional; when given it must match the code."),
        ),
        Column(
            "金额（元）",
            "amount",
            required=True,
            parse=parse_amount,
            note=gettext_lazy("In yuan with at most two decimals."),
        ),
    ),
    unique=(("code",),),
)


class AllocationImporter(Importer):
    """Checks each row against the children of `from_org`; posts them all in `finish`."""

    spec = ALLOCATION_SHEET

    def __init__(
        self,
        from_org: Org,
        earmark: Earmark,
        *,
        by: Actor,
        memo: str = "",
        posted_on: datetime.date | None = None,
    ) -> None:
        self.from_org = from_org
        self.earmark = earmark
        self.by = by
        self.memo = memo
        self.posted_on = posted_on
        self.children = {org.code: org for org in Org.objects.filter(parent=from_org)}
        self.rows: list[tuple[Org, int]] = []
        self.transactions: list[Transaction] = []

    def check(self, rows: list[ImportRow]) -> None:
        for row in rows:
            code = row.values.get("code")
            if code is None:
                continue
            org = self.children.get(code)
            if org is None:
                row.add_error(
                    "code",
                    _("%(code)s is not a union directly under %(org)s.")
                    % {"code": code, "org": self.from_org},
                )
                continue
            name = row.values.get("name", "")
            if name and name not in org.name:
                row.add_error(
                    "name",
                    _("The name does not match code %(code)s (%(name)s).")
                    % {"code": code, "name": org.name},
                )
            row.context["org"] = org

    def write(self, rows: list[ImportRow]) -> None:
        for row in rows:
            self.rows.append((row.context["org"], row.values["amount"]))
            row.outcome = CREATED

    def finish(self, result: ImportResult) -> None:
        self.transactions = services.allocate_many(
            self.from_org,
            self.earmark,
            self.rows,
            by=self.by,
            memo=self.memo,
            posted_on=self.posted_on,
        )

    @property
    def total_fen(self) -> int:
        return sum(amount for _org, amount in self.rows)


def import_allocations(
    upload: Any,
    *,
    from_org: Org,
    earmark: Earmark,
    by: Actor,
    memo: str = "",
    posted_on: datetime.date | None = None,
) -> tuple[ImportResult, AllocationImporter]:
    """Check the sheet and, if every row is right, post all its allocations (or none)."""
    importer = AllocationImporter(from_org, earmark, by=by, memo=memo, posted_on=posted_on)
    source = SheetSource(upload, sheet_title=SHEET_TITLE, name=getattr(upload, "name", ""))
    result = check_upload(source, importer, mode=Mode.ALL_OR_NOTHING)
    if result.can_commit:
        try:
            commit_upload(result, importer)
        except RuleViolation as error:
            result.committed = False
            result.created = 0
            importer.rows = []
            result.sheet_errors.append(error.message)
    return result, importer


def write_allocation_template(destination: Any, *, from_org: Org) -> None:
    children = list(Org.objects.filter(parent=from_org).order_by("code"))
    build_template(
        ALLOCATION_SHEET,
        destination,
        instructions=_(
            "Allocation from %(org)s: one row per union directly under it, the amount in yuan. "
            "The whole sheet is posted or nothing is."
        )
        % {"org": from_org},
        options={"code": [org.code for org in children]},
    )


def describe_total(importer: AllocationImporter) -> str:
    return format_yuan(importer.total_fen)
