"""Uses counted per (member, offer, period) and (offer, budget period), taken exactly under
concurrency: each counter is ONE statement,

    INSERT … VALUES (…, 1) ON CONFLICT (key) DO UPDATE SET used = used + 1
    WHERE used < limit RETURNING used

(PostgreSQL and SQLite ≥ 3.35 alike), run inside the redemption's transaction. The first
writer of a period inserts its row; the others queue on the row's lock and each re-reads
`used` before adding one, so no limit or budget is ever passed. A refused counter returns no
row, and the caller's savepoint rolls back the counters it had taken before."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F

from ..models import BudgetCounter, MemberCounter, Offer
from .periods import period_start


def _q(name: str) -> str:
    return str(connection.ops.quote_name(name))


@functools.cache
def _member_sql(vendor: str) -> str:
    table = _q(MemberCounter._meta.db_table)
    key = ", ".join(_q(c) for c in ("worker_id", "offer_id", "period", "starts_on"))
    return (
        f"INSERT INTO {table} ({key}, {_q('used')}) VALUES (%s, %s, %s, %s, 1) "  # noqa: S608 -- our own names
        f"ON CONFLICT ({key}) DO UPDATE SET {_q('used')} = {table}.{_q('used')} + 1 "
        f"WHERE {table}.{_q('used')} < %s RETURNING {_q('used')}"
    )


@functools.cache
def _budget_sql(vendor: str) -> str:
    table = _q(BudgetCounter._meta.db_table)
    key = ", ".join(_q(c) for c in ("offer_id", "starts_on"))
    return (
        f"INSERT INTO {table} ({key}, {_q('used')}) VALUES (%s, %s, 1) "  # noqa: S608 -- our own names
        f"ON CONFLICT ({key}) DO UPDATE SET {_q('used')} = {table}.{_q('used')} + 1 "
        f"WHERE {table}.{_q('used')} < %s RETURNING {_q('used')}"
    )


def _day(value: datetime.date) -> Any:
    return MemberCounter._meta.get_field("starts_on").get_db_prep_value(value, connection)


@dataclass(frozen=True)
class Taken:
    """What taking one use found: the period that refused it ("" when none did), and the
    uses the member has left after it (None: no member limit)."""

    refused: str = ""
    left: int | None = None


def take(offer: Offer, worker_id: int, day: datetime.date, *, budget: bool = True) -> Taken:
    """Take one use of `offer` for the worker on `day`: every member limit, then the budget
    (unless `budget` is False: the caller takes it last, with `take_budget`). On a refusal
    the caller rolls its savepoint back (counters already taken included)."""
    left: int | None = None
    with connection.cursor() as cursor:
        for period, limit in offer.limits().items():
            start = period_start(period, day, offer.starts_on)
            if limit <= 0:
                return Taken(period)
            cursor.execute(
                _member_sql(connection.vendor), [worker_id, offer.pk, period, _day(start), limit]
            )
            row = cursor.fetchone()
            if row is None:
                return Taken(period)
            left = limit - int(row[0]) if left is None else min(left, limit - int(row[0]))
    if budget and not take_budget(offer, day):
        return Taken("budget")
    return Taken("", left)


def take_budget(offer: Offer, day: datetime.date) -> bool:
    """Take one use of the offer's budget of the period holding `day` (True when there is no
    budget). Every use of an offer takes this one row: a fast path takes it last, just
    before its commit, so the row's lock is held as briefly as it can be (ADR 0018)."""
    if offer.budget_uses is None:
        return True
    if offer.budget_uses <= 0:
        return False
    start = period_start(offer.budget_period, day, offer.starts_on)
    with connection.cursor() as cursor:
        cursor.execute(_budget_sql(connection.vendor), [offer.pk, _day(start), offer.budget_uses])
        return cursor.fetchone() is not None


def give_back(offer: Offer, worker_id: int, day: datetime.date) -> None:
    """A reversed use returns to its member counters and its budget."""
    for period in offer.limits():
        start = period_start(period, day, offer.starts_on)
        MemberCounter.objects.filter(
            worker_id=worker_id, offer=offer, period=period, starts_on=start, used__gt=0
        ).update(used=F("used") - 1)
    if offer.budget_uses is not None:
        start = period_start(offer.budget_period, day, offer.starts_on)
        BudgetCounter.objects.filter(offer=offer, starts_on=start, used__gt=0).update(
            used=F("used") - 1
        )


def member_left(offer: Offer, worker_id: int, day: datetime.date) -> int | None:
    """The uses the member has left of `offer` on `day` (None: no member limit applies),
    bounded by what is left of the budget."""
    limits = offer.limits()
    starts = {period: period_start(period, day, offer.starts_on) for period in limits}
    used = {
        (row.period, row.starts_on): row.used
        for row in MemberCounter.objects.filter(
            worker_id=worker_id, offer=offer, starts_on__in=set(starts.values())
        )
    }
    left = [limit - used.get((period, starts[period]), 0) for period, limit in limits.items()]
    budget = budget_left(offer, day)
    if budget is not None:
        left.append(budget)
    return max(0, min(left)) if left else None


def budget_left(offer: Offer, day: datetime.date) -> int | None:
    if offer.budget_uses is None:
        return None
    start = period_start(offer.budget_period, day, offer.starts_on)
    row = BudgetCounter.objects.filter(offer=offer, starts_on=start).first()
    return offer.budget_uses - (row.used if row else 0)
