"""Training subsidy settlements as a payable kind ("skills.settlement"): approved settlements go
to the bank in a 对公 batch to the provider's account and come back paid or failed, each
move with its SettlementEvent (core.payable_rows). Reserved on approval, spent when the bank
paid, released when it failed; a failed one put into a new batch is reserved again."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import payables
from nuanjia.core.payable_rows import RowPayable
from nuanjia.core.payables import PayableItem

from .models import Settlement, SettlementEvent
from .rules import SETTLEMENT_SOURCE, SettlementStatus
from .services.settlements import reserve
from .workflow import SETTLEMENT_FLOW


class SkillsSettlementPayable(RowPayable):
    source_type = SETTLEMENT_SOURCE
    noun = "training subsidy"
    label = gettext_lazy("Training subsidies")
    model = Settlement
    event_model = SettlementEvent
    event_fk = "settlement_id"
    waiting = SettlementStatus.APPROVED
    related = ("org", "earmark")
    reference = "PX{pk:06d}"
    purpose = "培训补贴"
    item_fields = (
        "amount_fen", "provider__payee_name", "provider__account_encrypted",
        "provider__account_masked", "provider__bank_name",
    )  # fmt: skip

    def candidates(self, org: Any, earmark: Any) -> Any:
        waiting = (SettlementStatus.APPROVED, SettlementStatus.FAILED)
        return Settlement.objects.filter(org=org, earmark=earmark, status__in=waiting)

    def item(self, org: Any, earmark: Any, row: tuple[Any, ...]) -> PayableItem | None:
        if not row[3]:  # no account to pay to
            return None
        return self.line(org, earmark, row)

    def reserve_again(self, obj: Any, *, by: Any) -> int:
        reserve(obj, by=by)
        return int(obj.amount_fen)

    def nothing_ready(self, org: Any, earmark: Any) -> str:
        return _(
            "No approved training subsidy of %(org)s from %(earmark)s can go to the bank (you "
            "must not have prepared or approved it)."
        ) % {"org": org, "earmark": earmark}

    def not_in_batch(self) -> str:
        return _("The settlement is not in this batch.")

    def label_status(self, status: str) -> str:
        return str(SETTLEMENT_FLOW.label_status(status))

    def paid_fields(self) -> dict[str, Any]:
        return {"paid_on": timezone.localdate()}


SETTLEMENT_PAYABLE = SkillsSettlementPayable().kind()


def register() -> None:
    payables.register(SETTLEMENT_PAYABLE)
