"""The member number (会员号): nuanjia's own number for every worker, made from the registry
row's id, so it is unique by construction, exists for every record imported or joined online
without a write, and never has to be backfilled or kept in step.

Format: "N", the id in 10 digits, a Luhn check digit (N000001234566). A card shows it; a scan
desk may type it with or without the N. It is never a bank card number: the co-branded bank
card (`Worker.member_card_number`) stays a sealed bank number of its own.
"""

from __future__ import annotations

PREFIX = "N"
ID_DIGITS = 10


def luhn_digit(digits: str) -> str:
    """The Luhn check digit of a string of digits."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def member_number(worker_id: int) -> str:
    body = f"{worker_id:0{ID_DIGITS}d}"
    return f"{PREFIX}{body}{luhn_digit(body)}"


def worker_id_of(number: str) -> int | None:
    """The registry id a typed member number names, or None when it is not one (wrong
    length, letters, a failed check digit)."""
    text = "".join(str(number or "").split()).upper().removeprefix(PREFIX)
    if len(text) != ID_DIGITS + 1 or not text.isascii() or not text.isdigit():
        return None
    body, check = text[:-1], text[-1]
    if luhn_digit(body) != check or int(body) == 0:
        return None
    return int(body)
