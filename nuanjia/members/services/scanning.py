"""The one scan service (扫码核验) every desk uses — breakfasts, redemptions, bookings,
stations: it reads a card QR (or a typed member number with the last 4 of the ID, for a
member without a phone) and answers only the masked name and the card's status for that use.

A use is registered by the app that serves it (`register_use`); "membership" (会员身份核验)
is the members app's own."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from nuanjia.core.errors import RuleViolation
from nuanjia.core.masking import mask_name
from nuanjia.core.prepared import hot_cursor
from nuanjia.people.membership import member_number, worker_id_of
from nuanjia.people.models import Worker

from ..cards import CardRefused, read_card


class CardStatus:
    VALID = "valid"  # a member now
    NOT_MEMBER = "not_member"  # in the registry, not (or no longer) a member
    EXPIRED = "expired"  # the QR is older than 120 s: ask for the card again
    INVALID = "invalid"  # not a card of ours, or the number and ID do not match


@dataclass(frozen=True)
class Use:
    name: str
    label: Any
    # (worker id, is a member) -> the status for this use; the membership use returns it as is
    status: Callable[[int, bool], str]


_uses: dict[str, Use] = {}


def register_use(use: Use) -> Use:
    _uses[use.name] = use
    return use


def uses() -> dict[str, Use]:
    return dict(_uses)


register_use(
    Use(
        "membership",
        _("Member check"),
        lambda _worker_id, is_member: CardStatus.VALID if is_member else CardStatus.NOT_MEMBER,
    )
)


@dataclass(frozen=True)
class ScanResult:
    status: str
    name: str = ""  # masked
    member_number: str = ""
    # Kept for the caller (a partner's scan list, a consent check); never shown as such.
    worker_id: int | None = field(default=None, repr=False)
    full_name: str = field(default="", repr=False)

    def with_name_shown(self) -> ScanResult:
        """The result with the name in full (the member consented for this partner)."""
        return replace(self, name=self.full_name or self.name)


ROW_FIELDS = ("name", "union", "merged_into", "id_last4")


@functools.cache
def _worker_row_sql(vendor: str) -> str:
    """`SELECT name, union_id, merged_into_id, id_last4 FROM people_worker WHERE id = %s`,
    quoted for `vendor`. Built once: Django spends several times longer building a one-row
    SELECT than the database takes to run it, and a desk scans many cards a second."""
    meta = Worker._meta
    quote = connection.ops.quote_name
    column_of = {column.name: str(column.column) for column in meta.concrete_fields}
    columns = ", ".join(quote(column_of[name]) for name in ROW_FIELDS)
    key = quote(column_of[meta.pk.name])
    return f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {key} = %s"  # noqa: S608 -- our own table and columns


def _worker_row(worker_id: int) -> dict[str, Any] | None:
    """The scanned worker's name, union, merged_into and last 4 of the ID (None when there
    is no such row): one look-up by primary key."""
    with hot_cursor() as cursor:
        cursor.execute(_worker_row_sql(connection.vendor), [worker_id])
        row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip(("name", "union_id", "merged_into_id", "id_last4"), row, strict=True))


def card_worker_id(code: str = "", number: str = "") -> int | str | None:
    """The registry id the card names (no query): a QR's signed id, or a typed member
    number's (None when the number is not one); a refused QR's status instead of an id."""
    if code:
        try:
            return read_card(code).worker_id
        except CardRefused as refused:
            return refused.reason
    if number:
        return worker_id_of(number)
    raise RuleViolation(_("Scan the card or type the member number."), field="code")


def scan_result(
    use: str, worker_id: int | None, row: dict[str, Any] | None, *, typed: bool,
    id_last4: str = "",
) -> ScanResult:  # fmt: skip
    """The answer for `use` once the worker's row (`ROW_FIELDS`, or None) is read: a fast
    path that reads the row in a statement of its own passes it here, as `scan` does."""
    spec = _uses.get(use)
    if spec is None:
        raise RuleViolation(_("Unknown use."), field="use")
    if row is None or (typed and (not id_last4 or row["id_last4"] != id_last4.strip().upper())):
        return ScanResult(CardStatus.INVALID)
    assert worker_id is not None
    is_member = row["union_id"] is not None and row["merged_into_id"] is None
    return ScanResult(
        spec.status(worker_id, is_member),
        mask_name(row["name"]),
        member_number(worker_id),
        worker_id=worker_id,
        full_name=row["name"],
    )


def scan(
    *, use: str = "membership", code: str = "", number: str = "", id_last4: str = ""
) -> ScanResult:
    """Check a card for `use`. Pass the QR text as `code`, or `number` with `id_last4`."""
    if use not in _uses:
        raise RuleViolation(_("Unknown use."), field="use")
    worker_id = card_worker_id(code, number)
    if isinstance(worker_id, str):
        return ScanResult(worker_id)
    row = _worker_row(worker_id) if worker_id else None
    return scan_result(use, worker_id, row, typed=not code, id_last4=id_last4)
