"""Set-based runs: re-assessment after a 低保 change, the annual review due list."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import BooleanField, Case, CharField, F, Max, Min, Q, QuerySet, Value, When
from django.db.models.functions import Left
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import in_scope, staff_of
from nuanjia.orgs.queries import within
from nuanjia.standards import regions
from nuanjia.standards.models import DibaoStandard
from nuanjia.standards.queries import region_org
from nuanjia.standards.regions import prefix_range

from .. import queries, rules
from ..models import BulkRun, HardshipFile, HardshipPolicy
from ..rules import Category, ReviewReason
from .guards import _require_role, _today

CHUNK_SIZE = 50_000


@dataclass(frozen=True)
class ReassessGroup:
    """Files decided by one 低保 amount and one policy: one UPDATE per chunk.

    `regions` is index-friendly, for the dry-run count and the id bounds; `chunk_regions` is
    what each chunk's UPDATE filters on. For a whole city it compares the code's first four
    digits, so the database walks the chunk's id range instead of the city's whole region
    index once per chunk.
    """

    regions: Q
    dibao_fen: int
    policy: rules.PolicyValues
    chunk_regions: Q | None = None

    @property
    def chunk_filter(self) -> Q:
        return self.chunk_regions if self.chunk_regions is not None else self.regions


def reassessment_as_of(standard: DibaoStandard) -> datetime.date:
    """Re-assess against what is in force today, or on the new standard's first day if later."""
    return max(_today(), standard.effective_on)


def reassessment_groups(standard: DibaoStandard, as_of: datetime.date) -> list[ReassessGroup]:
    """The files a changed standard decides, grouped by the policy that applies to them.

    A county standard decides its county. A city standard decides the city and each county
    without a standard of its own; a county with its own policy is a group of its own.
    """
    region = standard.region_code
    city = regions.city_of(region)
    in_force = queries.dibao_for(region, as_of)
    if in_force is None:
        return []
    if region != city:
        return [
            ReassessGroup(
                Q(region_code=region), in_force.monthly_fen, queries.policy_for(region, as_of)
            )
        ]
    prefix = city[:4]
    own_standard = set(
        DibaoStandard.objects.filter(prefix_range(prefix), effective_on__lte=as_of)
        .exclude(region_code=city)
        .values_list("region_code", flat=True)
    )
    own_policy = (
        set(
            HardshipPolicy.objects.filter(prefix_range(prefix), effective_on__lte=as_of)
            .exclude(region_code=city)
            .values_list("region_code", flat=True)
        )
        - own_standard
    )
    others = ~Q(region_code__in=sorted(own_standard | own_policy))
    groups = [
        ReassessGroup(
            prefix_range(prefix) & others,
            in_force.monthly_fen,
            queries.policy_for(city, as_of),
            chunk_regions=Q(Exact(Left("region_code", 4), prefix)) & others,
        )
    ]
    groups += [
        ReassessGroup(Q(region_code=code), in_force.monthly_fen, queries.policy_for(code, as_of))
        for code in sorted(own_policy)
    ]
    return groups


def reassessment_category(dibao_fen: int, policy: rules.PolicyValues) -> Case:
    """rules.propose_category as a SQL CASE over the stored assessment snapshot."""
    relative = rules.relative_limit_fen(dibao_fen, policy.relative_multiple)
    return Case(
        When(
            Q(per_capita_income_fen__lte=dibao_fen) | Q(is_on_dibao=True, has_special_costs=True),
            then=Value(Category.DEEP.value),
        ),
        When(
            Q(per_capita_income_fen__lt=relative, is_sudden=True), then=Value(Category.SUDDEN.value)
        ),
        When(per_capita_income_fen__lt=relative, then=Value(Category.RELATIVE.value)),
        default=Value(Category.NONE.value),
        output_field=CharField(),
    )


def reassessment_update(group: ReassessGroup, *, due_on: datetime.date) -> dict[str, Any]:
    """The SET clause of one re-assessment UPDATE: proposed category, tiered-help flag, and —
    where the proposal no longer matches the decided category — the review due list."""
    category = reassessment_category(group.dibao_fen, group.policy)
    changed = ~Q(category=category)
    relative = rules.relative_limit_fen(group.dibao_fen, group.policy.relative_multiple)
    tiered = rules.tiered_limit_fen(group.dibao_fen, group.policy)
    return {
        "category_proposed": category,
        "is_tiered_help": Case(
            When(
                per_capita_income_fen__gte=relative,
                per_capita_income_fen__lt=tiered,
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
        "review_reason": Case(
            When(changed, then=Value(ReviewReason.STANDARD.value)),
            default=F("review_reason"),
            output_field=CharField(),
        ),
        "next_review_on": Case(
            When(
                changed & (Q(next_review_on__gt=due_on) | Q(next_review_on__isnull=True)),
                then=Value(due_on),
            ),
            default=F("next_review_on"),
        ),
        "dibao_fen": group.dibao_fen,
    }


def _reassessment_files(groups: list[ReassessGroup]) -> QuerySet[HardshipFile]:
    regions = Q(pk__in=[])
    for group in groups:
        regions |= group.regions
    return HardshipFile.objects.filter(regions, status__in=sorted(rules.FILED_STATUSES))


def count_reassessment(standard: DibaoStandard, as_of: datetime.date | None = None) -> int:
    """The dry run: how many filed families a re-assessment after this standard touches."""
    as_of = as_of or reassessment_as_of(standard)
    groups = reassessment_groups(standard, as_of)
    return _reassessment_files(groups).count() if groups else 0


def _check_bulk_actor(by: Actor, org: Org) -> None:
    if by is None:
        return  # the task runner, started by someone who was checked
    _require_role(by, rules.BULK_ROLES)
    if not in_scope(by, org):
        raise PermissionDenied


def start_reassessment(
    standard: DibaoStandard, *, by: Actor, as_of: datetime.date | None = None
) -> BulkRun:
    """Record a re-assessment run (with its dry-run count) for run_reassessment to work."""
    org = region_org(standard.region_code)
    if org is None:
        raise RuleViolation(
            _("%(code)s is not the region code of a city or county.")
            % {"code": standard.region_code},
            field="region_code",
        )
    _check_bulk_actor(by, org)
    as_of = as_of or reassessment_as_of(standard)
    return _start_run(
        kind=BulkRun.Kind.REASSESS,
        org=org,
        region_code=standard.region_code,
        parameters={"standard": standard.pk, "as_of": str(as_of)},
        total=count_reassessment(standard, as_of),
        by=by,
    )


@transaction.atomic
def _start_run(*, by: Actor, **fields: Any) -> BulkRun:
    """The run's row (kind, org, region, parameters, total) and its audit event; a job
    works it afterwards."""
    run = BulkRun.objects.create(started_by=staff_of(by), **fields)
    changes = {"kind": run.kind, "total": run.total, **run.parameters}
    record_event(run, "hardship.bulk.started", by=by, changes=changes)
    return run


def run_reassessment(run: BulkRun, *, chunk_size: int = CHUNK_SIZE) -> BulkRun:
    """Work a re-assessment run set-based, one committed id-range chunk at a time.

    Each chunk is one UPDATE per policy group with the rule as a CASE over the stored
    per-capita income; a stopped run resumes after `last_id`, and a re-run writes the same
    values again, so it is safe to repeat.
    """
    standard = DibaoStandard.objects.get(pk=run.parameters["standard"])
    as_of = datetime.date.fromisoformat(run.parameters["as_of"])
    groups = reassessment_groups(standard, as_of)
    files = _reassessment_files(groups) if groups else HardshipFile.objects.none()
    bounds = files.filter(pk__gt=run.last_id).aggregate(low=Min("pk"), high=Max("pk"))
    low, high = bounds["low"], bounds["high"]
    while low is not None and low <= high:
        upper = low + chunk_size
        with transaction.atomic():
            touched = 0
            for group in groups:
                touched += HardshipFile.objects.filter(
                    group.chunk_filter,
                    status__in=sorted(rules.FILED_STATUSES),
                    pk__gte=low,
                    pk__lt=upper,
                ).update(**reassessment_update(group, due_on=as_of))
            BulkRun.objects.filter(pk=run.pk).update(last_id=upper - 1, done=F("done") + touched)
        low = upper
    return _finish_run(run)


def _finish_run(run: BulkRun) -> BulkRun:
    with transaction.atomic():
        run.refresh_from_db()
        run.state = BulkRun.State.DONE
        run.finished_at = timezone.now()
        run.save(update_fields=["state", "finished_at"])
        record_event(
            run,
            "hardship.bulk.finished",
            by=run.started_by,
            changes={"kind": run.kind, "done": run.done, "total": run.total},
        )
    return run


def review_due_files(org: Org, year: int) -> QuerySet[HardshipFile]:
    """Filed families of a union's subtree whose review falls due by the end of `year`."""
    return HardshipFile.objects.filter(
        within(org.path, "org__path"),
        status__in=sorted(rules.FILED_STATUSES),
        next_review_on__lte=datetime.date(year, 12, 31),
    )


def start_review_list(org: Org, *, year: int, seed: int = 0, by: Actor) -> BulkRun:
    """Record an annual due-list run (with its dry-run count) for run_review_list to work."""
    _check_bulk_actor(by, org)
    return _start_run(
        kind=BulkRun.Kind.REVIEW_LIST,
        org=org,
        region_code=org.region_code,
        parameters={"year": year, "seed": seed},
        total=review_due_files(org, year).count(),
        by=by,
    )


def run_review_list(run: BulkRun, *, chunk_size: int = 5_000) -> BulkRun:
    """Put the year's due files on the review list and draw the spot checks (≥ 30%).

    The draw is rules.select_spot_checks over the whole due list: the same files for the same
    year and seed, so a stopped or repeated run marks exactly the same families.
    """
    year, seed = run.parameters["year"], run.parameters["seed"]
    policy = queries.policy_for(run.org.region_code)
    due = review_due_files(run.org, year)
    ids = list(due.order_by("pk").values_list("pk", flat=True))
    chosen = rules.select_spot_checks(ids, percent=policy.spot_check_percent, year=year, seed=seed)
    remaining = [pk for pk in ids if pk > run.last_id]
    for start in range(0, len(remaining), chunk_size):
        chunk = remaining[start : start + chunk_size]
        with transaction.atomic():
            in_chunk = due.filter(pk__gte=chunk[0], pk__lte=chunk[-1])
            touched = in_chunk.update(
                review_due_year=year,
                is_spot_check=False,
                review_reason=Case(
                    When(review_reason="", then=Value(ReviewReason.ANNUAL.value)),
                    default=F("review_reason"),
                    output_field=CharField(),
                ),
            )
            picked = [pk for pk in chunk if pk in chosen]
            for offset in range(0, len(picked), 500):
                in_chunk.filter(pk__in=picked[offset : offset + 500]).update(is_spot_check=True)
            BulkRun.objects.filter(pk=run.pk).update(last_id=chunk[-1], done=F("done") + touched)
    return _finish_run(run)
