"""Approved claims as a payable kind ("mutualaid.claim"): the pool's union pays them in a 代发
batch to the member's account and each comes back paid or failed, exactly once (the ledger's
one spend per source). Registered in registrations; the moves are core.payable_rows'.

The money follows relief's grants: reserved in the pool's account on approval, spent when the
bank paid, released when it failed; a failed claim put into a new batch is reserved again."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import clock, payables
from nuanjia.core.payable_rows import RowPayable
from nuanjia.core.payables import PayableItem, PayeeKind

from .models import Claim, ClaimEvent
from .rules import SOURCE_CLAIM, ClaimStatus
from .services.decisions import reserve_payment
from .workflow import CLAIM_FLOW


class ClaimPayable(RowPayable):
    source_type = SOURCE_CLAIM
    noun = "claim"
    label = gettext_lazy("Mutual aid claims")
    model = Claim
    event_model = ClaimEvent
    event_fk = "claim_id"
    waiting = ClaimStatus.APPROVED
    makers = ("submitted_by", "approved_by")
    related = ("plan",)
    reference = "LP{pk:07d}"
    purpose = "互助保障金"
    payee_kind = PayeeKind.PERSON
    item_fields = (
        "approved_fen",
        "worker__name",
        "account_encrypted",
        "account_masked",
        "bank_name",
    )

    def candidates(self, org: Any, earmark: Any) -> Any:
        waiting = (ClaimStatus.APPROVED, ClaimStatus.FAILED)
        return Claim.objects.filter(pool_org=org, plan__earmark=earmark, status__in=waiting)

    def item(self, org: Any, earmark: Any, row: tuple[Any, ...]) -> PayableItem:
        return self.line(org, earmark, row)

    def reserve_again(self, obj: Any, *, by: Any) -> int:
        reserve_payment(obj, by=by)
        return int(obj.approved_fen)

    def nothing_ready(self, org: Any, earmark: Any) -> str:
        return _(
            "No approved mutual aid claim of %(org)s can go to the bank (you must not have "
            "entered or approved it)."
        ) % {"org": org}

    def not_in_batch(self) -> str:
        return _("The claim is not in this batch.")

    def label_status(self, status: str) -> str:
        return str(CLAIM_FLOW.label_status(status))

    def paid_fields(self) -> dict[str, Any]:
        return {"paid_on": clock.today()}


CLAIM_PAYABLE = ClaimPayable().kind()


def register() -> None:
    payables.register(CLAIM_PAYABLE)
