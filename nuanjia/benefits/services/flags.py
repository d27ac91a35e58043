"""Suspicious patterns (可疑使用), checked as each use is taken, in its transaction, and
raised to the benefits reviewers' queue of the member's union (`FLAG_FLOW`):

- the same card at outlets more than 50 km apart within 30 minutes;
- more than 5 uses within 10 minutes.

One open flag of a kind per member and window: a burst of ten uses raises one flag, not five."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence

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


_RECENT = ModelColumns(Redemption, "r", fields=("at", "outlet"))


@functools.cache
def _recent_sql(vendor: str) -> str:
    """The member's other uses in a window, not reversed: written once per database (each
    use asks it, inside its transaction; Django would build the query afresh every time)."""
    quote = connection.ops.quote_name
    table = quote(Redemption._meta.db_table)
    return (
        f"SELECT {_RECENT.select()} FROM {table} r "  # noqa: S608 -- our own names
        f"WHERE r.{quote('worker_id')} = %s AND r.{quote('at')} >= %s "
        f"AND r.{quote('at')} <= %s AND r.{quote('reversed')} = %s AND r.{quote('id')} <> %s"
    )


def _recent(redemption: Redemption) -> list[tuple[datetime.datetime, int | None]]:
    window = max(FAR_MINUTES, BURST_MINUTES)
    at = Redemption._meta.get_field("at")
    since, until = (
        at.get_db_prep_value(moment, connection)
        for moment in (redemption.at - datetime.timedelta(minutes=window), redemption.at)
    )
    with hot_cursor() as cursor:
        cursor.execute(
            _recent_sql(connection.vendor),
            [redemption.worker_id, since, until, False, redemption.pk],
        )
        rows = cursor.fetchall()
    return [(moment, outlet) for moment, outlet in (_RECENT.convert(row) for row in rows)]


def found(redemption: Redemption) -> list[tuple[str, str, int]]:
    """(kind, detail, window minutes) of the patterns the new use completes, read with one
    statement of the member's recent uses (the outlets' places only when two outlets are in
    it); nothing written, so a fast path reads them before it queues for the audit chain."""
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
