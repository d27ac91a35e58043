"""Buy-to-help orders as a payable kind ("produce.order"): received orders go to the bank in a
batch, to the producer's account (a farmer's own account 代发, a cooperative's or firm's 对公),
and come back paid or failed, each with its HelpOrderEvent. Registered in registrations; the
moves are core.payable_rows'.

The money follows campaigns' settlements: reserved on approval, spent when the bank paid,
released when it failed (by the batch, in its transaction); a failed order put in a new
batch has its amount reserved again."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import clock, payables
from nuanjia.core.payable_rows import RowPayable
from nuanjia.core.payables import PayableItem, PayeeKind

from .models import HelpOrder, HelpOrderEvent, OrderLine
from .rules import OrderStatus, ProducerKind
from .services.orders import ORDER_SOURCE, reserve
from .workflow import ORDER_FLOW


class OrderPayable(RowPayable):
    source_type = ORDER_SOURCE
    noun = "order"
    label = gettext_lazy("Buy-to-help orders")
    model = HelpOrder
    event_model = HelpOrderEvent
    event_fk = "order_id"
    waiting = OrderStatus.RECEIVED
    makers = ("submitted_by", "approved_by")
    related = ("org", "earmark")
    reference = "XF{pk:06d}"
    purpose = "消费帮扶货款"
    item_fields = (
        "amount_fen", "producer__kind", "producer__payee_name", "producer__name",
        "producer__account_encrypted", "producer__account_masked", "producer__bank_name",
    )  # fmt: skip

    def candidates(self, org: Any, earmark: Any) -> Any:
        """Received (or failed) orders of the union and earmark, to producers with an account."""
        waiting = (OrderStatus.RECEIVED, OrderStatus.FAILED)
        found = HelpOrder.objects.filter(org=org, earmark=earmark, status__in=waiting)
        return found.exclude(producer__account_encrypted="")

    def item(self, org: Any, earmark: Any, row: tuple[Any, ...]) -> PayableItem:
        pk, amount, kind, payee, name, *account = row
        person = kind == ProducerKind.FARMER
        return self.line(
            org, earmark, (pk, amount, payee or name, *account),
            payee_kind=PayeeKind.PERSON if person else PayeeKind.ORGANISATION,
        )  # fmt: skip

    def reserve_again(self, obj: Any, *, by: Any) -> int:
        reserve(obj, by=by)
        return int(obj.amount_fen)

    def nothing_ready(self, org: Any, earmark: Any) -> str:
        return _(
            "No received buy-to-help order of %(org)s from %(earmark)s can go to the bank (you "
            "must not have submitted or approved it, and the producer needs an account)."
        ) % {"org": org, "earmark": earmark}

    def not_in_batch(self) -> str:
        return _("The order is not in this batch.")

    def label_status(self, status: str) -> str:
        return str(ORDER_FLOW.label_status(status))

    def paid_fields(self) -> dict[str, Any]:
        return {"paid_on": clock.today()}

    def after_paid(self, ids: list[int]) -> None:
        """Paid to the producer: the lines count as 帮助增收 from now on."""
        OrderLine.objects.filter(order_id__in=ids).update(paid=True)


ORDER_PAYABLE = OrderPayable().kind()


def register() -> None:
    payables.register(ORDER_PAYABLE)
