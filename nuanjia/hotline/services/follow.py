"""Public follow-up: a request found by its number and the last 4 digits of the phone."""

from __future__ import annotations

import hmac

from nuanjia.core.sealed_phones import last4_index

from ..models import Ticket

# ---- Public follow-up ---------------------------------------------------------------------


def follow_ticket(number: str, last4: str) -> Ticket | None:
    """The ticket when the number and the last 4 digits of its phone match, else None: an
    unknown number and a wrong phone get the same answer, in about the same time."""
    number = str(number or "").strip().upper()[:24]
    last4 = "".join(char for char in str(last4 or "") if char.isdigit())
    ticket = Ticket.objects.select_related("org").filter(number=number).first()
    # The phone is sealed: the digits typed are compared through the last-4 blind index.
    offered = last4_index(last4) if len(last4) == 4 else ""
    expected = ticket.caller_phone_last4_index if ticket is not None else "-" * 64
    matches = bool(offered) and hmac.compare_digest(expected.encode(), offered.encode())
    return ticket if ticket is not None and matches else None
