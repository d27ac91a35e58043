"""Online payment of a gift bag's member price: an adapter interface the collection point's
payment provider implements, chosen in settings (PRODUCE_PAYMENT_ADAPTER, a dotted path).
Nothing calls out by default: without an adapter online payment is refused and the point
records cash or its own payment code. Tests use a local fake (tests/fake_payments.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Charge:
    """The provider's answer: paid or not, its reference, and why not."""

    ok: bool
    reference: str = ""
    reason: str = ""


class PaymentAdapter(Protocol):
    def charge(self, *, order_reference: str, amount_fen: int, payer: str) -> Charge:
        """Take `amount_fen` from the payer for the order; never raises for a refusal."""
        ...


def adapter() -> PaymentAdapter | None:
    path = getattr(settings, "PRODUCE_PAYMENT_ADAPTER", "")
    return import_string(path)() if path else None
