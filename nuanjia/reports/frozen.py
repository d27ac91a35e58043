"""Frozen months (issue 20 item 4): the figures of a closed month stay as they were closed.

Closing a month is funds' 结账 (`funds.services.close_period`, the only close); it calls
`core.closing.month_closed`, which runs `freeze_month` here in the same transaction: the
month's facts of the union's subtree, summed per union, measure, dimension values and
receiver, are kept as `FrozenFact` rows with the SHA-256 of the set.

A late row dated in a frozen month is written to the facts as any row (the refresh rebuilds
its day); `settle` then adds two adjustment facts per figure that moved: one in the closed
month that takes the difference back (the month shows its frozen figure) and one on the
first day of the next month the union has not closed (`carried`, shown as 调整). The
queries read the facts as before; a figure of a closed month is the frozen one.
"""

from __future__ import annotations

import calendar
import datetime
import hashlib
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, Sum

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.orgs.models import Org
from nuanjia.orgs.queries import within

from .models import Fact, FrozenFact, FrozenPeriod

BATCH = 2000
KEY = ("measure", "org_id", "path", "d1", "d2", "peer_path")
Key = tuple[str, int, str, str, str, str]


def month_range(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, 1), datetime.date(year, month, last)


def _sums(facts: Any) -> dict[Key, int]:
    rows = facts.values(*KEY).annotate(total=Sum("value")).order_by()
    return {tuple(row[k] for k in KEY): row["total"] for row in rows if row["total"]}


def digest(path: str, year: int, month: int, figures: Iterable[tuple[Key, int]]) -> str:
    """The SHA-256 of a frozen figure set: one line per figure, sorted, under a header."""
    lines = sorted(
        "\t".join((measure, fpath, d1, d2, peer, str(value)))
        for (measure, _org, fpath, d1, d2, peer), value in figures
    )
    text = f"{path}\t{year:04d}-{month:02d}\n" + "\n".join(lines)
    return hashlib.sha256(text.encode()).hexdigest()


def freeze_month(org: Org, year: int, month: int, *, by: Actor | None) -> FrozenPeriod:
    """Keep the subtree's figures of the month as they stand, with their hash (audited)."""
    first, last = month_range(year, month)
    figures = _sums(Fact.objects.filter(within(org.path), day__range=(first, last)))
    period = FrozenPeriod.objects.create(
        org=org,
        path=org.path,
        year=year,
        month=month,
        facts=len(figures),
        sha256=digest(org.path, year, month, figures.items()),
    )
    FrozenFact.objects.bulk_create(
        [
            FrozenFact(
                period=period,
                measure=key[0],
                org_id=key[1],
                path=key[2],
                d1=key[3],
                d2=key[4],
                peer_path=key[5],
                value=value,
            )
            for key, value in figures.items()
        ],
        batch_size=BATCH,
    )
    record_event(
        period,
        "reports.month_frozen",
        by=by,
        org=org,
        changes={
            "period": f"{year:04d}-{month:02d}",
            "facts": len(figures),
            "sha256": period.sha256,
        },
    )
    return period


def verify(period: FrozenPeriod) -> bool:
    """Whether the kept figures still give the hash taken at the close."""
    rows = FrozenFact.objects.filter(period=period).values_list(*KEY, "value")
    figures = [((m, o, p, d1, d2, peer), v) for m, o, p, d1, d2, peer, v in rows]
    return digest(period.path, period.year, period.month, figures) == period.sha256


def _months(first: datetime.date, last: datetime.date) -> list[tuple[int, int]]:
    found = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        found.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def periods_in(first: datetime.date, last: datetime.date) -> list[FrozenPeriod]:
    """The frozen months that fall in [first, last], oldest close first."""
    wanted = Q()
    for year, month in _months(first, last):
        wanted |= Q(year=year, month=month)
    return list(FrozenPeriod.objects.filter(wanted).order_by("id"))


def next_open_month(period: FrozenPeriod) -> datetime.date:
    """The first day of the first month after the period that its union has not closed."""
    closed = set(FrozenPeriod.objects.filter(org_id=period.org_id).values_list("year", "month"))
    year, month = period.year, period.month
    while True:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        if (year, month) not in closed:
            return datetime.date(year, month, 1)


def _settle_one(code: str, period: FrozenPeriod) -> int:
    Fact.objects.filter(measure=code, adjusts=period.pk).delete()
    first, last = month_range(period.year, period.month)
    live = _sums(
        Fact.objects.filter(within(period.path), measure=code, day__range=(first, last)).exclude(
            adjusts__gte=period.pk
        )
    )
    frozen = {
        (code, org_id, path, d1, d2, peer): value
        for org_id, path, d1, d2, peer, value in FrozenFact.objects.filter(
            period=period, measure=code
        ).values_list("org_id", "path", "d1", "d2", "peer_path", "value")
    }
    carried_to = next_open_month(period)
    facts = []
    for key in set(live) | set(frozen):
        delta = live.get(key, 0) - frozen.get(key, 0)
        if not delta:
            continue
        _m, org_id, path, d1, d2, peer = key
        common = {"measure": code, "org_id": org_id, "path": path, "d1": d1, "d2": d2}
        facts.append(Fact(**common, peer_path=peer, day=first, value=-delta, adjusts=period.pk))
        facts.append(
            Fact(**common, peer_path=peer, day=carried_to, value=delta, adjusts=period.pk,
                 carried=True)
        )  # fmt: skip
    Fact.objects.bulk_create(facts, batch_size=BATCH)
    return len(facts) // 2


def settle(code: str, first: datetime.date, last: datetime.date) -> int:
    """Write the adjustments of the measure for every frozen month in [first, last] (called
    by each rebuild of those days, in its transaction); the count of figures adjusted."""
    return sum(_settle_one(code, period) for period in periods_in(first, last))


def frozen_for(org: Org, first: datetime.date, last: datetime.date) -> list[FrozenPeriod]:
    """The frozen months in [first, last] of the union or a union above it (its figures there
    are frozen)."""
    above = [org.path[: i + 1] for i, char in enumerate(org.path) if char == "/" and i]
    return [period for period in periods_in(first, last) if period.path in above]
