"""Bulk posting: many postings in one set-based write (`post_many`) and a batch's settlement (`settle_many`)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Model, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core import bulk, clock
from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.money import MAX_FEN, check_fen
from nuanjia.orgs.models import Org

from ..models import Bucket, ClosedPeriod, Entry, FundAccount, Transaction
from .common import (
    BUCKET_FIELDS,
    Kind,
    Leg,
    Posting,
    Settlement,
    _check_open,
    _integrity_violation,
    _lock,
    _memo,
    _posted_on,
    _require_finance,
    _require_in_scope,
    _short,
    _source,
)
from .postings import _not_held

# ---- Bulk posting ---------------------------------------------------------------------------

BULK_KINDS = frozenset(
    {Kind.RECEIVE, Kind.ALLOCATE, Kind.RESERVE, Kind.RELEASE, Kind.SPEND, Kind.RETURN}
)
_TRANSACTION_COLUMNS = (
    "id",
    "kind",
    "org_id",
    "counterpart_org_id",
    "earmark_id",
    "amount_fen",
    "memo",
    "source_type",
    "source_id",
    "reverses_id",
    "created_by_id",
    "created_at",
    "posted_on",
)
_ENTRY_COLUMNS = ("transaction_id", "account_id", "bucket", "counterparty", "amount_fen")


def _reserve_ids(model: type[Model], count: int) -> list[int]:
    """`count` fresh primary keys for `model`, taken before inserting rows with them."""
    return bulk.reserve_ids(model._meta.db_table, count)


def _check_held_in_bulk(drawn: dict[tuple[int, str, str], int]) -> None:
    """Sources whose releases and payments in a batch exceed what the batch reserves for
    them must hold the difference from earlier reservations (one query per 500 sources)."""
    by_type: dict[str, set[str]] = defaultdict(set)
    for _account_id, source_type, source_id in drawn:
        by_type[source_type].add(source_id)
    held: dict[tuple[int, str, str], int] = defaultdict(int)
    for source_type, source_ids in by_type.items():
        ordered = sorted(source_ids)
        for start in range(0, len(ordered), 500):
            rows = (
                Entry.objects.filter(
                    bucket=Bucket.RESERVED,
                    transaction__source_type=source_type,
                    transaction__source_id__in=ordered[start : start + 500],
                )
                .values("account_id", "transaction__source_id")
                .annotate(total=Sum("amount_fen"))
                .order_by()
            )
            for row in rows:
                key = (row["account_id"], source_type, row["transaction__source_id"])
                held[key] += row["total"]
    for key in sorted(drawn):
        if held[key] + drawn[key] < 0:
            _account_id, source_type, source_id = key
            raise _not_held(f"{source_type}:{source_id}", held[key], -drawn[key], _("post"))


@transaction.atomic
def post_many(postings: Sequence[Posting], *, by: Actor | None, memo: str = "") -> int:
    """Write many postings at once, set-based; returns how many transactions were written.

    Why it exists: the per-transaction services cost a few queries and an audit event each
    (the audit chain is one row every write locks), which is right for people at pages and
    far too slow for loading history or a province-wide run — about 200 postings a second on
    SQLite, so 1,000,000 would take well over an hour. This path keeps every invariant of the services and pays for each once per batch:

    - each posting's entries sum to zero and its amount is positive (checked here, in
      Python, and by the database constraints);
    - every account touched is locked once, in primary-key order, and its balance columns
      move once by the net of its entries; the final balances are checked and named if
      negative (and the CheckConstraints refuse them anyway). Order inside the batch does not
      matter: the batch is atomic, so only its end state is ever visible;
    - closed periods and future dates are refused, a source is spent at most once (checked,
      and the unique constraint still holds), a source's releases and payments are covered by
      its own reservations, finance role is required for finance kinds, and every account
      moved must lie in the person's subtree;
    - one audit event records the batch (count, total, kinds) instead of one per posting.

    Rows go in through executemany with primary keys reserved up front, so no per-row
    round trip is needed to learn a transaction's id for its entries.
    """
    if not postings:
        return 0
    batch = _BulkBatch(by, _memo(memo), len(postings))
    for transaction_id, posting in zip(batch.transaction_ids, postings, strict=True):
        batch.add(transaction_id, posting)
    batch.check_closed_periods()
    batch.check_spent_before()
    batch.check_reservations_cover()
    batch.lock_and_check_balances()
    batch.insert()
    batch.audit(postings)
    return len(postings)


SOURCED_KINDS = (Kind.RESERVE, Kind.RELEASE, Kind.SPEND)


def _already_paid(source: str) -> RuleViolation:
    return RuleViolation(
        _("%(source)s has already been paid; a payment is made at most once.") % {"source": source},
        code="already_spent",
    )


class _BulkBatch:
    """One `post_many` call: the rows it builds, the figures it checks, in that order."""

    def __init__(self, by: Actor | None, memo: str, count: int) -> None:
        self.by = by
        self.memo = memo
        self.today = clock.today()
        self.accounts: dict[int, FundAccount] = {}
        self.deltas: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.orgs_by_month: dict[tuple[int, int], set[int]] = defaultdict(set)
        self.spend_sources: set[tuple[str, str]] = set()
        self.checked_orgs: set[int] = set()
        # (account id, source type, source id) -> net 分 moved into reserved by this batch
        self.held_moves: dict[tuple[int, str, str], int] = defaultdict(int)
        self.actor_id = by.pk if by is not None and by.is_authenticated else None
        self.created_at = connection.ops.adapt_datetimefield_value(timezone.now())
        self.dates: dict[datetime.date, object] = {}
        # Keys first (a refused batch only leaves a gap in the sequence), so one pass over
        # the postings both checks them and builds their rows.
        self.transaction_ids = _reserve_ids(Transaction, count)
        self.transaction_rows: list[tuple[Any, ...]] = []
        self.entry_rows: list[tuple[int, int | None, str, str, int]] = []
        self.locked_ids: list[int] = []

    def add(self, transaction_id: int, posting: Posting) -> None:
        """Check one posting and build its transaction row and entry rows."""
        kind, amount = posting.kind, posting.amount_fen
        if kind not in BULK_KINDS:
            raise RuleViolation(
                _("%(kind)s cannot be posted in bulk.") % {"kind": kind}, code="bulk_kind"
            )
        if type(amount) is not int or not 0 < amount <= MAX_FEN:
            check_fen(amount)
        source_id = str(posting.source_id) if posting.source_type else ""
        if kind in SOURCED_KINDS:
            self._check_source(kind, posting.source_type, source_id)
        self._check_org(kind, posting.org)
        posted_on = posting.posted_on or self.today
        if posted_on not in self.dates:
            _posted_on(posted_on)
            self.dates[posted_on] = connection.ops.adapt_datefield_value(posted_on)
        self._add_legs(transaction_id, posting, source_id, posted_on)
        self.transaction_rows.append(
            (
                transaction_id,
                kind,
                posting.org.pk,
                posting.counterpart_org.pk if posting.counterpart_org else None,
                posting.earmark.pk,
                amount,
                posting.memo or self.memo,
                posting.source_type,
                source_id,
                None,
                self.actor_id,
                self.created_at,
                self.dates[posted_on],
            )
        )

    def _check_source(self, kind: str, source_type: str, source_id: str) -> None:
        _source(source_type, source_id)
        if kind == Kind.SPEND:
            key = (source_type, source_id)
            if key in self.spend_sources:
                raise _already_paid(":".join(key))
            self.spend_sources.add(key)

    def _check_org(self, kind: str, org: Org) -> None:
        if org.pk in self.checked_orgs:
            return
        if kind in SOURCED_KINDS:
            _require_in_scope(self.by, org)
        else:
            _require_finance(self.by, org)
        self.checked_orgs.add(org.pk)

    def _add_legs(
        self, transaction_id: int, posting: Posting, source_id: str, posted_on: datetime.date
    ) -> None:
        """The posting's entries: they sum to zero, touch its own org's account and at most
        its counterpart's, and move the accounts' balance deltas."""
        month_orgs = self.orgs_by_month[(posted_on.year, posted_on.month)]
        org_id = posting.org.pk
        counterpart_id = posting.counterpart_org.pk if posting.counterpart_org else None
        is_sourced = posting.kind in SOURCED_KINDS
        total = 0
        owned = False
        for leg in posting.legs:
            account = leg.account
            total += leg.amount_fen
            if account is None:
                if leg.bucket != Bucket.EXTERNAL:
                    raise ValueError("an entry without an account must be external")
                self.entry_rows.append(
                    (transaction_id, None, leg.bucket, leg.counterparty, leg.amount_fen)
                )
                continue
            account_id = account.pk
            self.accounts[account_id] = account
            self.deltas[account_id][BUCKET_FIELDS[leg.bucket]] += leg.amount_fen
            if is_sourced and leg.bucket == Bucket.RESERVED:
                self.held_moves[(account_id, posting.source_type, source_id)] += leg.amount_fen
            month_orgs.add(account.org_id)
            if account.org_id == org_id:
                owned = True
            elif account.org_id != counterpart_id:
                # Drill-downs find a posting through its org and counterpart: no third org.
                raise ValueError("a posting moves only its org's and counterpart's accounts")
            self.entry_rows.append(
                (transaction_id, account_id, leg.bucket, leg.counterparty, leg.amount_fen)
            )
        if total != 0:
            raise ValueError("the entries of a transaction must sum to zero")
        if not owned:
            raise ValueError("a posting must touch an account of its own org")

    def check_closed_periods(self) -> None:
        for (year, month), org_ids in self.orgs_by_month.items():
            closed = ClosedPeriod.objects.filter(org_id__in=org_ids, year=year, month=month).first()
            if closed is not None:
                _check_open([closed.org], datetime.date(year, month, 1))

    def check_spent_before(self) -> None:
        """No source of the batch was paid by an earlier transaction."""
        sources_by_type: dict[str, list[str]] = defaultdict(list)
        for source_type, source_id in self.spend_sources:
            sources_by_type[source_type].append(source_id)
        for source_type, source_ids in sources_by_type.items():
            for start in range(0, len(source_ids), 500):
                paid = Transaction.objects.filter(
                    kind=Kind.SPEND,
                    source_type=source_type,
                    source_id__in=source_ids[start : start + 500],
                ).values_list("source_id", flat=True)
                for source_id in paid[:1]:
                    raise _already_paid(f"{source_type}:{source_id}")

    def check_reservations_cover(self) -> None:
        drawn = {key: net for key, net in self.held_moves.items() if net < 0}
        if drawn:
            _check_held_in_bulk(drawn)

    def lock_and_check_balances(self) -> None:
        """Lock every account once, in key order, and refuse a negative end balance."""
        locked: dict[int, FundAccount] = {}
        ids = self.locked_ids = sorted(self.accounts)
        for start in range(0, len(ids), 500):
            locked.update(_lock(*[self.accounts[pk] for pk in ids[start : start + 500]]))
        for account_id in ids:
            account = locked[account_id]
            # Every account moved must lie in the person's subtree, not only the posting's org.
            _require_in_scope(self.by, account.org)
            for name, delta in self.deltas[account_id].items():
                if getattr(account, name) + delta < 0:
                    bucket = next(key for key, value in BUCKET_FIELDS.items() if value == name)
                    raise _short(account, bucket, -delta, _("post"))

    def insert(self) -> None:
        """Transactions, entries and each account's one balance update, by executemany."""
        placeholders = ", ".join(["%s"] * len(_TRANSACTION_COLUMNS))
        entry_placeholders = ", ".join(["%s"] * len(_ENTRY_COLUMNS))
        balance_rows = [
            (
                self.deltas[account_id].get("available_fen", 0),
                self.deltas[account_id].get("reserved_fen", 0),
                self.deltas[account_id].get("spent_fen", 0),
                account_id,
            )
            for account_id in self.locked_ids
        ]
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT INTO {Transaction._meta.db_table} ({', '.join(_TRANSACTION_COLUMNS)}) "  # noqa: S608
                    f"VALUES ({placeholders})",
                    self.transaction_rows,
                )
                cursor.executemany(
                    f"INSERT INTO {Entry._meta.db_table} ({', '.join(_ENTRY_COLUMNS)}) "  # noqa: S608
                    f"VALUES ({entry_placeholders})",
                    self.entry_rows,
                )
                # Each account moves once, by the net of its entries, in one statement.
                cursor.executemany(
                    f"UPDATE {FundAccount._meta.db_table} SET "  # noqa: S608
                    "available_fen = available_fen + %s, reserved_fen = reserved_fen + %s, "
                    "spent_fen = spent_fen + %s WHERE id = %s",
                    balance_rows,
                )
        except IntegrityError as error:
            kind = Kind.SPEND if self.spend_sources else ""
            raise _integrity_violation(error, kind, "", "") from error

    def audit(self, postings: Sequence[Posting]) -> None:
        """One audit event records the batch."""
        record_event(
            None,
            "funds.posted_many",
            by=self.by,
            org=getattr(self.by, "org", None),
            changes={
                "count": len(postings),
                "total_fen": sum(posting.amount_fen for posting in postings),
                "kinds": sorted({str(posting.kind) for posting in postings}),
                "first_id": self.transaction_ids[0],
                "last_id": self.transaction_ids[-1],
                **({"memo": self.memo} if self.memo else {}),
            },
        )


def settle_many(settlements: Sequence[Settlement], *, by: Actor | None, memo: str = "") -> int:
    """Settle many reservations at once: each source's amount is spent (paid) or released
    (failed), as `spend` and `release` would post it one by one — the same transactions and
    entries, the same balances, every rule of theirs (the source's own reservation covers
    it, one spend per source, scope, closed months) — through `post_many`, so one audit
    event records the whole settlement instead of one per source. Returns the count.

    This is how a payment batch settles the bank's result file; callers never build ledger
    legs themselves.
    """
    return post_many([_settlement_posting(item) for item in settlements], by=by, memo=memo)


def _settlement_posting(item: Settlement) -> Posting:
    to_bucket = Bucket.SPENT if item.is_paid else Bucket.AVAILABLE
    account = item.account
    return Posting(
        kind=Kind.SPEND if item.is_paid else Kind.RELEASE,
        org=account.org,
        earmark=account.earmark,
        amount_fen=item.amount_fen,
        legs=[
            Leg(account, Bucket.RESERVED, -item.amount_fen),
            Leg(account, to_bucket, item.amount_fen),
        ],
        memo=item.memo,
        source_type=item.source_type,
        source_id=str(item.source_id),
    )
