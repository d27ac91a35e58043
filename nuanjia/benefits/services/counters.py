"""Uses counted per (member, offer, period) and (offer, budget period), taken exactly under
concurrency: each counter is ONE statement,

    INSERT … VALUES (…, 1) ON CONFLICT (key) DO UPDATE SET used = used + 1
    WHERE used < limit RETURNING used

(PostgreSQL and SQLite ≥ 3.35 alike), run inside the redemption's transaction. The first
writer of a period inserts its row; the others queue on the row's lock and each re-reads
`used` before adding one, so no limit or budget is ever passed. A refused counter returns no
row, and the caller's savepoint rolls back the counters it had taken before.

An offer's budget is kept in `BUDGET_STRIPES` rows a period, each with its share of the budget
(`stripe_cap`): a use takes one use of its member's stripe, or of the next stripe with room.
No stripe passes its share, so the budget is never passed; a use is refused only when every
stripe is full. Uses of one offer by members of different stripes then do not queue on one
row's lock, which is held to the commit (a popular offer province-wide is the hot spot). A
stripe is taken by a guarded UPDATE (its first use by an INSERT), which locks no stripe it
does not add to: a use looking for room never holds one stripe while it waits for another."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Sum

from nuanjia.core.prepared import hot_cursor

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
def _budget_sql(vendor: str) -> tuple[str, str]:
    """A stripe's guarded UPDATE, and its first INSERT. Neither locks a stripe it does not
    add to (an upsert whose WHERE fails still locks the row on PostgreSQL), so a use looking
    for room holds no stripe while it waits for another: stripes cannot deadlock."""
    table = _q(BudgetCounter._meta.db_table)
    used = _q("used")
    key = ", ".join(_q(c) for c in ("offer_id", "starts_on", "stripe"))
    where = " AND ".join(f"{_q(c)} = %s" for c in ("offer_id", "starts_on", "stripe"))
    return (
        f"UPDATE {table} SET {used} = {used} + 1 WHERE {where} AND {used} < %s RETURNING {used}",  # noqa: S608 -- our own names
        f"INSERT INTO {table} ({key}, {used}) VALUES (%s, %s, %s, 1) "  # noqa: S608 -- our own names
        f"ON CONFLICT ({key}) DO NOTHING RETURNING {used}",
    )


BUDGET_STRIPES = 8


def stripe_cap(budget: int, stripe: int) -> int:
    """Stripe `stripe`'s share of a budget of `budget` uses; the shares add up to it."""
    return budget // BUDGET_STRIPES + (1 if stripe < budget % BUDGET_STRIPES else 0)


def _stripes_from(worker_id: int) -> list[int]:
    """The member's stripe first, then the others in turn."""
    first = worker_id % BUDGET_STRIPES
    return [(first + n) % BUDGET_STRIPES for n in range(BUDGET_STRIPES)]


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
    with hot_cursor() as cursor:
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
    if budget and not take_budget(offer, day, worker_id):
        return Taken("budget")
    return Taken("", left)


def member_stripe_update(
    offer: Offer, day: datetime.date, worker_id: int
) -> tuple[str, list[Any]] | None:
    """The guarded UPDATE that takes one use from the member's own stripe (RETURNING a row
    when it did), for a fast path that runs it inside a statement of its own; None when the
    offer has no budget or the stripe no share. When it returns no row, `take_budget`."""
    if offer.budget_uses is None:
        return None
    stripe = _stripes_from(worker_id)[0]
    cap = stripe_cap(offer.budget_uses, stripe)
    if cap <= 0:
        return None
    start = _day(period_start(offer.budget_period, day, offer.starts_on))
    return _budget_sql(connection.vendor)[0], [offer.pk, start, stripe, cap]


def take_budget(offer: Offer, day: datetime.date, worker_id: int) -> bool:
    """Take one use of the offer's budget of the period holding `day` (True when there is no
    budget): from the member's stripe, else the next with room. A fast path takes it last,
    just before its commit, so the stripe's lock is held as briefly as it can be (ADR 0018)."""
    if offer.budget_uses is None:
        return True
    start = _day(period_start(offer.budget_period, day, offer.starts_on))
    update, insert = _budget_sql(connection.vendor)
    with hot_cursor() as cursor:
        for stripe in _stripes_from(worker_id):
            cap = stripe_cap(offer.budget_uses, stripe)
            if cap <= 0:
                continue
            # room in the stripe; else its first use; else (created meanwhile) room after all
            for sql, params in ((update, [cap]), (insert, []), (update, [cap])):
                cursor.execute(sql, [offer.pk, start, stripe, *params])
                if cursor.fetchone() is not None:
                    return True
    return False


def give_back(offer: Offer, worker_id: int, day: datetime.date) -> None:
    """A reversed use returns to its member counters and its budget (the member's stripe
    first, else any stripe that has a use to give back)."""
    for period in offer.limits():
        start = period_start(period, day, offer.starts_on)
        MemberCounter.objects.filter(
            worker_id=worker_id, offer=offer, period=period, starts_on=start, used__gt=0
        ).update(used=F("used") - 1)
    if offer.budget_uses is None:
        return
    start = period_start(offer.budget_period, day, offer.starts_on)
    stripes = BudgetCounter.objects.filter(offer=offer, starts_on=start, used__gt=0)
    for stripe in _stripes_from(worker_id):
        if stripes.filter(stripe=stripe).update(used=F("used") - 1):
            return


@transaction.atomic
def rebalance_budget(offer: Offer) -> None:
    """After the offer's budget changed: spread each period's uses over the stripes again,
    each up to its new share (what is past the budget stays on stripe 0, so that every stripe
    is full and refuses). A period's uses add up as before."""
    if offer.budget_uses is None:
        return
    rows = BudgetCounter.objects.select_for_update().filter(offer=offer).order_by("pk")
    periods: dict[datetime.date, int] = {}
    for row in rows:
        periods[row.starts_on] = periods.get(row.starts_on, 0) + row.used
    for starts_on, used in periods.items():
        for stripe, count in enumerate(spread_uses(offer.budget_uses, used)):
            BudgetCounter.objects.update_or_create(
                offer=offer, starts_on=starts_on, stripe=stripe, defaults={"used": count}
            )


def spread_uses(budget: int, used: int) -> list[int]:
    """`used` uses over the stripes, each up to its share of `budget`, the rest on stripe 0."""
    spread = []
    for stripe in range(BUDGET_STRIPES):
        count = min(stripe_cap(budget, stripe), used)
        spread.append(count)
        used -= count
    spread[0] += used
    return spread


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
    rows = BudgetCounter.objects.filter(offer=offer, starts_on=start)
    used = rows.aggregate(used=Sum("used"))["used"] or 0
    return offer.budget_uses - int(used)
