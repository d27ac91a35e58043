"""Who is eligible, previewed per union, and enrolment (名单): runs of the activity's rule at
a union, chunked by worker id ranges (never OFFSET), each chunk one transaction with its audit
event (rule, count, hash of the ids); a killed run resumes after its last chunk. Lists are
changed by hand only while being drawn up, and approved in one maker-checker step.

The rule is data (people.eligibility): compiled to ORM expressions, its values bound
parameters. The chunk's INSERT … SELECT is the ORM's own SELECT with its parameters."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core import clock
from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of
from nuanjia.orgs.queries import within
from nuanjia.people.models import Worker

from ..models import Activity, Enrolment, EnrolmentRun, Roster
from ..queries import roll_up
from ..rules import ENROL_CHUNK, RosterStatus, RosterStep
from ..workflow import ROSTER_FLOW
from .common import require_open, require_planner, require_taking_part


def rule_context(activity: Activity, on: datetime.date | None = None) -> Any:
    from nuanjia.people import eligibility

    return eligibility.Context(
        on=on or clock.today(), campaign_id=activity.campaign_id, activity_id=activity.pk
    )


def eligible_workers(activity: Activity, org: Org, rule: dict[str, Any]) -> QuerySet[Worker]:
    """Workers of `org`'s subtree the rule chooses, merged-away records left out."""
    return Worker.objects.filter(
        within(org.path, "org__path"), _condition(activity, rule), merged_into__isnull=True
    )


def _condition(activity: Activity, rule: dict[str, Any]) -> Q:
    if not rule:
        return Q()
    from nuanjia.people import eligibility

    return eligibility.compile_rule(eligibility.parse_rule(rule), rule_context(activity))


def not_enrolled(activity: Activity) -> Any:
    return ~Exists(Enrolment.objects.filter(activity=activity, worker=OuterRef("pk")))


def describe(rule: dict[str, Any]) -> tuple[str, str]:
    """The rule as people read it, and its hash."""
    if not rule:
        return str(_("Everyone in the union's registry")), hashlib.sha256(b"{}").hexdigest()
    from nuanjia.people import eligibility

    parsed = eligibility.parse_rule(rule)
    return eligibility.describe_rule(parsed), eligibility.rule_hash(parsed)


@dataclass
class UnionCount:
    org: Org
    count: int


@dataclass
class Preview:
    """What a run at `org` would add now: the count per union right below (and at `org`
    itself), the rule's text and hash, and the highest worker id counted."""

    org: Org
    total: int
    already: int
    per_union: list[UnionCount] = field(default_factory=list)
    rule_text: str = ""
    rule_hash: str = ""
    max_id: int = 0


def _roll_up(org: Org, counts: Iterable[tuple[int, int]]) -> list[UnionCount]:
    """Counts per owning union as rows of the unions right below `org`, `org` first."""
    by_code = roll_up(org, counts)
    unions = {u.code: u for u in Org.objects.filter(code__in=by_code)}
    rows = [UnionCount(unions[code], count) for code, count in by_code.items()]
    return sorted(rows, key=lambda row: (row.org.path != org.path, row.org.path))


# A subtree holding at least this share of all unions is counted by reading the whole
# registry once: walking the owning-union index to that many rows reads the table in random
# order, which SQLite's planner prefers for any subtree and is several times slower.
SCAN_SHARE = 0.1


def _counted_workers(activity: Activity, org: Org, rule: dict[str, Any]) -> QuerySet[Worker]:
    """eligible_workers for counting, with `owner`: the owning union's id as an expression
    (no index serves it: the counts read the table in order, grouped in memory)."""
    workers = Worker.objects.annotate(owner=ExpressionWrapper(F("org_id") + 0, BigIntegerField()))
    subtree = Org.objects.filter(within(org.path))
    if subtree.count() >= SCAN_SHARE * Org.objects.count():
        place = Q(owner__in=subtree.values("pk"))
    else:
        place = within(org.path, "org__path")
    return workers.filter(place, _condition(activity, rule), merged_into__isnull=True)


def preview(activity: Activity, org: Org, rule: dict[str, Any] | None = None) -> Preview:
    """How many a run of `rule` (the activity's by default) at `org` would add, per union,
    and how many it chooses are on the activity's lists already: one read of the registry,
    counted per owning union and whether on a list."""
    rule = activity.rule if rule is None else rule
    text, digest = describe(rule)
    max_id = Worker.objects.aggregate(top=Max("pk"))["top"] or 0
    enrolled = Exists(Enrolment.objects.filter(activity=activity, worker=OuterRef("pk")))
    counts = (
        _counted_workers(activity, org, rule)
        .filter(pk__lte=max_id)
        .order_by()
        .annotate(enrolled=enrolled)
        .values_list("owner", "enrolled")
        .annotate(n=Count("pk"))
    )
    new: list[tuple[int, int]] = []
    already = 0
    for org_id, on_a_list, count in counts:
        if on_a_list:
            already += count
        else:
            new.append((org_id, count))
    per_union = _roll_up(org, new)
    return Preview(
        org=org,
        total=sum(row.count for row in per_union),
        already=already,
        per_union=per_union,
        rule_text=text,
        rule_hash=digest,
        max_id=max_id,
    )


# ---- lists (名单) ------------------------------------------------------------------------


def open_roster(activity: Activity, org: Org) -> Roster:
    """The list being drawn up at `org`, or a new one numbered after the approved ones."""
    roster = (
        Roster.objects.select_for_update()
        .filter(activity=activity, org=org)
        .exclude(status=RosterStatus.APPROVED)
        .first()
    )
    if roster is not None:
        if roster.status != RosterStatus.DRAFT:
            raise RuleViolation(
                _("The list is waiting for approval: it cannot change until it is decided."),
                field="roster",
            )
        return roster
    number = Roster.objects.filter(activity=activity, org=org).count() + 1
    return Roster.objects.create(activity=activity, org=org, number=number)


def _require_draft(roster: Roster) -> None:
    if roster.status != RosterStatus.DRAFT:
        raise RuleViolation(
            _("Only a list being drawn up can change; an approved list stays as it is."),
            field="roster",
        )


# ---- runs --------------------------------------------------------------------------------


@transaction.atomic
def start_run(
    activity: Activity, org: Org, *, by: Actor, expected: int | None = None
) -> EnrolmentRun:
    """A run of the activity's rule at `org`, into its open list; nothing is added yet."""
    require_open(activity.campaign)
    require_planner(by, org)
    require_taking_part(activity, org)
    if EnrolmentRun.objects.filter(
        activity=activity, org=org, status=EnrolmentRun.Status.RUNNING
    ).exists():
        raise RuleViolation(
            _("A run at this union has not finished: resume it first."), field="org"
        )
    roster = open_roster(activity, org)
    text, digest = describe(activity.rule)
    # The run walks the ids the registry has: from just below the lowest to the highest, so a
    # registry whose ids start high (rows deleted, a sequence moved on) costs no empty chunks.
    ids = Worker.objects.aggregate(top=Max("pk"), bottom=Min("pk"))
    max_id = ids["top"] or 0
    run = EnrolmentRun.objects.create(
        activity=activity,
        roster=roster,
        org=org,
        rule=activity.rule,
        rule_text=text,
        expected=expected or 0,
        max_id=max_id,
        last_id=(ids["bottom"] or 1) - 1,
        started_by=staff_of(by),
    )
    record_event(
        run,
        "campaigns.enrolment_started",
        by=by,
        org=org,
        changes={"activity": activity.pk, "rule_hash": digest, "rule": text, "max_id": max_id},
    )
    return run


def _insert_chunk(run: EnrolmentRun, low: int, high: int) -> int:
    """INSERT … SELECT of the eligible workers with lo < id ≤ hi not yet on any list of the
    activity; the SELECT is the ORM's, with its bound parameters."""
    activity = run.activity
    chosen = (
        eligible_workers(activity, run.org, run.rule)
        .filter(pk__gt=low, pk__lte=high)
        .filter(not_enrolled(activity))
        .order_by()
        .values_list("pk", "org_id", "region_code")
    )
    select_sql, select_params = chosen.query.get_compiler(connection=connection).as_sql()
    table = Enrolment._meta.db_table
    # The table name is the model's; the SELECT is the ORM's compiled query, every value in it
    # a bound parameter.
    sql = (
        f"INSERT INTO {table} (activity_id, roster_id, run_id, added_at, worker_id, org_id, "  # noqa: S608
        f"region_code) SELECT %s, %s, %s, %s, chosen.* FROM ({select_sql}) AS chosen"
    )
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [activity.pk, run.roster_id, run.pk, now, *select_params])
        return max(int(cursor.rowcount), 0)


def _chunk_hash(run: EnrolmentRun, low: int, high: int) -> str:
    ids = (
        Enrolment.objects.filter(run=run, worker_id__gt=low, worker_id__lte=high)
        .order_by("worker_id")
        .values_list("worker_id", flat=True)
    )
    digest = hashlib.sha256()
    for worker_id in ids.iterator(chunk_size=10_000):
        digest.update(b"%d\n" % worker_id)
    return digest.hexdigest()


def _run_chunk(run_id: int, chunk: int, by: Actor | None) -> EnrolmentRun:
    with transaction.atomic():
        run = (
            EnrolmentRun.objects.select_for_update(of=("self",))
            .select_related("activity", "org")
            .get(pk=run_id)
        )
        if run.status != EnrolmentRun.Status.RUNNING:
            return run
        low, high = run.last_id, min(run.last_id + chunk, run.max_id)
        added = _insert_chunk(run, low, high)
        chunk_hash = _chunk_hash(run, low, high)
        run.ids_hash = hashlib.sha256(f"{run.ids_hash}{chunk_hash}".encode()).hexdigest()
        run.last_id, run.added, run.chunks = high, run.added + added, run.chunks + 1
        run.save(update_fields=["last_id", "added", "chunks", "ids_hash"])
        Roster.objects.filter(pk=run.roster_id).update(
            row_count=Enrolment.objects.filter(roster=run.roster_id).count()
        )
        record_event(
            run,
            "campaigns.enrolment_chunk",
            by=by,
            org=run.org,
            changes={
                "rule_hash": describe(run.rule)[1],
                "ids": [low + 1, high],
                "count": added,
                "hash": chunk_hash,
            },
        )
        return run


def _finish(run: EnrolmentRun, by: Actor | None) -> EnrolmentRun:
    with transaction.atomic():
        run = (
            EnrolmentRun.objects.select_for_update(of=("self",))
            .select_related("org")
            .get(pk=run.pk)
        )
        run.status = EnrolmentRun.Status.DONE
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at"])
        record_event(
            run,
            "campaigns.enrolment_run",
            by=by,
            org=run.org,
            changes={
                "activity": run.activity_id,
                "rule": run.rule_text,
                "count": run.added,
                "expected": run.expected,
                "hash": run.ids_hash,
                "chunks": run.chunks,
            },
        )
    return run


def continue_run(
    run: EnrolmentRun,
    *,
    by: Actor | None,
    chunk: int = ENROL_CHUNK,
    progress: Callable[[EnrolmentRun], None] | None = None,
    stop_after: int | None = None,
) -> EnrolmentRun:
    """Run (or resume) `run` chunk by chunk from its last id; `stop_after` chunks and return
    (the CLI's and tests' way to stop between chunks). Each chunk commits on its own."""
    if by is not None:
        require_planner(by, run.org)
    done = 0
    while run.status == EnrolmentRun.Status.RUNNING and run.last_id < run.max_id:
        if stop_after is not None and done >= stop_after:
            return run
        run = _run_chunk(run.pk, chunk, by)
        done += 1
        if progress is not None:
            progress(run)
    if run.status == EnrolmentRun.Status.RUNNING:
        run = _finish(run, by)
    return run


def enrol(
    activity: Activity, org: Org, *, by: Actor, expected: int | None = None, **options: Any
) -> EnrolmentRun:
    """Start a run and take it to the end (the page for small unions, the CLI, tests); the
    run keeps the preview's count beside what it added."""
    if expected is None:
        expected = preview(activity, org).total
    return continue_run(start_run(activity, org, by=by, expected=expected), by=by, **options)


# ---- by hand -----------------------------------------------------------------------------


@transaction.atomic
def add_by_hand(
    activity: Activity, org: Org, worker: Worker, *, by: Actor, reason: str
) -> Enrolment:
    """A worker the rule did not choose, added to the open list with the reason."""
    require_open(activity.campaign)
    require_planner(by, org)
    if not worker.org.path.startswith(org.path):
        raise RuleViolation(_("The worker is not in this union's registry."), field="worker")
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Say why the worker is added by hand."), field="reason")
    roster = open_roster(activity, org)
    if Enrolment.objects.filter(activity=activity, worker=worker).exists():
        raise RuleViolation(_("The worker is already on a list of this activity."), field="worker")
    row = Enrolment.objects.create(
        activity=activity,
        roster=roster,
        worker=worker,
        org=worker.org,
        region_code=worker.region_code,
        added_at=timezone.now(),
    )
    Roster.objects.filter(pk=roster.pk).update(row_count=roster.enrolments.count())
    record_event(
        row,
        "campaigns.enrolment_added",
        by=by,
        org=org,
        changes={"roster": roster.pk, "worker": worker.pk, "reason": reason[:200]},
    )
    return row


@transaction.atomic
def remove_from_list(row: Enrolment, *, by: Actor, reason: str) -> None:
    roster = Roster.objects.select_for_update().get(pk=row.roster_id)
    require_planner(by, roster.org)
    _require_draft(roster)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Say why the worker is taken off the list."), field="reason")
    record_event(
        row,
        "campaigns.enrolment_removed",
        by=by,
        org=roster.org,
        changes={"roster": roster.pk, "worker": row.worker_id, "reason": reason[:200]},
    )
    row.delete()
    Roster.objects.filter(pk=roster.pk).update(row_count=roster.enrolments.count())


def roster_hash(roster: Roster) -> str:
    digest = hashlib.sha256()
    ids = roster.enrolments.order_by("worker_id").values_list("worker_id", flat=True)
    for worker_id in ids.iterator(chunk_size=10_000):
        digest.update(b"%d\n" % worker_id)
    return digest.hexdigest()


@ROSTER_FLOW.handler(RosterStep.SUBMIT)
@transaction.atomic
def submit_roster(roster: Roster, *, by: Actor, note: str = "") -> Roster:
    """The list goes to an approver as it stands (count and hash kept on it)."""
    if EnrolmentRun.objects.filter(roster=roster, status=EnrolmentRun.Status.RUNNING).exists():
        raise RuleViolation(_("A run into this list has not finished."), field="roster")
    with ROSTER_FLOW.moving(roster, RosterStep.SUBMIT, by=by, note=note) as move:
        list_ = move.obj
        list_.row_count = list_.enrolments.count()
        if not list_.row_count:
            raise RuleViolation(_("The list is empty."), field="roster")
        list_.ids_hash = roster_hash(list_)
        list_.submitted_at = timezone.now()
        move.changes.update({"count": list_.row_count, "hash": list_.ids_hash})
    return move.obj


@ROSTER_FLOW.handler(RosterStep.APPROVE)
@transaction.atomic
def approve_roster(roster: Roster, *, by: Actor, note: str = "") -> Roster:
    """Approved as submitted: the same rows (the hash is checked), frozen from now on."""
    with ROSTER_FLOW.moving(roster, RosterStep.APPROVE, by=by, note=note) as move:
        list_ = move.obj
        if roster_hash(list_) != list_.ids_hash:
            raise RuleViolation(_("The list changed after it was submitted."), field="roster")
        list_.approved_at = timezone.now()
        move.changes.update({"count": list_.row_count, "hash": list_.ids_hash})
    return move.obj


def approved_enrolments(activity: Activity) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(activity=activity, roster__status=RosterStatus.APPROVED)


__all__ = [
    "Preview",
    "UnionCount",
    "add_by_hand",
    "approve_roster",
    "approved_enrolments",
    "continue_run",
    "eligible_workers",
    "enrol",
    "open_roster",
    "preview",
    "remove_from_list",
    "start_run",
    "submit_roster",
]
