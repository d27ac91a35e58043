"""A local fake of the online-payment provider (produce.payments.PaymentAdapter): it keeps
its charges in memory and refuses amounts in REFUSED_FEN, like a declined card."""

from nuanjia.produce.payments import Charge

CHARGES: list[tuple[str, int, str]] = []
REFUSED_FEN: set[int] = set()


class FakeAdapter:
    def charge(self, *, order_reference: str, amount_fen: int, payer: str) -> Charge:
        if amount_fen in REFUSED_FEN:
            return Charge(ok=False, reason="余额不足")
        CHARGES.append((order_reference, amount_fen, payer))
        return Charge(ok=True, reference=f"FAKE-{len(CHARGES):04d}")
