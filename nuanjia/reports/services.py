"""Keeping the facts: a rebuild of any day range, the refresh of the days whose rows changed
(every minute, by the task queue) and the nightly check of yesterday (ADR 0021).

Every write of facts for a measure and days is one transaction: DELETE the days' facts, then
INSERT what the measure's `compute` groups from its rows (bulk, 2,000 a statement), under a
lock on the measure's first cursor row so two refreshes never rebuild the same days at once.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Min, QuerySet

from nuanjia.core import clock, measures
from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.orgs.models import Org

from . import frozen
from .dashboard import sync_named_periods
from .models import CheckRun, Fact, FeedCursor

logger = logging.getLogger(__name__)

BATCH = 2000
CHUNK_DAYS = 31  # a rebuild reads a measure's rows into Python a month at a time
# A measure whose `compute` is a queryset is written by one INSERT … SELECT in the database
# (no row passes through Python), a year at a time.
SET_CHUNK_DAYS = 366
# How far back each refresh looks again, for writes committed after a later one was seen.
TIME_OVERLAP = datetime.timedelta(minutes=10)
ID_OVERLAP = 1000
EVERYTHING = "*"  # a cursor of a table that was empty: every row is new
DETAILS_KEPT = 100  # differences of a check kept for reading

Key = tuple[int, str, str, str]  # org_id, d1, d2, peer_path


def _selected(codes: Sequence[str] | None) -> list[measures.Measure]:
    if not codes:
        return measures.registered()
    return [measures.get(code) for code in codes]


def _chunks(
    first: datetime.date, last: datetime.date, size: int = CHUNK_DAYS
) -> Iterator[tuple[datetime.date, datetime.date]]:
    start = first
    while start <= last:
        end = min(last, start + datetime.timedelta(days=size - 1))
        yield start, end
        start = end + datetime.timedelta(days=1)


def _paths(org_ids: set[int]) -> dict[int, str]:
    paths: dict[int, str] = {}
    ordered = sorted(org_ids)
    for start in range(0, len(ordered), 5000):
        chunk = ordered[start : start + 5000]
        paths.update(Org.objects.filter(pk__in=chunk).values_list("pk", "path"))
    return paths


def computed_facts(
    measure: measures.Measure, first: datetime.date, last: datetime.date
) -> list[Fact]:
    """The facts of [first, last] as the measure's rows give them now (not saved)."""
    rows = [row for row in measure.compute(first, last) if row["value"]]
    org_ids = {row["org_id"] for row in rows} | {
        row["peer_id"] for row in rows if row.get("peer_id")
    }
    paths = _paths(org_ids)
    return [
        Fact(
            measure=measure.code,
            day=row["day"],
            org_id=row["org_id"],
            path=paths[row["org_id"]],
            d1=row.get("d1") or "",
            d2=row.get("d2") or "",
            peer_path=paths.get(row.get("peer_id") or 0, ""),
            value=row["value"],
        )
        for row in rows
    ]


def _lock(code: str) -> None:
    """Serialise the writers of one measure's facts (a no-op lock on SQLite, whose writes are
    serialised anyway)."""
    FeedCursor.objects.get_or_create(measure=code, feed=0)
    FeedCursor.objects.select_for_update().filter(measure=code, feed=0).first()


def _set_based(found: Any) -> tuple[QuerySet[Any], list[str]] | None:
    """A compute's grouped queryset and the facts' names of its columns in the order of its
    SELECT, when the database can write its facts itself (None: read them in Python)."""
    if isinstance(found, measures.Grouped):
        grouped, renamed = found.queryset, dict(found.names)
    elif isinstance(found, QuerySet):
        grouped, renamed = found, {}
    else:
        return None
    query = grouped.query
    names = [renamed.get(n, n) for n in (*query.values_select, *query.annotation_select)]
    if query.extra_select or not {"day", "org_id", "value"} <= set(names):
        return None
    return grouped, names


def insert_selected(measure: measures.Measure, grouped: QuerySet[Any], names: list[str]) -> int:
    """Write the facts `compute` groups by one INSERT … SELECT (集合写入): the unions' paths
    joined in, a missing dimension or receiver as "", groups of no value left out — the
    facts `computed_facts` makes, without reading a row into Python; the count."""
    sql, params = grouped.query.sql_with_params()
    quote = connection.ops.quote_name
    org_table, c = quote(Org._meta.db_table), {name: f"c.{quote(name)}" for name in names}

    def text(name: str) -> str:
        return f"COALESCE(CAST({c[name]} AS VARCHAR(64)), '')" if name in c else "''"

    peer_join, peer = "", "''"
    if "peer_id" in c:
        peer_join = f" LEFT JOIN {org_table} p ON p.id = {c['peer_id']}"
        peer = "COALESCE(p.path, '')"
    # Only identifiers and Django's own compiled SQL are formatted in; values are parameters.
    statement = (
        f"INSERT INTO {quote(Fact._meta.db_table)} "  # noqa: S608
        "(measure, day, org_id, path, d1, d2, peer_path, value, adjusts, carried) "
        f"WITH c({', '.join(quote(name) for name in names)}) AS ({sql}) "
        f"SELECT %s, {c['day']}, {c['org_id']}, o.path, {text('d1')}, {text('d2')}, {peer}, "
        f"{c['value']}, 0, %s FROM c JOIN {org_table} o ON o.id = {c['org_id']}{peer_join} "
        f"WHERE {c['value']} IS NOT NULL AND {c['value']} <> 0"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*params, measure.code, False])
        return max(int(cursor.rowcount), 0)


def _write(measure: measures.Measure, start: datetime.date, end: datetime.date) -> int:
    """One transaction: the days' facts deleted and written again, closed months settled."""
    with transaction.atomic():
        _lock(measure.code)
        Fact.objects.filter(measure=measure.code, day__range=(start, end), adjusts=0).delete()
        found = _set_based(measure.compute(start, end))
        if found is not None:
            written = insert_selected(measure, *found)
        else:
            facts = computed_facts(measure, start, end)
            Fact.objects.bulk_create(facts, batch_size=BATCH)
            written = len(facts)
        frozen.settle(measure.code, start, end)  # closed months keep their figures
    return written


def rebuild_days(measure: measures.Measure, first: datetime.date, last: datetime.date) -> int:
    """Replace the measure's facts of [first, last] by what its rows give now; the count.
    A month at a time, or a year at a time when the database writes the facts itself."""
    size = CHUNK_DAYS if _set_based(measure.compute(first, first)) is None else SET_CHUNK_DAYS
    return sum(_write(measure, start, end) for start, end in _chunks(first, last, size))


def _encode(stamp: Any) -> str:
    return stamp.isoformat() if isinstance(stamp, datetime.datetime) else str(stamp)


def _since(text: str) -> Any:
    """The stamp from which a feed is read again: the cursor less the overlap."""
    if text.lstrip("-").isdigit():
        return int(text) - ID_OVERLAP
    return datetime.datetime.fromisoformat(text) - TIME_OVERLAP


def _top(feed: measures.ChangeFeed) -> str:
    top = feed.queryset().aggregate(top=Max(feed.stamp))["top"]
    return EVERYTHING if top is None else _encode(top)


def mark_current(codes: Sequence[str] | None = None) -> None:
    """Set every cursor to the feeds' newest stamp (a rebuild starts with this, so what changes
    while it runs is read by the next refresh)."""
    for measure in _selected(codes):
        for number, feed in enumerate(measure.changes):
            FeedCursor.objects.update_or_create(
                measure=measure.code, feed=number, defaults={"stamp": _top(feed)}
            )


def changed_days(measure: measures.Measure) -> tuple[set[datetime.date], list[FeedCursor]]:
    """The days whose rows changed since the feeds were last read, and the cursors moved on
    (saved by the caller once those days are rebuilt, so a failed rebuild is tried again). A
    feed never read starts from now (the facts before it come from a rebuild)."""
    days: set[datetime.date] = set()
    moved: list[FeedCursor] = []
    for number, feed in enumerate(measure.changes):
        cursor, created = FeedCursor.objects.get_or_create(measure=measure.code, feed=number)
        top = _top(feed)
        if created or not cursor.stamp:
            logger.info("reports: %s feed %s starts at %s", measure.code, number, top)
        else:
            rows = feed.queryset().exclude(**{f"{feed.day}__isnull": True})
            if cursor.stamp != EVERYTHING:
                rows = rows.filter(**{f"{feed.stamp}__gt": _since(cursor.stamp)})
            days.update(rows.values_list(feed.day, flat=True).distinct().order_by())
        if top != EVERYTHING or not cursor.stamp:
            cursor.stamp = top
            moved.append(cursor)
    return days, moved


def _runs(days: Iterable[datetime.date]) -> Iterator[tuple[datetime.date, datetime.date]]:
    """Consecutive days as (first, last) ranges."""
    ordered = sorted(set(days))
    while ordered:
        first = last = ordered.pop(0)
        while ordered and ordered[0] == last + datetime.timedelta(days=1):
            last = ordered.pop(0)
        yield first, last


def refresh(*, by: Actor | None = None) -> dict[str, list[str]]:
    """Rebuild the facts of every day whose rows changed since the last refresh; what was
    rebuilt ({measure: [days]}) is audited, nothing when nothing changed."""
    done: dict[str, list[str]] = {}
    sync_named_periods()  # the campaigns' periods of the picker
    for measure in measures.registered():
        try:
            with transaction.atomic():
                days, moved = changed_days(measure)
                for first, last in _runs(days):
                    rebuild_days(measure, first, last)
        except Exception:  # one measure's failure must not hold the others back
            logger.exception(
                "reports: the refresh of %s failed; tried again next time", measure.code
            )
            continue
        for cursor in moved:
            cursor.save(update_fields=["stamp", "updated_at"])
        if days:
            done[measure.code] = [day.isoformat() for day in sorted(days)]
    if done:
        with transaction.atomic():
            record_event(None, "reports.refreshed", by=by, changes={"days": done})
    return done


def earliest_day(codes: Sequence[str] | None = None) -> datetime.date | None:
    """The first day any of the measures' rows fall on (a full rebuild starts there)."""
    days = []
    for measure in _selected(codes):
        for feed in measure.changes:
            found = feed.queryset().aggregate(first=Min(feed.day))["first"]
            if found is not None:
                days.append(found)
    return min(days) if days else None


def rebuild(
    first: datetime.date,
    last: datetime.date,
    *,
    codes: Sequence[str] | None = None,
    by: Actor | None = None,
) -> dict[str, int]:
    """Rebuild the facts of [first, last] for the measures named (all by default); the count
    of facts written per measure. Audited."""
    chosen = _selected(codes)
    mark_current([measure.code for measure in chosen])
    written = {measure.code: rebuild_days(measure, first, last) for measure in chosen}
    with transaction.atomic():
        record_event(
            None,
            "reports.rebuilt",
            by=by,
            changes={"first": first.isoformat(), "last": last.isoformat(), "facts": written},
        )
    return written


def _keyed(facts: Iterable[Fact]) -> dict[Key, Fact]:
    return {(fact.org_id, fact.d1, fact.d2, fact.peer_path): fact for fact in facts}


def differences(measure: measures.Measure, day: datetime.date) -> list[dict[str, Any]]:
    """Where the stored facts of a day differ from what the rows give now."""
    stored = _keyed(Fact.objects.filter(measure=measure.code, day=day, adjusts=0))
    computed = _keyed(computed_facts(measure, day, day))
    found = []
    for key in sorted(set(stored) | set(computed)):
        was, now = stored.get(key), computed.get(key)
        if (was.value if was else 0) != (now.value if now else 0):
            org_id, d1, d2, peer = key
            found.append({
                "measure": measure.code, "org_id": org_id, "path": (was or now).path,  # type: ignore[union-attr]
                "d1": d1, "d2": d2, "peer_path": peer,
                "stored": was.value if was else 0, "computed": now.value if now else 0,
            })  # fmt: skip
    return found


def check_day(day: datetime.date | None = None, *, by: Actor | None = None) -> CheckRun:
    """The nightly check: compute `day` (yesterday by default) again for every measure,
    record the differences with the stored facts, and rebuild the days that differ."""
    day = day or clock.today() - datetime.timedelta(days=1)
    found: list[dict[str, Any]] = []
    chosen = measures.registered()
    for measure in chosen:
        wrong = differences(measure, day)
        if wrong:
            rebuild_days(measure, day, day)
            found.extend(wrong)
    with transaction.atomic():
        run = CheckRun.objects.create(
            day=day, measures=len(chosen), differences=len(found), details=found[:DETAILS_KEPT]
        )
        record_event(
            run,
            "reports.checked",
            by=by,
            changes={"day": day.isoformat(), "differences": len(found)},
        )
    return run
