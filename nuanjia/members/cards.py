"""The electronic member card (电子会员卡): a QR whose text is signed and valid in the minute it
was issued and the next (never more than 120 s), so a screenshot of yesterday's card is
refused. The text: "NJ1.<member number>.<minute>.<signature>", the minute counted in whole
minutes since the epoch, the signature an HMAC of the rest under the server's secret (every
server process derives the same key)."""

from __future__ import annotations

import base64
import hmac
import time
from dataclasses import dataclass

from django.utils.crypto import salted_hmac

from nuanjia.people.membership import member_number, worker_id_of

VERSION = "NJ1"
MAX_AGE_SECONDS = 120


class CardRefused(Exception):
    """The text is not a card of ours, or it is too old; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _signature(body: str) -> str:
    digest = salted_hmac("nuanjia.members.card", body).digest()[:15]
    return base64.b32encode(digest).decode().rstrip("=")


def card_text(worker_id: int, now: float | None = None) -> str:
    minute = int((time.time() if now is None else now) // 60)
    body = f"{VERSION}.{member_number(worker_id)}.{minute}"
    return f"{body}.{_signature(body)}"


@dataclass(frozen=True)
class CardRead:
    worker_id: int
    issued_minute: int


def read_card(text: str, now: float | None = None) -> CardRead:
    """The worker a card text names, or CardRefused("invalid" | "expired")."""
    parts = str(text or "").strip().split(".")
    if len(parts) != 4 or parts[0] != VERSION or not parts[2].isdigit():
        raise CardRefused("invalid")
    body = ".".join(parts[:3])
    if not hmac.compare_digest(parts[3], _signature(body)):
        raise CardRefused("invalid")
    worker_id = worker_id_of(parts[1])
    if worker_id is None:
        raise CardRefused("invalid")
    minute = int(parts[2])
    age = (time.time() if now is None else now) - minute * 60
    if age < -5 or age > MAX_AGE_SECONDS:  # a few seconds of clock skew the other way
        raise CardRefused("expired")
    return CardRead(worker_id, minute)
