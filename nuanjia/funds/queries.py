"""Reads of the ledger: scoped accounts and transactions, balances per subtree, drill-downs.

Balances are the maintained columns of FundAccount (checked against the entries by `nuanjia
funds check`), so a subtree's figure is one aggregate over the account table joined to the
org's path range — no scan of the entries, however many there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db.models import Case, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy

from nuanjia.core.actors import Actor
from nuanjia.core.lists import ListSpec, Sort, branched
from nuanjia.orgs.models import Org
from nuanjia.orgs.queries import get_scoped_or_404, scope, under, within
from nuanjia.orgs.rules import Perm, actor_can

from .models import Bucket, Earmark, Entry, FundAccount, Transaction

BUCKETS = (Bucket.AVAILABLE, Bucket.RESERVED, Bucket.SPENT)


@dataclass
class Figures:
    """Available, reserved and spent money (分) of an account or a sum of accounts."""

    available_fen: int = 0
    reserved_fen: int = 0
    spent_fen: int = 0

    @property
    def total_fen(self) -> int:
        return self.available_fen + self.reserved_fen + self.spent_fen

    def add(self, other: Figures) -> None:
        self.available_fen += other.available_fen
        self.reserved_fen += other.reserved_fen
        self.spent_fen += other.spent_fen


K = TypeVar("K")


@dataclass
class BalanceRow(Generic[K]):
    """One line of a balance table: a key (an account, an earmark or an org), its figures."""

    key: K
    figures: Figures = field(default_factory=Figures)


def _sums() -> dict[str, Coalesce]:
    return {
        name: Coalesce(Sum(name), Value(0), output_field=IntegerField())
        for name in ("available_fen", "reserved_fen", "spent_fen")
    }


def _figures(row: dict[str, int]) -> Figures:
    return Figures(row["available_fen"], row["reserved_fen"], row["spent_fen"])


def can_view_funds(user: Actor) -> bool:
    return getattr(user, "is_authenticated", False) and actor_can(user, Perm.VIEW_FUNDS)


# ---- Scoped lists and objects ---------------------------------------------------------------


# The account list (API): by number (one account per union and earmark, opened in turn).
ACCOUNT_LIST = ListSpec("funds.accounts", {"number": Sort(("id",), gettext_lazy("By number"))})


def visible_accounts(user: Actor) -> QuerySet[FundAccount]:
    """Accounts of the user's subtree (none for the admin roles)."""
    return scope(FundAccount.objects.select_related("org", "earmark"), user)


def get_account_for(user: Actor, pk: Any, *, write: bool = False) -> FundAccount:
    return get_scoped_or_404(visible_accounts(user), user, write=write, pk=pk)


# The transaction lists (the list, an account's and a figure's; page and API): newest
# business date first (index posted_on, id), or by number, newest first.
TRANSACTION_LIST = ListSpec(
    "funds.transactions",
    {
        "newest": Sort(("-posted_on",), gettext_lazy("Newest first")),
        "number": Sort(("-id",), gettext_lazy("By number")),
    },
)


def visible_transactions(user: Actor) -> QuerySet[Transaction]:
    """Transactions whose org or counterpart org is in the user's subtree: a county sees the
    allocation its city made to it, a city the return a county made to it."""
    base = Transaction.objects.select_related("org", "counterpart_org", "earmark", "created_by")
    org = getattr(user, "org", None)
    if not (
        getattr(user, "is_authenticated", False)
        and org is not None
        and actor_can(user, Perm.VIEW_BUSINESS)
    ):
        return base.none()
    if org.parent_id is None:  # the province: every row's own union is in its tree
        return base.filter(under(org, "org") | under(org, "counterpart_org"))
    # Below it, two conditions no one index serves: each read by its own (org, date, id)
    # seek and merged on list pages (core.lists.branched).
    return branched(base, under(org, "org"), under(org, "counterpart_org"))


def filtered_transactions(
    user: Actor,
    *,
    kind: str = "",
    earmark: Earmark | None = None,
    q: str = "",
    org: Org | None = None,
    source_type: str = "",
    source_id: str = "",
) -> QuerySet[Transaction]:
    """The transaction list's filters (page, export and API), newest first. `q` finds a memo
    (contains), a source id (a grant number) or a transaction number (#123)."""
    transactions = visible_transactions(user)
    if kind in Transaction.Kind.values:
        transactions = transactions.filter(kind=kind)
    if earmark is not None:
        transactions = transactions.filter(earmark=earmark)
    if org is not None:
        transactions = transactions.filter(Q(org=org) | Q(counterpart_org=org))
    if source_type:
        transactions = transactions.filter(source_type=source_type)
    if source_id:
        transactions = transactions.filter(source_id=source_id)
    if q:
        number = q.lstrip("#")
        condition = Q(memo__icontains=q) | Q(source_id=q)
        if number.isdigit():
            condition |= Q(pk=int(number))
        transactions = transactions.filter(condition)
    return transactions.order_by("-posted_on", "-id")


def get_transaction_for(user: Actor, pk: Any, *, write: bool = False) -> Transaction:
    return get_scoped_or_404(visible_transactions(user), user, write=write, pk=pk)


def visible_earmarks() -> QuerySet[Earmark]:
    return Earmark.objects.filter(is_active=True)


# ---- Balances -------------------------------------------------------------------------------


def account_figures(account: FundAccount) -> Figures:
    return Figures(account.available_fen, account.reserved_fen, account.spent_fen)


def own_balances(org: Org) -> list[BalanceRow[FundAccount]]:
    """The org's own accounts (本级), one row per earmark that has one."""
    accounts = FundAccount.objects.filter(org=org).select_related("earmark")
    return [
        BalanceRow(account, account_figures(account))
        for account in accounts.order_by("earmark__sort_order", "earmark__code")
    ]


def subtree_balances(org: Org, *, earmark: Earmark | None = None) -> dict[int, Figures]:
    """The org's subtree (the org and everything below), by earmark id: one aggregate query."""
    accounts = FundAccount.objects.filter(within(org.path, "org__path"))
    if earmark is not None:
        accounts = accounts.filter(earmark=earmark)
    rows = accounts.values("earmark_id").annotate(**_sums()).order_by()
    return {row["earmark_id"]: _figures(row) for row in rows}


def subtree_total(org: Org, *, earmark: Earmark | None = None) -> Figures:
    total = Figures()
    for figures in subtree_balances(org, earmark=earmark).values():
        total.add(figures)
    return total


def children_balances(
    org: Org, *, earmark: Earmark | None = None, children: list[Org] | None = None
) -> dict[tuple[int, int], Figures]:
    """Each child's subtree by earmark, as {(child id, earmark id): figures}: one aggregate
    query over the account table, each account assigned to its child by path range."""
    if children is None:
        children = list(Org.objects.filter(parent=org).order_by("code"))
    if not children:
        return {}
    child_of = Case(
        *[When(within(child.path, "org__path"), then=Value(child.pk)) for child in children],
        default=Value(None),
        output_field=IntegerField(),
    )
    accounts = FundAccount.objects.filter(within(org.path, "org__path")).exclude(org=org)
    if earmark is not None:
        accounts = accounts.filter(earmark=earmark)
    rows = (
        accounts.annotate(child_id=child_of)
        .values("child_id", "earmark_id")
        .annotate(**_sums())
        .order_by()
    )
    return {
        (row["child_id"], row["earmark_id"]): _figures(row)
        for row in rows
        if row["child_id"] is not None
    }


def subtrees_by_earmark(orgs: list[Org]) -> dict[tuple[int, int], Figures]:
    """Several subtrees (e.g. the 18 city unions) by earmark in one query: {(org id, earmark
    id): figures}. The orgs' subtrees must not overlap."""
    if not orgs:
        return {}
    owner = Case(
        *[When(within(org.path, "org__path"), then=Value(org.pk)) for org in orgs],
        default=Value(None),
        output_field=IntegerField(),
    )
    condition = Q()
    for org in orgs:
        condition |= within(org.path, "org__path")
    rows = (
        FundAccount.objects.filter(condition)
        .annotate(owner_id=owner)
        .values("owner_id", "earmark_id")
        .annotate(**_sums())
        .order_by()
    )
    return {(row["owner_id"], row["earmark_id"]): _figures(row) for row in rows}


# ---- Drill-down -----------------------------------------------------------------------------


def transactions_behind(
    accounts: QuerySet[FundAccount], *, bucket: str | None = None
) -> QuerySet[Transaction]:
    """The transactions that moved money in or out of the accounts (one bucket, if given):
    the rows behind a figure."""
    entries = Entry.objects.filter(account__in=accounts.values("pk"))
    if bucket:
        entries = entries.filter(bucket=bucket)
    return (
        Transaction.objects.filter(pk__in=entries.values("transaction_id"))
        .select_related("org", "counterpart_org", "earmark", "created_by")
        .order_by("-posted_on", "-id")
    )


def transactions_in_subtree(org: Org, *, earmark: Earmark | None = None) -> QuerySet[Transaction]:
    """The transactions behind a subtree's total: those whose org or counterpart lies in it.

    The same rows as `transactions_behind(subtree_accounts(org))` — every entry is on an
    account of its transaction's org or counterpart (services and post_many enforce it) —
    read through the transaction's own columns instead of two million entries.
    """
    transactions = Transaction.objects.filter(
        within(org.path, "org__path") | within(org.path, "counterpart_org__path")
    )
    if earmark is not None:
        transactions = transactions.filter(earmark=earmark)
    return transactions.select_related("org", "counterpart_org", "earmark", "created_by").order_by(
        "-posted_on", "-id"
    )


def subtree_accounts(org: Org, *, earmark: Earmark | None = None) -> QuerySet[FundAccount]:
    accounts = FundAccount.objects.filter(within(org.path, "org__path"))
    return accounts.filter(earmark=earmark) if earmark is not None else accounts


def account_moves(account: FundAccount, transaction_ids: list[int]) -> dict[int, dict[str, int]]:
    """{transaction id: {bucket: signed amount}} for some transactions of one account."""
    moves: dict[int, dict[str, int]] = {}
    rows = Entry.objects.filter(account=account, transaction_id__in=transaction_ids).values_list(
        "transaction_id", "bucket", "amount_fen"
    )
    for transaction_id, bucket, amount in rows:
        moves.setdefault(transaction_id, {}).setdefault(bucket, 0)
        moves[transaction_id][bucket] += amount
    return moves


def _figure_entries(accounts: QuerySet[FundAccount], bucket: str | None) -> QuerySet[Entry]:
    entries = Entry.objects.filter(account__in=accounts.values("pk"))
    if bucket:
        return entries.filter(bucket=bucket)
    return entries.exclude(bucket=Bucket.EXTERNAL)


def figure_effects(
    accounts: QuerySet[FundAccount], bucket: str | None, transaction_ids: list[int]
) -> dict[int, int]:
    """{transaction id: signed amount} each transaction added to (or took from) the figure
    of `accounts` in `bucket` (all three buckets when None): the drill-down's column."""
    rows = (
        _figure_entries(accounts, bucket)
        .filter(transaction_id__in=transaction_ids)
        .values("transaction_id")
        .annotate(effect=Sum("amount_fen"))
    )
    return {row["transaction_id"]: row["effect"] for row in rows}


def figure_sum(accounts: QuerySet[FundAccount], bucket: str | None) -> int:
    """The figure as the sum of its entries: what the drill-down's rows add up to. Equal to
    the maintained balance (`nuanjia funds check` proves it)."""
    total = _figure_entries(accounts, bucket).aggregate(total=Sum("amount_fen"))["total"]
    return int(total or 0)


def spends_of(source_type: str, source_ids: list[str]) -> QuerySet[Transaction]:
    return Transaction.objects.filter(
        kind=Transaction.Kind.SPEND, source_type=source_type, source_id__in=source_ids
    )
