"""The refund of rent already paid for relieved months as a payable kind
("enterprises.rent_refund"): an approved relief's refund goes to the bank in a 对公 batch, to the
tenant firm's account, and comes back paid or failed with a history row on the relief. The
refund has its own status beside the relief's (which stays approved); the moves are
core.payable_rows'.

The money follows relief's grants: reserved on approval, spent when the bank paid, released
when it failed (by the batch, in its transaction). A failed refund may go into a new batch:
putting it in reserves its amount again."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import payables
from nuanjia.core.payable_rows import EventRow, RowPayable
from nuanjia.core.payables import PayableItem

from .models import RentRelief, RentReliefEvent
from .rules import RefundStatus, ReliefStatus
from .services.relief import RENT_REFUND_SOURCE, reserve_refund


class RefundPayable(RowPayable):
    source_type = RENT_REFUND_SOURCE
    noun = "rent_refund"
    label = gettext_lazy("Rent refunds")
    model = RentRelief
    event_model = RentReliefEvent
    event_fk = "relief_id"
    status_field = "refund_status"
    waiting = RefundStatus.WAITING
    makers = ("proposed_by", "approved_by")
    related = ("payer", "earmark")
    reference = "JM{pk:06d}"
    purpose = "房租减免退款"
    item_fields = (
        "refund_fen", "lease__tenant__account_name", "lease__tenant__employer__name",
        "lease__tenant__account_encrypted", "lease__tenant__account_masked",
        "lease__tenant__bank_name",
    )  # fmt: skip

    def candidates(self, org: Any, earmark: Any) -> Any:
        """Approved reliefs' refunds to firms with an account."""
        return RentRelief.objects.filter(
            payer=org, earmark=earmark, status=ReliefStatus.APPROVED,
            refund_status__in=(RefundStatus.WAITING, RefundStatus.FAILED),
        ).exclude(lease__tenant__account_encrypted="")  # fmt: skip

    def item(self, org: Any, earmark: Any, row: tuple[Any, ...]) -> PayableItem:
        pk, amount, account_name, firm, *account = row
        return self.line(org, earmark, (pk, amount, (account_name or firm)[:100], *account))

    def reserve_again(self, obj: Any, *, by: Any) -> int:
        reserve_refund(obj, by=by)
        return int(obj.refund_fen)

    def nothing_ready(self, org: Any, earmark: Any) -> str:
        return _(
            "No approved rent refund of %(org)s from %(earmark)s can go to the bank (you must "
            "not have proposed or approved it, and the firm needs an account)."
        ) % {"org": org, "earmark": earmark}

    def not_in_batch(self) -> str:
        return _("The refund is not in this batch.")

    def label_status(self, status: str) -> str:
        return str(RefundStatus(status).label)

    def event(self, row: EventRow) -> dict[str, Any]:
        """The relief stays approved; the refund's own move is in the changes."""
        fields = super().event(row)
        source, target, changes = row[2], row[3], row[5]
        fields["changes"] = {**changes, "refund_status": [source, target]}
        fields["from_status"] = fields["to_status"] = ReliefStatus.APPROVED
        return fields


RENT_REFUND_PAYABLE = RefundPayable().kind()


def register() -> None:
    payables.register(RENT_REFUND_PAYABLE)
