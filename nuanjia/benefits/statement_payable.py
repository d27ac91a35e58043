"""Merchant statements as a payable kind ("benefits.statement"): approved statements go to the
bank in a 对公 batch, to the account on the merchant's terms, and come back paid or failed,
each with its StatementEvent. Registered in benefits.registrations; the moves are
core.payable_rows'.

The money follows relief's grants: reserved on approval, spent when the bank paid, released
when it failed (by the batch, in its transaction). A failed statement may go into a new batch:
putting it in reserves its amount again, so what waits in a batch is always reserved.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import payables
from nuanjia.core.payable_rows import RowPayable
from nuanjia.core.payables import PayableItem

from .models import Statement, StatementEvent
from .rules import StatementStatus
from .services.statements import STATEMENT_SOURCE, reserve
from .workflow import STATEMENT_FLOW


class StatementPayable(RowPayable):
    source_type = STATEMENT_SOURCE
    noun = "merchant statement"
    label = gettext_lazy("Merchant statements")
    model = Statement
    event_model = StatementEvent
    event_fk = "statement_id"
    waiting = StatementStatus.APPROVED
    related = ("org", "earmark")
    reference = "DZ{pk:06d}"
    purpose = "普惠结算"
    item_fields = (
        "amount_fen", "terms__payee_name", "terms__account_encrypted", "terms__account_masked",
        "terms__bank_name",
    )  # fmt: skip

    def candidates(self, org: Any, earmark: Any) -> Any:
        waiting = (StatementStatus.APPROVED, StatementStatus.FAILED)
        return Statement.objects.filter(org=org, earmark=earmark, status__in=waiting)

    def item(self, org: Any, earmark: Any, row: tuple[Any, ...]) -> PayableItem:
        return self.line(org, earmark, row)

    def reserve_again(self, obj: Any, *, by: Any) -> int:
        reserve(obj, by=by)
        return int(obj.amount_fen)

    def nothing_ready(self, org: Any, earmark: Any) -> str:
        return _(
            "No approved merchant statement of %(org)s from %(earmark)s can go to the bank (you "
            "must not have prepared or approved it)."
        ) % {"org": org, "earmark": earmark}

    def not_in_batch(self) -> str:
        return _("The statement is not in this batch.")

    def label_status(self, status: str) -> str:
        return str(STATEMENT_FLOW.label_status(status))


STATEMENT_PAYABLE = StatementPayable().kind()


def register() -> None:
    payables.register(STATEMENT_PAYABLE)
