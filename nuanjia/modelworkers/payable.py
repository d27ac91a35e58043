"""Approved help payments as a payable kind ("modelworkers.help"): the union pays them in a
代发 batch to the model worker's own account (the registry's, encrypted) and each comes back
paid or failed, exactly once. The moves are core.payable_rows'; the money follows relief's
grants: reserved on approval, spent when paid, released when failed, reserved again when a
failed one goes into a new batch."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import clock, payables
from nuanjia.core.payable_rows import RowPayable
from nuanjia.core.payables import PayableItem, PayeeKind

from .models import HelpPayment, HelpPaymentEvent
from .rules import HELP_SOURCE, PaymentStatus
from .services.help import reserve
from .workflow import PAYMENT_FLOW


class HelpPayable(RowPayable):
    source_type = HELP_SOURCE
    noun = "model worker help"
    label = gettext_lazy("Help for model workers in difficulty")
    model = HelpPayment
    event_model = HelpPaymentEvent
    event_fk = "payment_id"
    waiting = PaymentStatus.APPROVED
    makers = ("proposed_by", "approved_by")
    related = ("org", "earmark")
    reference = "LB{pk:06d}"
    purpose = "困难劳模帮扶金"
    payee_kind = PayeeKind.PERSON
    item_fields = (
        "amount_fen", "worker__name", "worker__bank_account_encrypted",
        "worker__bank_account_masked", "worker__bank_name",
    )  # fmt: skip

    def candidates(self, org: Any, earmark: Any) -> Any:
        waiting = (PaymentStatus.APPROVED, PaymentStatus.FAILED)
        found = HelpPayment.objects.filter(org=org, earmark=earmark, status__in=waiting)
        return found.exclude(worker__bank_account_encrypted="")

    def item(self, org: Any, earmark: Any, row: tuple[Any, ...]) -> PayableItem:
        return self.line(org, earmark, row)

    def reserve_again(self, obj: Any, *, by: Any) -> int:
        reserve(obj, by=by)
        return int(obj.amount_fen)

    def nothing_ready(self, org: Any, earmark: Any) -> str:
        return _(
            "No approved model worker help payment of %(org)s can go to the bank (you must not "
            "have proposed or approved it, and the worker needs a bank account)."
        ) % {"org": org}

    def not_in_batch(self) -> str:
        return _("The payment is not in this batch.")

    def label_status(self, status: str) -> str:
        return str(PAYMENT_FLOW.label_status(status))

    def paid_fields(self) -> dict[str, Any]:
        return {"paid_on": clock.today()}


HELP_PAYABLE = HelpPayable().kind()


def register() -> None:
    payables.register(HELP_PAYABLE)
