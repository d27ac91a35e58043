"""Reads of relief data used by more than one caller: scoped grants and batches, the caps in
force, a worker's totals and history across the province, and the role queues."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core.lists import ListSpec, Sort
from nuanjia.funds.sources import SourceLabel
from nuanjia.hardship.models import HardshipFile
from nuanjia.hardship.queries import live_file_of
from nuanjia.orgs.models import Org
from nuanjia.orgs.queries import get_scoped_or_404, scope, within
from nuanjia.orgs.rules import Role
from nuanjia.people.models import Worker
from nuanjia.people.queries import worker_match
from nuanjia.standards import regions

from . import rules
from .models import Grant, GrantCap, GrantEvent, GrantType, PaymentBatch, PaymentLine
from .rules import Status, YearScope

# ---- Scoped reads -------------------------------------------------------------------------


def visible_grants(user) -> QuerySet[Grant]:
    """Grants paid by a union of the user's subtree (none for the administrator roles)."""
    return scope(Grant.objects.select_related("org", "worker", "grant_type", "earmark"), user)


def get_grant_for(user, pk, *, write: bool = False) -> Grant:
    return get_scoped_or_404(visible_grants(user), user, write=write, pk=pk)


def visible_batches(user) -> QuerySet[PaymentBatch]:
    return scope(PaymentBatch.objects.select_related("org", "earmark"), user)


def get_batch_for(user, pk, *, write: bool = False) -> PaymentBatch:
    return get_scoped_or_404(visible_batches(user), user, write=write, pk=pk)


def grant_history(grant: Grant) -> QuerySet[GrantEvent]:
    return grant.events.select_related("by").order_by("at", "id")


def batch_lines(batch: PaymentBatch) -> QuerySet[PaymentLine]:
    return batch.lines.order_by("id")


def grant_lines(grant: Grant) -> QuerySet[PaymentLine]:
    """The batch lines that carried a grant to the bank (one per batch it was in)."""
    return (
        PaymentLine.objects.filter(source_type=rules.SOURCE_TYPE, source_id=str(grant.pk))
        .select_related("batch")
        .order_by("id")
    )


def paid_grant_ids():
    """The grants paid, each of which must have exactly one spend (`nuanjia funds check`)."""
    return Grant.objects.filter(status=Status.PAID).values_list("pk", flat=True).iterator()


def grant_labels(ids: list[int]) -> dict[int, SourceLabel]:
    """How the ledger's pages name the grants behind postings: "救助 RG000010", linked."""
    return {
        pk: SourceLabel(
            _("Relief %(number)s") % {"number": Grant(pk=pk).number},
            reverse("relief:grant_detail", args=[pk]),
        )
        for pk in Grant.objects.filter(pk__in=ids).values_list("pk", flat=True)
    }


def active_grant_types() -> QuerySet[GrantType]:
    return GrantType.objects.filter(is_active=True).select_related("default_earmark")


# ---- Queues -------------------------------------------------------------------------------

# Advance relief (先行救助) waiting for its one approver: urgent, and no review comes first.
ADVANCE_WAITING = Q(status=Status.PROPOSED, grant_type__code__in=sorted(rules.ADVANCE_TYPES))
QUEUES: dict[str, tuple[Q, frozenset[str]]] = {
    # key: (filter, roles that act on it)
    "to_review": (Q(status=Status.PROPOSED), frozenset({Role.REVIEWER})),
    "to_approve": (Q(status=Status.REVIEWED) | ADVANCE_WAITING, frozenset({Role.APPROVER})),
    "to_batch": (Q(status=Status.APPROVED), frozenset({Role.FINANCE})),
    "in_batch": (Q(status=Status.BATCHED), frozenset({Role.FINANCE})),
    "failed": (Q(status=Status.FAILED), frozenset({Role.FINANCE, Role.CASEWORKER})),
}


TO_PROPOSE = "to_propose"  # the caseworker's queue: filed families not helped this year


def families_to_help(user, year: int):
    """Filed families of the user's subtree with no live grant this year (to propose for)."""
    from nuanjia.hardship.queries import visible_files
    from nuanjia.hardship.rules import Status as FileStatus

    helped = Grant.objects.filter(year=year, status__in=sorted(rules.COUNTING_STATUSES)).values(
        "household_id"
    )
    return (
        visible_files(user)
        .filter(status=FileStatus.FILED)
        .exclude(household_id__in=helped)
        .select_related("household__worker", "org")
    )


def queue(user, key: str) -> QuerySet[Grant]:
    grants = visible_grants(user)
    if key in QUEUES:
        grants = grants.filter(QUEUES[key][0])
    return grants


@dataclass(frozen=True)
class GrantFilters:
    """What the grant list (page, export and API) filters by; empty values filter nothing."""

    queue: str = ""
    status: str = ""
    worker: str = ""  # the worker search: name, pinyin, phone, ID last 4 or a whole ID number
    grant_type: str = ""  # a grant type's code
    org: Org | None = None  # a union within the user's scope, with its subtree
    proposed_from: datetime.date | None = None
    proposed_to: datetime.date | None = None


# The grant list (page and API), the families to propose for, and the batches: by number,
# newest first (the primary key).
GRANT_LIST = ListSpec(
    "relief.grants",
    {
        "newest": Sort(("-id",), gettext_lazy("Newest first")),
        "oldest": Sort(("id",), gettext_lazy("Oldest first")),
    },
)
FAMILY_LIST = ListSpec("relief.families", {"oldest": Sort(("id",), gettext_lazy("Oldest first"))})
BATCH_LIST = ListSpec(
    "relief.batches",
    {
        "newest": Sort(("-id",), gettext_lazy("Newest first")),
        "oldest": Sort(("id",), gettext_lazy("Oldest first")),
    },
)


def filtered_grants(user, filters: GrantFilters) -> QuerySet[Grant]:
    """The grants of the user's scope the filters select, newest first."""
    grants = queue(user, filters.queue)
    if filters.status in Status.values:
        grants = grants.filter(status=filters.status)
    if filters.worker and (match := worker_match(filters.worker)) is not None:
        grants = grants.filter(worker__in=Worker.objects.filter(match).values("pk"))
    if filters.grant_type:
        grants = grants.filter(grant_type__code=filters.grant_type)
    if filters.org is not None:
        grants = grants.filter(within(filters.org.path, "org__path"))
    if filters.proposed_from:
        grants = grants.filter(proposed_on__gte=filters.proposed_from)
    if filters.proposed_to:
        grants = grants.filter(proposed_on__lte=filters.proposed_to)
    return grants.order_by("-id")


# ---- Caps ---------------------------------------------------------------------------------


def cap_row_for(
    grant_type: GrantType,
    region_code: str,
    category: str,
    school_stage: str,
    on: datetime.date,
) -> GrantCap | None:
    """The cap row in force: the nearest region (county, city, province) that has one, and in
    it the row naming the category (then any category) and the school stage (then any)."""
    chain = regions.fallback_chain(region_code)
    rows = list(
        GrantCap.objects.filter(
            grant_type=grant_type,
            region_code__in=chain,
            category__in={category, ""},
            school_stage__in={school_stage, ""},
            effective_on__lte=on,
        ).order_by("-effective_on")
    )
    for code in chain:
        for wanted_category in dict.fromkeys([category, ""]):
            for wanted_stage in dict.fromkeys([school_stage, ""]):
                for row in rows:
                    if (
                        row.region_code == code
                        and row.category == wanted_category
                        and row.school_stage == wanted_stage
                    ):
                        return row
    return None


def caps_for(
    grant_type: GrantType, region_code: str, category: str, school_stage: str, on: datetime.date
) -> rules.CapValues:
    row = cap_row_for(grant_type, region_code, category, school_stage, on)
    return row.values() if row is not None else rules.NO_CAPS


def year_total_fen(
    *,
    grant_type: GrantType,
    worker_id: int,
    household_id: int | None,
    year: int,
    year_scope: str,
    exclude_id: int | None = None,
) -> int:
    """What the worker (or household) has of the type in the year, in every union of the
    province: proposed to paid, not rejected, cancelled, failed or returned."""
    grants = Grant.objects.filter(
        grant_type=grant_type, year=year, status__in=sorted(rules.COUNTING_STATUSES)
    )
    if year_scope == YearScope.HOUSEHOLD and household_id is not None:
        grants = grants.filter(Q(household_id=household_id) | Q(worker_id=worker_id))
    else:
        grants = grants.filter(worker_id=worker_id)
    if exclude_id is not None:
        grants = grants.exclude(pk=exclude_id)
    return grants.aggregate(total=Sum("amount_fen"))["total"] or 0


def same_type_this_year(
    *, grant_type: GrantType, worker_id: int, year: int, exclude_id: int | None = None
) -> QuerySet[Grant]:
    """The worker's grants of the type this year anywhere in the province (unscoped on
    purpose: the registry is province-wide, and a second grant elsewhere must be seen)."""
    grants = Grant.objects.filter(
        grant_type=grant_type,
        worker_id=worker_id,
        year=year,
        status__in=sorted(rules.COUNTING_STATUSES),
    ).select_related("org")
    if exclude_id is not None:
        grants = grants.exclude(pk=exclude_id)
    return grants.order_by("proposed_on", "id")


def family_file(worker: Worker) -> HardshipFile | None:
    """The live hardship file of the worker's household, if any (province-wide)."""
    household = getattr(worker, "household", None)
    return live_file_of(household) if household is not None else None


# ---- A worker's history -------------------------------------------------------------------


def worker_history(worker) -> QuerySet[Grant]:
    """Every grant the worker received or was proposed, in the whole province.

    The page showing it is reached through a worker the user may see; grants paid by
    unions outside the user's subtree are listed with their union and date only (the page
    masks the rest), so a caseworker knows what the person already had.
    """
    return (
        Grant.objects.filter(worker=worker)
        .select_related("org", "grant_type")
        .order_by("-proposed_on", "-id")
    )
