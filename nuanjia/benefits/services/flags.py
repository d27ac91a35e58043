"""Suspicious patterns (可疑使用), checked as each use is taken, in its transaction, and
raised to the benefits reviewers' queue of the member's union (`FLAG_FLOW`):

- the same card at outlets more than 50 km apart within 30 minutes;
- more than 5 uses within 10 minutes.

One open flag of a kind per member and window: a burst of ten uses raises one flag, not five."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from nuanjia.core.audit import record_event
from nuanjia.core.prepared import ModelColumns, hot_cursor

from ..audit import FLAGGED
from ..models import Flag, OutletPlace, Redemption
from ..rules import BURST_MINUTES, BURST_USES, FAR_KM, FAR_MINUTES, FlagKind, FlagStatus
from .periods import distance_km


def check(redemption: Redemption) -> list[Flag]:
    """The flags the new use raises (usually none)."""
    return raise_found(redemption, found(redemption))


RECENT = ModelColumns(Redemption, "r", fields=("at", "outlet"))
Recent = list[tuple[datetime.datetime, int | None]]


@functools.cache
def _recent_sql(vendor: str) -> str:
    """The member's other uses in a window, not reversed: written once per database (each
    use asks it, inside its transaction; Django would build the query afresh every time)."""
    quote = connection.ops.quote_name
    table = quote(Redemption._meta.db_table)
    return (
        f"SELECT {RECENT.select()} FROM {table} r "  # noqa: S608 -- our own names
        f"WHERE r.{quote('worker_id')} = %s AND r.{quote('at')} >= %s "
        f"AND r.{quote('at')} <= %s AND r.{quote('reversed')} = %s AND r.{quote('id')} <> %s"
    )


def window(at: datetime.datetime) -> tuple[Any, Any]:
    """The bounds of the uses a use at `at` is checked against, as the database takes them."""
    field = Redemption._meta.get_field("at")
    since = at - datetime.timedelta(minutes=max(FAR_MINUTES, BURST_MINUTES))
    return field.get_db_prep_value(since, connection), field.get_db_prep_value(at, connection)


def read_recent(rows: Iterable[tuple[Any, ...] | list[Any]], start: int = 0) -> Recent:
    """(at, outlet) of each row's `RECENT` columns from `start`; rows without a use skipped."""
    found = (RECENT.convert(row, start) for row in rows if row[start] is not None)
    return [(moment, outlet) for moment, outlet in found]


def _recent(redemption: Redemption) -> Recent:
    since, until = window(redemption.at)
    with hot_cursor() as cursor:
        cursor.execute(
            _recent_sql(connection.vendor),
            [redemption.worker_id, since, until, False, redemption.pk],
        )
        return read_recent(cursor.fetchall())


def found(redemption: Redemption, recent: Recent | None = None) -> list[tuple[str, str, int]]:
    """(kind, detail, window minutes) of the patterns the new use completes, from the
    member's other recent uses (read with one statement unless the caller read them before,
    `recent`; the outlets' places only when two outlets are in it); nothing written, so a
    fast path reads them before it queues for the audit chain."""
    if recent is None:
        recent = _recent(redemption)
    patterns = []
    far = _far_apart(redemption, recent)
    if far is not None:
        patterns.append((FlagKind.FAR_APART.value, far, FAR_MINUTES))
    burst = _burst(redemption, recent)
    if burst is not None:
        patterns.append((FlagKind.BURST.value, burst, BURST_MINUTES))
    return patterns


def raise_found(redemption: Redemption, patterns: list[tuple[str, str, int]]) -> list[Flag]:
    raised = [_raise(redemption, kind, detail, minutes) for kind, detail, minutes in patterns]
    return [flag for flag in raised if flag is not None]


def _far_apart(
    redemption: Redemption, recent: Sequence[tuple[datetime.datetime, int | None]]
) -> str | None:
    if redemption.outlet_id is None:
        return None
    since = redemption.at - datetime.timedelta(minutes=FAR_MINUTES)
    outlets = {outlet for at, outlet in recent if at >= since and outlet is not None}
    outlets.discard(redemption.outlet_id)
    if not outlets:
        return None
    places = {
        row.outlet_id: (float(row.latitude), float(row.longitude))
        for row in OutletPlace.objects.filter(outlet_id__in=[*outlets, redemption.outlet_id])
    }
    here = places.get(redemption.outlet_id)
    if here is None:
        return None
    for outlet_id in sorted(outlets):
        there = places.get(outlet_id)
        if there is not None and distance_km(here, there) > FAR_KM:
            return _("Used at outlets %(km).0f km apart within %(minutes)d minutes.") % {
                "km": distance_km(here, there),
                "minutes": FAR_MINUTES,
            }
    return None


def _burst(
    redemption: Redemption, recent: Sequence[tuple[datetime.datetime, int | None]]
) -> str | None:
    since = redemption.at - datetime.timedelta(minutes=BURST_MINUTES)
    count = sum(at >= since for at, _outlet in recent) + 1
    if count <= BURST_USES:
        return None
    return _("%(count)d uses within %(minutes)d minutes.") % {
        "count": count,
        "minutes": BURST_MINUTES,
    }


def _raise(redemption: Redemption, kind: str, detail: str, minutes: int) -> Flag | None:
    since = redemption.at - datetime.timedelta(minutes=minutes)
    if Flag.objects.filter(
        worker_id=redemption.worker_id, kind=kind, status=FlagStatus.OPEN,
        redemption__at__gte=since,
    ).exists():  # fmt: skip
        return None
    flag = Flag.objects.create(
        kind=kind, worker_id=redemption.worker_id, org_id=redemption.org_id,
        redemption=redemption, detail=detail[:300],
    )  # fmt: skip
    record_event(
        flag, FLAGGED, org=flag.org,
        changes={"kind": kind, "worker": redemption.worker_id, "redemption": redemption.pk},
    )  # fmt: skip
    return flag
