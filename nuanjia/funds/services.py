"""Every write to the fund ledger: receive, allocate, reserve, release, spend, return, reverse.

Each service is one database transaction that (1) locks the accounts it touches with
SELECT … FOR UPDATE in primary-key order, so two services never wait on each other in a
cycle, (2) re-reads their balances under the lock and refuses, naming the figures, what
would overdraw a bucket, (3) writes one Transaction with entries that sum to zero, (4) moves
the accounts' balance columns by exactly those entries, and (5) records one audit event.
The CheckConstraints on the balance columns are the last guard: should a bug slip past
(2), the database refuses the negative balance and the whole posting rolls back.

Who may call what: receive, allocate, return and reverse are finance work (role FINANCE,
the org in the person's subtree). reserve, release and spend are called by the app whose
object causes them (relief, when a grant is approved, fails or is paid); that app checks its
own roles and maker-checker, and funds checks only that the account is in the person's
subtree. `by=None` is the system itself (the demo loader, periodic jobs).

Refusals raise RuleViolation (a rule, shown as it is) or PermissionDenied (a role or scope)
and change nothing.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core import bulk, clock
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditChainHead
from nuanjia.core.money import MAX_FEN, check_fen, format_yuan
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Perm

from .models import Bucket, ClosedPeriod, Earmark, Entry, FundAccount, Transaction

Kind = Transaction.Kind
RECEIVE_SOURCES = ("上级拨款", "财政", "本级经费")  # the usual sources; any short text is taken
BUCKET_FIELDS = {
    Bucket.AVAILABLE: "available_fen",
    Bucket.RESERVED: "reserved_fen",
    Bucket.SPENT: "spent_fen",
}
ACTIONS = {
    Kind.RECEIVE: "funds.received",
    Kind.ALLOCATE: "funds.allocated",
    Kind.RESERVE: "funds.reserved",
    Kind.RELEASE: "funds.released",
    Kind.SPEND: "funds.spent",
    Kind.RETURN: "funds.returned",
    Kind.REVERSE: "funds.reversed",
}


@dataclass(frozen=True, slots=True)
class Leg:
    """One side of a posting: `amount_fen` (signed) into one bucket of `account`, or to the
    outside world (account None, bucket external, `counterparty` named)."""

    account: FundAccount | None
    bucket: str
    amount_fen: int
    counterparty: str = ""


@dataclass(frozen=True, slots=True)
class Settlement:
    """One source's reservation settled by `settle_many`: paid out (reserved → spent) or
    given back (reserved → available)."""

    account: FundAccount
    amount_fen: int
    source_type: str
    source_id: str
    is_paid: bool
    memo: str = ""


@dataclass(slots=True)
class Posting:
    """A transaction to be written by `post_many` (the bulk path)."""

    kind: str
    org: Org
    earmark: Earmark
    amount_fen: int
    legs: list[Leg]
    counterpart_org: Org | None = None
    memo: str = ""
    source_type: str = ""
    source_id: str = ""
    posted_on: datetime.date | None = None


# ---- Guards -------------------------------------------------------------------------------


def may_move_funds(by, org: Org) -> bool:
    """Finance of `org` or of an org above it (or the system itself, `by=None`)."""
    if by is None:
        return True
    return (
        by.has_perm_code(Perm.MOVE_FUNDS)
        and by.has_perm_code(Perm.VIEW_BUSINESS)
        and by.org is not None
        and org.is_within(by.org)
    )


def _require_finance(by, org: Org) -> None:
    if not may_move_funds(by, org):
        raise PermissionDenied


def _require_in_scope(by, org: Org) -> None:
    """For postings another app causes: the account must lie in the person's subtree."""
    if by is None:
        return
    if not (by.is_active and by.org is not None and org.is_within(by.org)):
        raise PermissionDenied


def _posted_on(posted_on: datetime.date | None) -> datetime.date:
    """The business date: today unless given; never in the future (a posting dated ahead
    would slip past the month's closing)."""
    today = clock.today()
    if posted_on is not None and posted_on > today:
        raise RuleViolation(
            _("The business date cannot be in the future."), field="posted_on", code="future"
        )
    return posted_on or today


def _check_open(orgs: Iterable[Org], posted_on: datetime.date) -> None:
    """Refuse a posting dated in a month that one of the touched orgs has closed."""
    org_ids = {org.pk for org in orgs}
    closed = (
        ClosedPeriod.objects.filter(org_id__in=org_ids, year=posted_on.year, month=posted_on.month)
        .select_related("org")
        .first()
    )
    if closed is not None:
        raise RuleViolation(
            _("%(org)s has closed its books for %(period)s; date the posting in an open month.")
            % {"org": closed.org, "period": f"{posted_on.year}-{posted_on.month:02d}"},
            field="posted_on",
            code="period_closed",
        )


def _memo(memo: str) -> str:
    memo = (memo or "").strip()
    if len(memo) > 200:
        raise RuleViolation(_("The memo is longer than 200 characters."), field="memo")
    return memo


def _source(source_type: str, source_id: object) -> tuple[str, str]:
    source_type = (source_type or "").strip()
    source_id = "" if source_id is None else str(source_id).strip()
    if not source_type or not source_id:
        raise RuleViolation(
            _("A reservation, release or payment must name the object that causes it."),
            code="source_required",
        )
    if len(source_type) > 40 or len(source_id) > 40:
        raise RuleViolation(_("The source is longer than 40 characters."), code="source_too_long")
    return source_type, source_id


def _bucket_label(bucket: str) -> str:
    return str(Bucket(bucket).label)


# ---- Accounts and locks -------------------------------------------------------------------


def account_for(org: Org, earmark: Earmark, *, create: bool = True) -> FundAccount | None:
    """The org's account of the earmark, created empty on first use (None if `create` is
    False and there is none). Safe under concurrency: a racing creation is caught and read."""
    account = FundAccount.objects.filter(org=org, earmark=earmark).first()
    if account is not None or not create:
        return account
    try:
        with transaction.atomic():
            return FundAccount.objects.create(org=org, earmark=earmark)
    except IntegrityError:
        return FundAccount.objects.get(org=org, earmark=earmark)


def _lock(*accounts: FundAccount) -> dict[int, FundAccount]:
    """Lock the accounts in primary-key order and read them afresh.

    Lock order, everywhere: the audit chain's head row first, then accounts by primary key.
    Every posting writes an audit event, which locks the head until commit anyway; taking it
    first means a transaction of another app that has already written an event (and so holds
    the head) and then posts cannot deadlock with a posting that holds an account.
    """
    AuditChainHead.objects.select_for_update().get_or_create(id=1)
    ids = sorted({account.pk for account in accounts})
    locked = FundAccount.objects.select_for_update().select_related("org", "earmark")
    return {account.pk: account for account in locked.filter(pk__in=ids).order_by("pk")}


def _short(account: FundAccount, bucket: str, need_fen: int, what: str) -> RuleViolation:
    return RuleViolation(
        _(
            "%(account)s: the %(bucket)s balance is %(balance)s yuan, less than the %(amount)s "
            "yuan to %(what)s."
        )
        % {
            "account": account,
            "bucket": _bucket_label(bucket),
            "balance": format_yuan(account.balance(bucket)),
            "amount": format_yuan(need_fen),
            "what": what,
        },
        field="amount",
        code="insufficient_funds",
    )


def _require_balance(account: FundAccount, bucket: str, amount_fen: int, what: str) -> None:
    if account.balance(bucket) < amount_fen:
        raise _short(account, bucket, amount_fen, what)


# ---- Posting ------------------------------------------------------------------------------


def _write(
    kind: str,
    org: Org,
    earmark: Earmark,
    amount_fen: int,
    legs: Sequence[Leg],
    *,
    by,
    memo: str = "",
    counterpart_org: Org | None = None,
    source_type: str = "",
    source_id: str = "",
    reverses: Transaction | None = None,
    posted_on: datetime.date,
    audit: dict | None = None,
) -> Transaction:
    """Write one transaction, its entries and the balance moves; callers hold the locks and
    have checked the balances. Entries must sum to zero (a programming error otherwise)."""
    if sum(leg.amount_fen for leg in legs) != 0:
        raise ValueError("the entries of a transaction must sum to zero")
    actor = by if getattr(by, "is_authenticated", False) else None
    try:
        with transaction.atomic():  # a savepoint: a refused insert leaves the caller usable
            posted = Transaction.objects.create(
                kind=kind,
                org=org,
                counterpart_org=counterpart_org,
                earmark=earmark,
                amount_fen=amount_fen,
                memo=memo,
                source_type=source_type,
                source_id=source_id,
                reverses=reverses,
                created_by=actor,
                posted_on=posted_on,
            )
            Entry.objects.bulk_create(
                Entry(
                    transaction=posted,
                    account=leg.account,
                    bucket=leg.bucket,
                    counterparty=leg.counterparty,
                    amount_fen=leg.amount_fen,
                )
                for leg in legs
            )
            deltas: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            accounts = {}
            for leg in legs:
                if leg.account is not None:
                    deltas[leg.account.pk][BUCKET_FIELDS[leg.bucket]] += leg.amount_fen
                    accounts[leg.account.pk] = leg.account
            for account_id in sorted(deltas):
                moves = {name: F(name) + delta for name, delta in deltas[account_id].items()}
                FundAccount.objects.filter(pk=account_id).update(**moves)
                account = accounts[account_id]
                for name, delta in deltas[account_id].items():
                    setattr(account, name, getattr(account, name) + delta)
    except IntegrityError as error:
        raise _integrity_violation(error, kind, source_type, source_id) from error
    record_event(
        posted,
        ACTIONS[kind],
        by=by,
        org=org,
        changes={
            "kind": kind,
            "earmark": earmark.code,
            "amount_fen": amount_fen,
            "posted_on": posted_on.isoformat(),
            **({"counterpart_org": counterpart_org.code} if counterpart_org else {}),
            **({"source": f"{source_type}:{source_id}"} if source_type else {}),
            **({"memo": memo} if memo else {}),
            **(audit or {}),
        },
    )
    return posted


def _integrity_violation(error: IntegrityError, kind: str, source_type: str, source_id: str):
    text = str(error)
    if kind == Kind.SPEND and (
        "one_spend_per_source" in text or "source_type" in text or "UNIQUE" in text.upper()
    ):
        return RuleViolation(
            _("%(source)s has already been paid; a payment is made at most once.")
            % {"source": f"{source_type}:{source_id}"},
            code="already_spent",
        )
    if "not_negative" in text or "CHECK" in text.upper():
        return RuleViolation(
            _("The posting would make a balance negative; nothing was posted."),
            field="amount",
            code="insufficient_funds",
        )
    return RuleViolation(
        _("The posting breaks a rule of the ledger: %(error)s") % {"error": error},
        code="integrity",
    )


# ---- Services -----------------------------------------------------------------------------


@transaction.atomic
def receive(
    org: Org,
    earmark: Earmark,
    amount_fen: int,
    *,
    source: str,
    by,
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
    account = account_for(org, earmark)
    account = _lock(account)[account.pk]
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
    by,
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
    by,
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
    by,
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


def _sourced(
    kind: str,
    account: FundAccount,
    amount_fen: int,
    *,
    by,
    source_type: str,
    source_id: object,
    memo: str,
    posted_on: datetime.date | None,
    take_from: str,
    put_into: str,
    what: str,
) -> Transaction:
    amount_fen = check_fen(amount_fen)
    source_type, source_id = _source(source_type, source_id)
    memo, posted_on = _memo(memo), _posted_on(posted_on)
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
    account: FundAccount,
    amount_fen: int,
    *,
    by,
    source_type: str,
    source_id: object,
    memo: str = "",
    posted_on: datetime.date | None = None,
) -> Transaction:
    """预留: hold money for an approved grant (available → reserved), so what is promised
    cannot be allocated or promised again."""
    return _sourced(
        Kind.RESERVE,
        account,
        amount_fen,
        by=by,
        source_type=source_type,
        source_id=source_id,
        memo=memo,
        posted_on=posted_on,
        take_from=Bucket.AVAILABLE,
        put_into=Bucket.RESERVED,
        what=_("reserve"),
    )


@transaction.atomic
def release(
    account: FundAccount,
    amount_fen: int,
    *,
    by,
    source_type: str,
    source_id: object,
    memo: str = "",
    posted_on: datetime.date | None = None,
) -> Transaction:
    """释放: give a reservation back (reserved → available): the grant failed or was cancelled.

    Never more than the source itself holds reserved (`held_for`)."""
    return _sourced(
        Kind.RELEASE,
        account,
        amount_fen,
        by=by,
        source_type=source_type,
        source_id=source_id,
        memo=memo,
        posted_on=posted_on,
        take_from=Bucket.RESERVED,
        put_into=Bucket.AVAILABLE,
        what=_("release"),
    )


@transaction.atomic
def spend(
    account: FundAccount,
    amount_fen: int,
    *,
    by,
    source_type: str,
    source_id: object,
    memo: str = "",
    posted_on: datetime.date | None = None,
) -> Transaction:
    """支出: the grant is paid (reserved → spent), at most once per source, out of what the
    source itself holds reserved (`held_for`).

    The check under the account lock refuses a second payment politely; the partial unique
    constraint on (source_type, source_id) for spends refuses it in the database even if two
    callers race (it becomes the same RuleViolation, code "already_spent"). Idempotent
    callers ask `already_spent()` first.
    """
    return _sourced(
        Kind.SPEND,
        account,
        amount_fen,
        by=by,
        source_type=source_type,
        source_id=source_id,
        memo=memo,
        posted_on=posted_on,
        take_from=Bucket.RESERVED,
        put_into=Bucket.SPENT,
        what=_("pay"),
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
    by,
    memo: str = "",
    posted_on: datetime.date | None = None,
) -> Transaction:
    """上缴: give unspent money back to the parent org (available → parent's available)."""
    _require_finance(by, org)
    amount_fen = check_fen(amount_fen)
    memo, posted_on = _memo(memo), _posted_on(posted_on)
    if org.parent_id is None:
        raise RuleViolation(_("%(org)s has no union above it.") % {"org": org}, code="no_parent")
    parent = org.parent
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
    by,
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
def close_period(org: Org, year: int, month: int, *, by) -> ClosedPeriod:
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
                org=org, year=first_day.year, month=first_day.month, closed_by=actor
            )
    except IntegrityError:
        raise RuleViolation(
            _("%(period)s is already closed.") % {"period": f"{year}-{int(month):02d}"},
            field="month",
            code="already_closed",
        ) from None
    record_event(
        period, "funds.period_closed", by=by, org=org, changes={"period": f"{first_day:%Y-%m}"}
    )
    return period


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


def _reserve_ids(model, count: int) -> list[int]:
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
def post_many(postings: Sequence[Posting], *, by, memo: str = "") -> int:
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
    memo = _memo(memo)
    today = clock.today()
    accounts: dict[int, FundAccount] = {}
    deltas: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    orgs_by_month: dict[tuple[int, int], set[int]] = defaultdict(set)
    spend_sources: set[tuple[str, str]] = set()
    checked_orgs: set[int] = set()
    sourced = (Kind.RESERVE, Kind.RELEASE, Kind.SPEND)
    # (account id, source type, source id) -> net 分 moved into reserved by this batch
    held_moves: dict[tuple[int, str, str], int] = defaultdict(int)
    actor_id = by.pk if getattr(by, "is_authenticated", False) else None
    created_at = connection.ops.adapt_datetimefield_value(timezone.now())
    dates: dict[datetime.date, object] = {}
    # Keys first (a refused batch only leaves a gap in the sequence), so one pass over the
    # postings both checks them and builds their rows.
    transaction_ids = _reserve_ids(Transaction, len(postings))
    transaction_rows = []
    entry_rows = []
    for transaction_id, posting in zip(transaction_ids, postings, strict=True):
        kind, amount = posting.kind, posting.amount_fen
        if kind not in BULK_KINDS:
            raise RuleViolation(
                _("%(kind)s cannot be posted in bulk.") % {"kind": kind}, code="bulk_kind"
            )
        if type(amount) is not int or not 0 < amount <= MAX_FEN:
            check_fen(amount)
        source_id = str(posting.source_id) if posting.source_type else ""
        if kind in sourced:
            _source(posting.source_type, source_id)
            if kind == Kind.SPEND:
                key = (posting.source_type, source_id)
                if key in spend_sources:
                    raise RuleViolation(
                        _("%(source)s has already been paid; a payment is made at most once.")
                        % {"source": ":".join(key)},
                        code="already_spent",
                    )
                spend_sources.add(key)
        org_id = posting.org.pk
        if org_id not in checked_orgs:
            if kind in sourced:
                _require_in_scope(by, posting.org)
            else:
                _require_finance(by, posting.org)
            checked_orgs.add(org_id)
        posted_on = posting.posted_on or today
        if posted_on not in dates:
            _posted_on(posted_on)
            dates[posted_on] = connection.ops.adapt_datefield_value(posted_on)
        month_orgs = orgs_by_month[(posted_on.year, posted_on.month)]
        total = 0
        owned = False
        counterpart_id = posting.counterpart_org.pk if posting.counterpart_org else None
        for leg in posting.legs:
            account = leg.account
            total += leg.amount_fen
            if account is None:
                if leg.bucket != Bucket.EXTERNAL:
                    raise ValueError("an entry without an account must be external")
                entry_rows.append(
                    (transaction_id, None, leg.bucket, leg.counterparty, leg.amount_fen)
                )
                continue
            account_id = account.pk
            accounts[account_id] = account
            deltas[account_id][BUCKET_FIELDS[leg.bucket]] += leg.amount_fen
            if kind in sourced and leg.bucket == Bucket.RESERVED:
                held_moves[(account_id, posting.source_type, source_id)] += leg.amount_fen
            month_orgs.add(account.org_id)
            if account.org_id == org_id:
                owned = True
            elif account.org_id != counterpart_id:
                # Drill-downs find a posting through its org and counterpart: no third org.
                raise ValueError("a posting moves only its org's and counterpart's accounts")
            entry_rows.append(
                (transaction_id, account_id, leg.bucket, leg.counterparty, leg.amount_fen)
            )
        if total != 0:
            raise ValueError("the entries of a transaction must sum to zero")
        if not owned:
            raise ValueError("a posting must touch an account of its own org")
        transaction_rows.append(
            (
                transaction_id,
                kind,
                org_id,
                posting.counterpart_org.pk if posting.counterpart_org else None,
                posting.earmark.pk,
                amount,
                posting.memo or memo,
                posting.source_type,
                source_id,
                None,
                actor_id,
                created_at,
                dates[posted_on],
            )
        )
    for (year, month), org_ids in orgs_by_month.items():
        closed = ClosedPeriod.objects.filter(org_id__in=org_ids, year=year, month=month).first()
        if closed is not None:
            _check_open([closed.org], datetime.date(year, month, 1))
    if spend_sources:
        sources_by_type: dict[str, list[str]] = defaultdict(list)
        for source_type, source_id in spend_sources:
            sources_by_type[source_type].append(source_id)
        for source_type, source_ids in sources_by_type.items():
            for start in range(0, len(source_ids), 500):
                paid = Transaction.objects.filter(
                    kind=Kind.SPEND,
                    source_type=source_type,
                    source_id__in=source_ids[start : start + 500],
                ).values_list("source_id", flat=True)
                for source_id in paid[:1]:
                    raise RuleViolation(
                        _("%(source)s has already been paid; a payment is made at most once.")
                        % {"source": f"{source_type}:{source_id}"},
                        code="already_spent",
                    )
    drawn = {key: net for key, net in held_moves.items() if net < 0}
    if drawn:
        _check_held_in_bulk(drawn)
    locked: dict[int, FundAccount] = {}
    ids = sorted(accounts)
    for start in range(0, len(ids), 500):
        locked.update(_lock(*[accounts[pk] for pk in ids[start : start + 500]]))
    for account_id in ids:
        account = locked[account_id]
        # Every account moved must lie in the person's subtree, not only the posting's org.
        _require_in_scope(by, account.org)
        for name, delta in deltas[account_id].items():
            if getattr(account, name) + delta < 0:
                bucket = next(key for key, value in BUCKET_FIELDS.items() if value == name)
                raise _short(account, bucket, -delta, _("post"))

    placeholders = ", ".join(["%s"] * len(_TRANSACTION_COLUMNS))
    entry_placeholders = ", ".join(["%s"] * len(_ENTRY_COLUMNS))
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {Transaction._meta.db_table} ({', '.join(_TRANSACTION_COLUMNS)}) "  # noqa: S608
                f"VALUES ({placeholders})",
                transaction_rows,
            )
            cursor.executemany(
                f"INSERT INTO {Entry._meta.db_table} ({', '.join(_ENTRY_COLUMNS)}) "  # noqa: S608
                f"VALUES ({entry_placeholders})",
                entry_rows,
            )
            # Each account moves once, by the net of its entries, in one statement.
            cursor.executemany(
                f"UPDATE {FundAccount._meta.db_table} SET "  # noqa: S608
                "available_fen = available_fen + %s, reserved_fen = reserved_fen + %s, "
                "spent_fen = spent_fen + %s WHERE id = %s",
                [
                    (
                        deltas[account_id].get("available_fen", 0),
                        deltas[account_id].get("reserved_fen", 0),
                        deltas[account_id].get("spent_fen", 0),
                        account_id,
                    )
                    for account_id in ids
                ],
            )
    except IntegrityError as error:
        raise _integrity_violation(error, Kind.SPEND if spend_sources else "", "", "") from error
    record_event(
        None,
        "funds.posted_many",
        by=by,
        org=getattr(by, "org", None),
        changes={
            "count": len(postings),
            "total_fen": sum(posting.amount_fen for posting in postings),
            "kinds": sorted({str(posting.kind) for posting in postings}),
            "first_id": transaction_ids[0],
            "last_id": transaction_ids[-1],
            **({"memo": memo} if memo else {}),
        },
    )
    return len(postings)


def settle_many(settlements: Sequence[Settlement], *, by, memo: str = "") -> int:
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
