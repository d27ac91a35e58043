"""Fee rebates as a payable kind ("enterprises.fee_rebate"): approved rebates go to the bank in
a 对公 batch, to the firm's union account; paid or failed by the bank's results. The money was
reserved per rebate on approval; the batch spends or releases it; a failed rebate put in a new
batch is reserved again. The rebate batch that staged them is their record (no history rows
of their own); the moves are core.payable_rows'."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import payables
from nuanjia.core.payable_rows import RowPayable
from nuanjia.core.payables import PayableItem
from nuanjia.funds import services as funds

from .models import Rebate
from .rules import RebateStatus
from .services.rebates import REBATE_SOURCE


class RebatePayable(RowPayable):
    source_type = REBATE_SOURCE
    noun = "fee_rebate"
    label = gettext_lazy("Union fee rebates")
    model = Rebate
    batch_field = "payment_batch"
    waiting = RebateStatus.APPROVED
    makers = ("batch__staged_by", "batch__approved_by")
    related = ("org", "earmark")
    stamped = False
    reference = "FK{pk:08d}"
    purpose = "工会经费返还"
    item_fields = (
        "amount_fen", "firm__union_account_name", "firm__employer__name",
        "firm__union_account_encrypted", "firm__union_account_masked", "firm__union_bank_name",
    )  # fmt: skip

    def candidates(self, org: Any, earmark: Any) -> Any:
        waiting = (RebateStatus.APPROVED, RebateStatus.FAILED)
        return Rebate.objects.filter(org=org, earmark=earmark, status__in=waiting)

    def item(self, org: Any, earmark: Any, row: tuple[Any, ...]) -> PayableItem | None:
        pk, amount, name, firm, *account = row
        if amount <= 0:
            return None
        return self.line(org, earmark, (pk, amount, (name or f"{firm}工会")[:100], *account))

    def reserve_again(self, obj: Any, *, by: Any) -> int:
        funds.reserve(
            funds.account_for(obj.org, obj.earmark), obj.amount_fen, by=by,
            source_type=REBATE_SOURCE, source_id=str(obj.pk), memo=str(obj),
        )  # fmt: skip
        return int(obj.amount_fen)

    def nothing_ready(self, org: Any, earmark: Any) -> str:
        return _(
            "No approved fee rebate of %(org)s from %(earmark)s can go to the bank (you must "
            "not have staged or approved it)."
        ) % {"org": org, "earmark": earmark}

    def not_in_batch(self) -> str:
        return _("The rebate is not in this batch.")

    def label_status(self, status: str) -> str:
        return str(RebateStatus(status).label)


REBATE_PAYABLE = RebatePayable().kind()


def register() -> None:
    payables.register(REBATE_PAYABLE)
