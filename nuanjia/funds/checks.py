"""`nuanjia funds check`: the ledger's invariants, verified against the rows themselves.

1. every transaction has entries and they sum to zero;
2. every account's balance columns equal the sums of its entries, bucket by bucket;
3. every paid object of a registered source (funds.sources: relief's grants) has exactly one
   spending transaction, not reversed.

Each check stops at the first discrepancy and names it, so an operator can go straight to it.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Sum

from . import sources
from .models import Entry, FundAccount, Transaction


def unbalanced_transaction() -> str | None:
    row = (
        Entry.objects.values("transaction_id")
        .annotate(total=Sum("amount_fen"))
        .exclude(total=0)
        .order_by("transaction_id")
        .first()
    )
    if row is not None:
        return f"transaction #{row['transaction_id']}: its entries sum to {row['total']} fen, not 0"
    empty = (
        Transaction.objects.annotate(legs=Count("entries"))
        .filter(legs=0)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if empty is not None:
        return f"transaction #{empty}: it has no entries"
    return None


def account_off_its_entries() -> str | None:
    sums: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Entry.objects.exclude(account=None)
        .values("account_id", "bucket")
        .annotate(total=Sum("amount_fen"))
        .order_by()
    )
    for row in rows:
        sums[row["account_id"]][row["bucket"]] = row["total"]
    accounts = FundAccount.objects.order_by("pk").values_list(
        "pk", "available_fen", "reserved_fen", "spent_fen"
    )
    for pk, available, reserved, spent in accounts.iterator(chunk_size=5000):
        for bucket, column in (("available", available), ("reserved", reserved), ("spent", spent)):
            total = sums.get(pk, {}).get(bucket, 0)
            if total != column:
                return (
                    f"account #{pk}: {bucket} balance is {column} fen but its entries sum to "
                    f"{total} fen"
                )
    stray = set(sums) - set(FundAccount.objects.values_list("pk", flat=True))
    if stray:
        return f"account #{min(stray)}: entries for an account that does not exist"
    return None


def paid_source_without_one_spend() -> str | None:
    for source in sources.registered():
        found = _paid_without_one_spend(source)
        if found is not None:
            return found
    return None


def _paid_without_one_spend(source: sources.PostingSource) -> str | None:
    paid = {str(pk) for pk in source.paid_ids()}
    if not paid:
        return None
    spends: defaultdict[str, int] = defaultdict(int)
    rows = Transaction.objects.filter(
        kind=Transaction.Kind.SPEND, source_type=source.source_type, reversal__isnull=True
    ).values_list("source_id", flat=True)
    for source_id in rows.iterator(chunk_size=5000):
        spends[source_id] += 1
    for paid_id in sorted(paid, key=lambda value: (len(value), value)):
        if spends.get(paid_id, 0) != 1:
            return (
                f"{source.label} #{paid_id} is paid but has {spends.get(paid_id, 0)} spending "
                "transactions (expected exactly 1)"
            )
    return None


def first_discrepancy() -> str | None:
    """The first broken invariant, described, or None when the ledger is sound."""
    for check in (unbalanced_transaction, account_off_its_entries, paid_source_without_one_spend):
        found = check()
        if found is not None:
            return found
    return None


def summary() -> str:
    return (
        f"{Transaction.objects.count()} transactions, {Entry.objects.count()} entries, "
        f"{FundAccount.objects.count()} accounts"
    )
