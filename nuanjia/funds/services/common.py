"""The ledger's shared pieces: postings' shapes, guards, account locks and the one place entries meet balances (`_write`)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, overload

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from nuanjia.core import clock
from nuanjia.core.actors import Actor
from nuanjia.core.audit import lock_chain, record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.money import format_yuan
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Perm, actor_can

from ..models import Bucket, ClosedPeriod, Earmark, Entry, FundAccount, Transaction

Kind = Transaction.Kind
RECEIVE_SOURCES = ("上级拨款", "财政", "本级经费")  # the usual sources; any short text is taken
BUCKET_FIELDS: dict[str, str] = {
    Bucket.AVAILABLE: "available_fen",
    Bucket.RESERVED: "reserved_fen",
    Bucket.SPENT: "spent_fen",
}
ACTIONS: dict[str, str] = {
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


def may_move_funds(by: Actor | None, org: Org) -> bool:
    """Finance of `org` or of an org above it (or the system itself, `by=None`)."""
    if by is None:
        return True
    return (
        actor_can(by, Perm.MOVE_FUNDS)
        and actor_can(by, Perm.VIEW_BUSINESS)
        and by.org is not None
        and org.is_within(by.org)
    )


def _require_finance(by: Actor | None, org: Org) -> None:
    if not may_move_funds(by, org):
        raise PermissionDenied


def _require_in_scope(by: Actor | None, org: Org) -> None:
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
    month = {"year": posted_on.year, "month": posted_on.month}
    closed = ClosedPeriod.objects.filter(org_id__in=org_ids, **month).values_list("org_id")
    found = next(iter(closed[:1]), None)  # unordered, no join: this runs for every posting
    if found is not None:
        raise RuleViolation(
            _("%(org)s has closed its books for %(period)s; date the posting in an open month.")
            % {
                "org": Org.objects.get(pk=found[0]),
                "period": f"{posted_on.year}-{posted_on.month:02d}",
            },
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


@overload
def account_for(org: Org, earmark: Earmark, *, create: Literal[True] = True) -> FundAccount: ...


@overload
def account_for(org: Org, earmark: Earmark, *, create: bool) -> FundAccount | None: ...


def account_for(org: Org, earmark: Earmark, *, create: bool = True) -> FundAccount | None:
    """The org's account of the earmark, created empty on first use (None if `create` is
    False and there is none). Safe under concurrency: a racing creation is caught and read."""
    account = FundAccount.objects.filter(org=org, earmark=earmark).first()
    if account is not None:
        account.org, account.earmark = org, earmark  # known: no query for them later
        return account
    if not create:
        return None
    try:
        with transaction.atomic():
            return FundAccount.objects.create(org=org, earmark=earmark)
    except IntegrityError:
        return FundAccount.objects.get(org=org, earmark=earmark)


def _lock_account_of(org: Org, earmark: Earmark) -> FundAccount:
    """The org's account of the earmark, locked as `_lock` locks it (the org's audit chain
    first) and read afresh; one statement when the account exists, so a single-account
    posting does not read it once before the lock and again under it."""
    lock_chain(org.path)
    locked = FundAccount.objects.select_for_update(of=("self",)).filter(org=org, earmark=earmark)
    account = next(iter(locked[:1]), None)
    if account is None:
        account_for(org, earmark)  # created empty on first use
        account = locked.get()
    account.org, account.earmark = org, earmark
    return account


def _lock(*accounts: FundAccount) -> dict[int, FundAccount]:
    """Lock the accounts in primary-key order and read them afresh.

    Lock order, everywhere: the transaction's audit chain first (the chain of the first
    account's union, unless the transaction holds one already), then accounts by primary key.
    Every posting writes an audit event, which locks its chain until commit anyway; taking it
    first means a transaction of another app that has already written an event (and so holds
    its chain) and then posts cannot deadlock with a posting that holds an account.
    """
    lock_chain(accounts[0].org.path if accounts else "")
    ids = sorted({account.pk for account in accounts})
    locked = FundAccount.objects.select_for_update(of=("self",)).select_related("org", "earmark")
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
    by: Actor | None,
    memo: str = "",
    counterpart_org: Org | None = None,
    source_type: str = "",
    source_id: str = "",
    reverses: Transaction | None = None,
    posted_on: datetime.date,
    audit: dict[str, Any] | None = None,
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
                created_by_id=actor.pk if actor else None,
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


def _integrity_violation(
    error: IntegrityError, kind: str, source_type: str, source_id: str
) -> Exception:
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
