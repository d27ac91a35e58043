"""The ledger's services, one transaction each: receive, allocate, reserve, release, spend, return, reverse, close a month."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import NotRequired, TypedDict, Unpack

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from nuanjia.core import clock, closing
from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.money import check_fen, format_yuan
from nuanjia.orgs.models import Org

from ..models import Bucket, ClosedPeriod, Earmark, Entry, FundAccount, Transaction
from .common import (
    BUCKET_FIELDS,
    Kind,
    Leg,
    _check_open,
    _lock,
    _lock_account_of,
    _memo,
    _posted_on,
    _require_balance,
    _require_finance,
    _require_in_scope,
    _source,
    _write,
    account_for,
)

# ---- Services -----------------------------------------------------------------------------


@transaction.atomic
def receive(
    org: Org,
    earmark: Earmark,
    amount_fen: int,
    *,
    source: str,
    by: Actor | None,
    memo: str = "",
    posted_on: datetime.date | None = None,
) -> Transaction:
    """Money enters the ledger into the org's available balance, from `source` (上级拨款,
    财政, 本级经费 …), which is recorded as the counterparty of the outside entry."""
    _require_finance(by, org)
    amount_fen = check_fen(amount_fen)
    source = (source or "").strip()
    if not source:
        raise RuleViolation(_("Say where the money comes from."), field="source")
    if len(source) > 60:
        raise RuleViolation(_("The source is longer than 60 characters."), field="source")
    memo, posted_on = _memo(memo), _posted_on(posted_on)
    if not earmark.is_active:
        raise RuleViolation(
            _("The earmark %(earmark)s is no longer in use.") % {"earmark": earmark},
            field="earmark",
        )
    _check_open([org], posted_on)
    account = _lock_account_of(org, earmark)
    return _write(
        Kind.RECEIVE,
        org,
        earmark,
        amount_fen,
        [
            Leg(account, Bucket.AVAILABLE, amount_fen),
            Leg(None, Bucket.EXTERNAL, -amount_fen, counterparty=source),
        ],
        by=by,
        memo=memo,
        posted_on=posted_on,
    )


def _allocate_locked(
    source_account: FundAccount,
    target_account: FundAccount,
    amount_fen: int,
    *,
    by: Actor | None,
    memo: str,
    posted_on: datetime.date,
) -> Transaction:
    _require_balance(source_account, Bucket.AVAILABLE, amount_fen, _("allocate"))
    return _write(
        Kind.ALLOCATE,
        source_account.org,
        source_account.earmark,
        amount_fen,
        [
            Leg(source_account, Bucket.AVAILABLE, -amount_fen),
            Leg(target_account, Bucket.AVAILABLE, amount_fen),
        ],
        by=by,
        memo=memo,
        counterpart_org=target_account.org,
        posted_on=posted_on,
    )


def _check_child(from_org: Org, to_org: Org) -> None:
    if to_org.parent_id != from_org.pk:
        raise RuleViolation(
            _("%(to)s is not directly under %(from)s; money is allocated one level at a time.")
            % {"to": to_org, "from": from_org},
            field="to_org",
            code="not_a_child",
        )


@transaction.atomic
def allocate(
    from_org: Org,
    to_org: Org,
    earmark: Earmark,
    amount_fen: int,
    *,
    by: Actor | None,
    memo: str = "",
    posted_on: datetime.date | None = None,
) -> Transaction:
    """下拨: move money from an org's available balance to a child org's available balance.

    Refuses more than the giver has available (naming both figures) and any org that is not
    a direct child: money goes down the tree one level at a time, so every level's books
    show what it passed on.
    """
    _require_finance(by, from_org)
    amount_fen = check_fen(amount_fen)
    memo, posted_on = _memo(memo), _posted_on(posted_on)
    _check_child(from_org, to_org)
    _check_open([from_org, to_org], posted_on)
    source = account_for(from_org, earmark)
    target = account_for(to_org, earmark)
    locked = _lock(source, target)
    return _allocate_locked(
        locked[source.pk], locked[target.pk], amount_fen, by=by, memo=memo, posted_on=posted_on
    )


@transaction.atomic
def allocate_many(
    from_org: Org,
    earmark: Earmark,
    rows: list[tuple[Org, int]],
    *,
    by: Actor | None,
    memo: str = "",
    posted_on: datetime.date | None = None,
) -> list[Transaction]:
    """Allocate to many children at once ("2560万元 over 18 cities"): all or nothing.

    The total must fit the available balance; each row is one allocation transaction. A
    child listed twice is refused (a typo in a spreadsheet, not two allocations).
    """
    _require_finance(by, from_org)
    if not rows:
        raise RuleViolation(_("There is nothing to allocate."), field="rows")
    memo, posted_on = _memo(memo), _posted_on(posted_on)
    seen: set[int] = set()
    checked = []
    for to_org, amount_fen in rows:
        amount_fen = check_fen(amount_fen, label=str(to_org))
        _check_child(from_org, to_org)
        if to_org.pk in seen:
            raise RuleViolation(
                _("%(org)s is listed more than once.") % {"org": to_org}, field="rows"
            )
        seen.add(to_org.pk)
        checked.append((to_org, amount_fen))
    _check_open([from_org, *[org for org, _amount in checked]], posted_on)
    source = account_for(from_org, earmark)
    targets = [account_for(org, earmark) for org, _amount in checked]
    locked = _lock(source, *targets)
    total = sum(amount for _org, amount in checked)
    _require_balance(locked[source.pk], Bucket.AVAILABLE, total, _("allocate"))
    return [
        _allocate_locked(
            locked[source.pk], locked[target.pk], amount, by=by, memo=memo, posted_on=posted_on
        )
        for target, (_org, amount) in zip(targets, checked, strict=True)
    ]


class SourcedPosting(TypedDict):
    """What reserve, release and spend are told besides the account and the amount: who
    posts, the object that causes the posting (`source_type`, `source_id`), a memo and the
    posting date (today when left out)."""

    by: Actor | None
    source_type: str
    source_id: object
    memo: NotRequired[str]
    posted_on: NotRequired[datetime.date | None]


def _sourced(
    kind: str,
    account: FundAccount,
    amount_fen: int,
    take_from: str,
    put_into: str,
    what: str,
    posting: SourcedPosting,
) -> Transaction:
    by = posting["by"]
    amount_fen = check_fen(amount_fen)
    source_type, source_id = _source(posting["source_type"], posting["source_id"])
    memo, posted_on = _memo(posting.get("memo", "")), _posted_on(posting.get("posted_on"))
    _require_in_scope(by, account.org)
    _check_open([account.org], posted_on)
    locked = _lock(account)[account.pk]
    if kind == Kind.SPEND and already_spent(source_type, source_id):
        raise RuleViolation(
            _("%(source)s has already been paid; a payment is made at most once.")
            % {"source": f"{source_type}:{source_id}"},
            code="already_spent",
        )
    if take_from == Bucket.RESERVED:
        # A release or payment draws on the source's own reservation, never on another's.
        held = held_for(locked, source_type, source_id)
        if held < amount_fen:
            raise _not_held(f"{source_type}:{source_id}", held, amount_fen, what)
    _require_balance(locked, take_from, amount_fen, what)
    posted = _write(
        kind,
        locked.org,
        locked.earmark,
        amount_fen,
        [Leg(locked, take_from, -amount_fen), Leg(locked, put_into, amount_fen)],
        by=by,
        memo=memo,
        source_type=source_type,
        source_id=source_id,
        posted_on=posted_on,
    )
    for name in BUCKET_FIELDS.values():
        setattr(account, name, getattr(locked, name))
    return posted


@transaction.atomic
def reserve(
    account: FundAccount, amount_fen: int, **posting: Unpack[SourcedPosting]
) -> Transaction:
    """预留: hold money for an approved grant (available → reserved), so what is promised
    cannot be allocated or promised again."""
    return _sourced(
        Kind.RESERVE, account, amount_fen, Bucket.AVAILABLE, Bucket.RESERVED, _("reserve"), posting
    )


@transaction.atomic
def release(
    account: FundAccount, amount_fen: int, **posting: Unpack[SourcedPosting]
) -> Transaction:
    """释放: give a reservation back (reserved → available): the grant failed or was cancelled.

    Never more than the source itself holds reserved (`held_for`)."""
    return _sourced(
        Kind.RELEASE, account, amount_fen, Bucket.RESERVED, Bucket.AVAILABLE, _("release"), posting
    )


@transaction.atomic
def spend(account: FundAccount, amount_fen: int, **posting: Unpack[SourcedPosting]) -> Transaction:
    """支出: the grant is paid (reserved → spent), at most once per source, out of what the
    source itself holds reserved (`held_for`).

    The check under the account lock refuses a second payment politely; the partial unique
    constraint on (source_type, source_id) for spends refuses it in the database even if two
    callers race (it becomes the same RuleViolation, code "already_spent"). Idempotent
    callers ask `already_spent()` first.
    """
    return _sourced(
        Kind.SPEND, account, amount_fen, Bucket.RESERVED, Bucket.SPENT, _("pay"), posting
    )


def held_for(account: FundAccount, source_type: str, source_id: object) -> int:
    """What a source (a grant) holds reserved on an account: its reservations less its
    releases and payments (and their reversals), in 分."""
    total = Entry.objects.filter(
        account=account,
        bucket=Bucket.RESERVED,
        transaction__source_type=source_type,
        transaction__source_id=str(source_id),
    ).aggregate(total=Sum("amount_fen"))["total"]
    return total or 0


def _not_held(source: str, held_fen: int, amount_fen: int, what: str) -> RuleViolation:
    return RuleViolation(
        _("%(source)s holds %(held)s yuan reserved, less than the %(amount)s yuan to %(what)s.")
        % {
            "source": source,
            "held": format_yuan(held_fen),
            "amount": format_yuan(amount_fen),
            "what": what,
        },
        field="amount",
        code="not_reserved",
    )


def already_spent(source_type: str, source_id: object) -> bool:
    """Whether the source (a grant) has its payment posted."""
    return Transaction.objects.filter(
        kind=Kind.SPEND, source_type=source_type, source_id=str(source_id)
    ).exists()


@transaction.atomic
def return_up(
    org: Org,
    earmark: Earmark,
    amount_fen: int,
    *,
    by: Actor | None,
    memo: str = "",
    posted_on: datetime.date | None = None,
) -> Transaction:
    """上缴: give unspent money back to the parent org (available → parent's available)."""
    _require_finance(by, org)
    amount_fen = check_fen(amount_fen)
    memo, posted_on = _memo(memo), _posted_on(posted_on)
    parent = org.parent if org.parent_id is not None else None
    if parent is None:
        raise RuleViolation(_("%(org)s has no union above it.") % {"org": org}, code="no_parent")
    _check_open([org, parent], posted_on)
    account = account_for(org, earmark, create=False)
    if account is None:
        raise RuleViolation(
            _("%(org)s has no %(earmark)s money to return.") % {"org": org, "earmark": earmark},
            field="amount",
            code="insufficient_funds",
        )
    target = account_for(parent, earmark)
    locked = _lock(account, target)
    _require_balance(locked[account.pk], Bucket.AVAILABLE, amount_fen, _("return"))
    return _write(
        Kind.RETURN,
        org,
        earmark,
        amount_fen,
        [
            Leg(locked[account.pk], Bucket.AVAILABLE, -amount_fen),
            Leg(locked[target.pk], Bucket.AVAILABLE, amount_fen),
        ],
        by=by,
        memo=memo,
        counterpart_org=parent,
        posted_on=posted_on,
    )


@transaction.atomic
def reverse(
    original: Transaction,
    *,
    by: Actor | None,
    reason: str,
    allow_sourced: bool = False,
    posted_on: datetime.date | None = None,
) -> Transaction:
    """冲正: post the opposite entries of an earlier transaction, dated today.

    Rows are never edited; this is the only correction. Refused for a reversal, for a
    transaction already reversed, when the reversal would make a balance negative (the money
    has moved on: reverse what came after first), and — unless the owning app asks with
    `allow_sourced=True` — for postings caused by another app's object (a grant's payment is
    corrected through the grant, so the two never disagree).
    """
    _require_finance(by, original.org)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Give the reason for the reversal."), field="reason")
    reason = _memo(reason)
    posted_on = _posted_on(posted_on)
    original = Transaction.objects.select_related("org", "earmark").get(pk=original.pk)
    if original.kind == Kind.REVERSE:
        raise RuleViolation(
            _("A reversal cannot itself be reversed; post the movement again instead."),
            code="reverse_of_reversal",
        )
    if Transaction.objects.filter(reverses=original).exists():
        raise RuleViolation(
            _("Transaction #%(id)s has already been reversed.") % {"id": original.pk},
            code="already_reversed",
        )
    if original.source_type and not allow_sourced:
        raise RuleViolation(
            _("Transaction #%(id)s belongs to %(source)s; correct it there.")
            % {"id": original.pk, "source": original.source},
            code="sourced",
        )
    entries = list(original.entries.select_related("account"))
    accounts = [entry.account for entry in entries if entry.account is not None]
    _check_open([account.org for account in accounts], posted_on)
    locked = _lock(*accounts)
    needs: dict[tuple[int, str], int] = defaultdict(int)
    for entry in entries:
        if entry.account_id is not None:
            needs[(entry.account_id, entry.bucket)] -= entry.amount_fen
    for (account_id, bucket), delta in sorted(needs.items()):
        if delta < 0:
            _require_balance(locked[account_id], bucket, -delta, _("reverse"))
    legs = [
        Leg(
            locked[entry.account_id] if entry.account_id else None,
            entry.bucket,
            -entry.amount_fen,
            counterparty=entry.counterparty,
        )
        for entry in entries
    ]
    return _write(
        Kind.REVERSE,
        original.org,
        original.earmark,
        original.amount_fen,
        legs,
        by=by,
        memo=reason,
        counterpart_org=original.counterpart_org,
        source_type=original.source_type,
        source_id=original.source_id,
        reverses=original,
        posted_on=posted_on,
        audit={"reverses": original.pk},
    )


@transaction.atomic
def close_period(org: Org, year: int, month: int, *, by: Actor | None) -> ClosedPeriod:
    """结账: close a month of the org's books; later postings dated in it are refused.

    Only a month that has ended can be closed (closing the current month would stop today's
    work), and a month is closed once.
    """
    _require_finance(by, org)
    try:
        first_day = datetime.date(int(year), int(month), 1)
    except (TypeError, ValueError):
        raise RuleViolation(_("Choose a valid month."), field="month") from None
    today = clock.today()
    if (first_day.year, first_day.month) >= (today.year, today.month):
        raise RuleViolation(
            _("Only a month that has ended can be closed."), field="month", code="period_open"
        )
    if ClosedPeriod.objects.filter(org=org, year=first_day.year, month=first_day.month).exists():
        raise RuleViolation(
            _("%(period)s is already closed.") % {"period": f"{year}-{int(month):02d}"},
            field="month",
            code="already_closed",
        )
    actor = by if getattr(by, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            period = ClosedPeriod.objects.create(
                org=org,
                year=first_day.year,
                month=first_day.month,
                closed_by_id=actor.pk if actor else None,
            )
    except IntegrityError:
        raise RuleViolation(
            _("%(period)s is already closed.") % {"period": f"{year}-{int(month):02d}"},
            field="month",
            code="already_closed",
        ) from None
    # Higher apps follow the close (reports freezes the subtree's figures of the month).
    closing.month_closed(org, first_day.year, first_day.month, by=by)
    record_event(
        period, "funds.period_closed", by=by, org=org, changes={"period": f"{first_day:%Y-%m}"}
    )
    return period
