"""Partner settlements as a payable kind ("campaigns.settlement"): approved statements go to the
bank in a 对公 batch, to the account on the contract, and come back paid or failed, each with
its SettlementEvent. Registered in campaigns.registrations; the moves are core.payable_rows'.

The money follows relief's grants: reserved on approval, spent when the bank paid, released
when it failed (by the batch, in its transaction). A failed settlement may go into a new batch:
putting it in reserves its amount again, so what waits in a batch is always reserved.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import payables
from nuanjia.core.payable_rows import RowPayable
from nuanjia.core.payables import PayableItem

from .models import Settlement, SettlementEvent
from .rules import ActivityKind, SettlementStatus
from .services.settlements import SETTLEMENT_SOURCE, reserve
from .workflow import SETTLEMENT_FLOW

# 用途 on the bank file, by the kind of activity settled.
PURPOSES = {
    ActivityKind.HEALTH_CHECK: "体检结算",
    ActivityKind.BREAKFAST: "早餐结算",
    ActivityKind.TRIP: "疗休养结算",
}


class SettlementPayable(RowPayable):
    source_type = SETTLEMENT_SOURCE
    noun = "settlement"
    label = gettext_lazy("Partner settlements")
    model = Settlement
    event_model = SettlementEvent
    event_fk = "settlement_id"
    waiting = SettlementStatus.APPROVED
    related = ("org", "earmark")
    reference = "JS{pk:06d}"
    item_fields = (
        "amount_fen", "activity__kind", "contract__payee_name", "contract__account_encrypted",
        "contract__account_masked", "contract__bank_name",
    )  # fmt: skip

    def candidates(self, org: Any, earmark: Any) -> Any:
        waiting = (SettlementStatus.APPROVED, SettlementStatus.FAILED)
        return Settlement.objects.filter(org=org, earmark=earmark, status__in=waiting)

    def item(self, org: Any, earmark: Any, row: tuple[Any, ...]) -> PayableItem:
        pk, amount, kind, *payee = row
        return self.line(org, earmark, (pk, amount, *payee), purpose=PURPOSES.get(kind, "结算"))

    def reserve_again(self, obj: Any, *, by: Any) -> int:
        reserve(obj, by=by)
        return int(obj.amount_fen)

    def nothing_ready(self, org: Any, earmark: Any) -> str:
        return _(
            "No approved settlement of %(org)s from %(earmark)s can go to the bank (you must "
            "not have prepared or approved it)."
        ) % {"org": org, "earmark": earmark}

    def not_in_batch(self) -> str:
        return _("The settlement is not in this batch.")

    def label_status(self, status: str) -> str:
        return str(SETTLEMENT_FLOW.label_status(status))


SETTLEMENT_PAYABLE = SettlementPayable().kind()


def register() -> None:
    payables.register(SETTLEMENT_PAYABLE)
