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
and change nothing."""

from .bulk import (  # noqa: F401
    _ENTRY_COLUMNS,
    _TRANSACTION_COLUMNS,
    BULK_KINDS,
    _check_held_in_bulk,
    _reserve_ids,
    _settlement_posting,
    post_many,
    settle_many,
)
from .common import (  # noqa: F401
    ACTIONS,
    BUCKET_FIELDS,
    RECEIVE_SOURCES,
    Kind,
    Leg,
    Posting,
    Settlement,
    _bucket_label,
    _check_open,
    _integrity_violation,
    _lock,
    _memo,
    _posted_on,
    _require_balance,
    _require_finance,
    _require_in_scope,
    _short,
    _source,
    _write,
    account_for,
    may_move_funds,
)
from .postings import (  # noqa: F401
    _allocate_locked,
    _check_child,
    _not_held,
    _sourced,
    allocate,
    allocate_many,
    already_spent,
    close_period,
    held_for,
    receive,
    release,
    reserve,
    return_up,
    reverse,
    spend,
)

__all__ = [
    "ACTIONS",
    "BUCKET_FIELDS",
    "BULK_KINDS",
    "RECEIVE_SOURCES",
    "Kind",
    "Leg",
    "Posting",
    "Settlement",
    "account_for",
    "allocate",
    "allocate_many",
    "already_spent",
    "close_period",
    "held_for",
    "may_move_funds",
    "post_many",
    "receive",
    "release",
    "reserve",
    "return_up",
    "reverse",
    "settle_many",
    "spend",
]
