"""Reads of workers, households, transfers and possible duplicates, scoped to the user's subtree.

Lists start from `visible_*(user)`; one object comes from `get_*_for(user, pk)`, which
answers 404 (and audits the denial) when it is out of reach.
"""

import datetime
import re
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from nuanjia.core.crypto import PURPOSE_ID_NUMBER, blind_index
from nuanjia.core.idnumbers import normalize_id_number
from nuanjia.core.lists import ListSpec, Sort, branched
from nuanjia.core.sealed_phones import last4_lookup, phone_lookup
from nuanjia.orgs.queries import get_scoped_or_404, scope
from nuanjia.standards.queries import minimum_wage_fen_for

from . import rules
from .models import (
    DuplicateCandidate,
    Honour,
    Household,
    HouseholdMember,
    ImportReview,
    TransferRequest,
    Worker,
    WorkerNameKey,
)


def _prefix(field: str, prefix: str) -> Q:
    low, high = rules.prefix_bounds(prefix)
    return Q(**{f"{field}__gte": low, f"{field}__lt": high})


def with_id_number_index(index: str) -> Q:
    """Rows with this blind index. The `<> ''` term repeats the partial unique index's
    condition, so SQLite uses that index (it cannot prove `= x` implies `<> ''` itself)."""
    return ~Q(id_number_index="") & Q(id_number_index=index)


# A whole ID number as typed (normalized): found through its blind index, never by text.
WHOLE_ID_NUMBER = re.compile(r"[0-9]{17}[0-9X]")


# The registry's list (page and API): by pinyin (the (org, name_pinyin) and name_pinyin
# indexes), or newest first by id.
WORKER_LIST = ListSpec(
    "people.workers",
    {
        "pinyin": Sort(("name_pinyin",), gettext_lazy("By name")),
        "newest": Sort(("-id",), gettext_lazy("Newest first")),
    },
)


def visible_workers(user) -> QuerySet[Worker]:
    """Workers of the user's subtree, merged-away records left out."""
    return scope(Worker.objects.filter(merged_into__isnull=True).select_related("org"), user)


def get_worker_for(user, pk, *, write: bool = False) -> Worker:
    return get_scoped_or_404(visible_workers(user), user, write=write, pk=pk)


def get_honour_for(user, pk, *, write: bool = False) -> Honour:
    """One honour of a worker in the user's subtree (merged-away records left out)."""
    honours = scope(
        Honour.objects.filter(worker__merged_into__isnull=True).select_related("worker__org"),
        user,
        org_field="worker__org",
    )
    return get_scoped_or_404(honours, user, write=write, pk=pk)


def search_workers(user, text: str) -> QuerySet[Worker]:
    """Scoped search by name (contains), full pinyin or initials (prefix), a whole phone number
    or the last 4 of the phone or ID (rules.search_plan), or a whole ID number; phones and ID
    numbers through their blind indexes (`worker_match`).

    The result is `branched`: a list page reads each alternative by its own index seek in
    the list's order and merges them, so "zhang" at the province seeks the pinyin index at
    "zhang" instead of walking the whole index from "a" past every other worker."""
    workers = visible_workers(user)
    ranges = _match_ranges(text)
    if ranges is None:
        return workers
    return branched(workers, *_seeks(ranges), either=_either(ranges))


def worker_match(text: str) -> Q | None:
    """The worker search's condition, unscoped (None: nothing typed, no condition).

    Each alternative is `pk IN (one index range)`: the database answers the OR from the
    indexes (SQLite's MULTI-INDEX OR) and then applies the scope to the matches only. Written
    as plain column conditions, the OR made SQLite walk every worker of the subtree instead.
    A list of other rows (grants) filters by `worker__in=Worker.objects.filter(condition)`.
    """
    ranges = _match_ranges(text)
    return None if ranges is None else _either(ranges)


def worker_match_branches(text: str) -> list[Q]:
    """The search's alternatives as a list page seeks each (the same rows as `worker_match`):
    the pinyin and initials prefixes as ranges on the worker's own columns, so that a branch
    ordered by pinyin starts its index at the prefix; the others as `pk IN (range)`."""
    return _seeks(_match_ranges(text) or [])


_Ranges = list[tuple[QuerySet[Any, Any], Q | None]]


def _either(ranges: _Ranges) -> Q:
    condition = Q(pk__in=[])
    for matches, _seek in ranges:
        condition |= Q(pk__in=matches)
    return condition


def _seeks(ranges: _Ranges) -> list[Q]:
    return [seek or Q(pk__in=matches) for matches, seek in ranges]


def _match_ranges(text: str) -> list[tuple[QuerySet[Any, Any], Q | None]] | None:
    """Each alternative's ids (one index range each) and, for a range on the worker's own
    columns, that range as a condition. None: nothing typed."""
    number = normalize_id_number(text)
    if WHOLE_ID_NUMBER.fullmatch(number):
        index = blind_index(number, purpose=PURPOSE_ID_NUMBER)
        return [(Worker.objects.filter(with_id_number_index(index)).values("pk"), None)]
    plan = rules.search_plan(text)
    if plan.is_empty:
        return None
    ranges: list[tuple[QuerySet[Any, Any], Q | None]] = []
    if plan.name_contains:
        prefix = plan.name_contains[: rules.NAME_KEY_LENGTH]
        keys = WorkerNameKey.objects.filter(_prefix("key", prefix)).values("worker_id")
        ranges.append((keys, None))
    if plan.pinyin_prefix:
        for field in ("name_pinyin", "name_initials"):
            seek = _prefix(field, plan.pinyin_prefix)
            ranges.append((Worker.objects.filter(seek).values("pk"), seek))
    if plan.phone:
        ranges.append((Worker.objects.filter(phone_lookup("phone", plan.phone)).values("pk"), None))
    if plan.phone_last4:
        last4 = last4_lookup("phone", plan.phone_last4)
        ranges.append((Worker.objects.filter(last4).values("pk"), None))
    if plan.id_last4:
        ranges.append((Worker.objects.filter(id_last4=plan.id_last4).values("pk"), None))
    return ranges


def find_worker_by_id_number(id_number: str) -> Worker | None:
    """The province's record for an ID number, wherever it is kept, following a merge.

    Not scoped: only for de-duplication and transfer requests, where the caller has typed the
    full number and is shown nothing beyond the masked record and its owning union.
    """
    number = normalize_id_number(id_number)
    if not number:
        return None
    # At most one row (the unique index): no ordering, and the merged-into record only when
    # there is one. Django's compile of ORDER BY over two joined workers cost 1 ms a call.
    found = list(
        Worker.objects.select_related("org")
        .filter(with_id_number_index(blind_index(number, purpose=PURPOSE_ID_NUMBER)))
        .order_by()[:1]
    )
    worker = found[0] if found else None
    if worker is not None and worker.merged_into_id:
        return Worker.objects.select_related("org").get(pk=worker.merged_into_id)
    return worker


# ---- Households -------------------------------------------------------------------------------

# The household list (API): newest first by number (the (org, id) index per union).
HOUSEHOLD_LIST = ListSpec(
    "people.households", {"newest": Sort(("-id",), gettext_lazy("Newest first"))}
)


def visible_households(user) -> QuerySet[Household]:
    """Households (家庭) of the user's subtree, with their worker and union."""
    return scope(Household.objects.select_related("org", "worker"), user)


def visible_members(user) -> QuerySet[HouseholdMember]:
    return scope(
        HouseholdMember.objects.select_related("household__worker", "household__org"),
        user,
        org_field="household__org",
    )


def get_member_for(user, pk, *, write: bool = False) -> HouseholdMember:
    return get_scoped_or_404(visible_members(user), user, write=write, pk=pk)


def household_of(worker: Worker) -> Household | None:
    return Household.objects.filter(worker=worker).first()


def household_income(
    household: Household, *, on: datetime.date | None = None
) -> tuple[rules.HouseholdIncome | None, bool]:
    """(the household's income figure, whether a minimum wage standard was found).

    Without a standard the figure is computed with no imputation, and the page says so.
    """
    on = on or timezone.localdate()
    members = list(household.members.order_by("pk"))
    if not members:
        return None, True
    minimum_wage = minimum_wage_fen_for(household.region_code, on)
    figure = rules.household_income(members, minimum_wage_fen=minimum_wage or 0, on=on)
    return figure, minimum_wage is not None


# ---- Transfers --------------------------------------------------------------------------------


# Transfers (the API's list and the page's inbox): newest request first.
TRANSFER_LIST = ListSpec(
    "people.transfers",
    {
        "newest": Sort(("-requested_at",), gettext_lazy("Newest first")),
        "oldest": Sort(("requested_at",), gettext_lazy("Oldest first")),
    },
)


def visible_transfers(user) -> QuerySet[TransferRequest]:
    """Transfers the user's subtree gives (owning union) or receives (requesting union)."""
    base = TransferRequest.objects.select_related(
        "worker", "from_org", "to_org", "requested_by", "decided_by"
    )
    return scope(base, user, org_field="from_org") | scope(base, user, org_field="to_org")


def get_transfer_for(user, pk, *, write: bool = False) -> TransferRequest:
    return get_scoped_or_404(visible_transfers(user), user, write=write, pk=pk)


def transfers_to_decide(user) -> QuerySet[TransferRequest]:
    """Pending requests for records the user's subtree keeps."""
    base = TransferRequest.objects.filter(status=TransferRequest.Status.PENDING).select_related(
        "worker", "from_org", "to_org", "requested_by"
    )
    return scope(base, user, org_field="from_org")


def transfers_requested(user) -> QuerySet[TransferRequest]:
    """Requests the user's subtree has made to other unions."""
    base = TransferRequest.objects.select_related(
        "worker__org", "from_org", "to_org", "requested_by", "decided_by"
    )
    return scope(base, user, org_field="to_org")


# ---- Possible duplicates ----------------------------------------------------------------------


# The review queue of possible duplicates: best score first (the (status, -score) index).
DUPLICATE_LIST = ListSpec(
    "people.duplicates",
    {
        "score": Sort(("-score",), gettext_lazy("Best score first")),
        "newest": Sort(("-id",), gettext_lazy("Newest first")),
    },
)


def visible_duplicates(user) -> QuerySet[DuplicateCandidate]:
    """Pairs whose two records are both in the user's subtree (a pair across two counties is
    reviewed by their common city or the province)."""
    base = DuplicateCandidate.objects.select_related("worker__org", "other__org", "decided_by")
    return scope(scope(base, user, org_field="worker__org"), user, org_field="other__org")


def duplicates_to_review(user) -> QuerySet[DuplicateCandidate]:
    """Open pairs of two records still in use (neither merged away since)."""
    return (
        visible_duplicates(user)
        .filter(
            status=DuplicateCandidate.Status.OPEN,
            worker__merged_into__isnull=True,
            other__merged_into__isnull=True,
        )
        .order_by("-score", "pk")
    )


def get_candidate_for(user, pk, *, write: bool = False) -> DuplicateCandidate:
    return get_scoped_or_404(visible_duplicates(user), user, write=write, pk=pk)


def import_reviews_to_decide(user) -> QuerySet[ImportReview]:
    """Imported rows waiting for review whose record is in the user's subtree, oldest first."""
    return (
        ImportReview.objects.filter(
            status=ImportReview.Status.PENDING, worker__in=visible_workers(user).values("pk")
        )
        .select_related("worker__org", "batch")
        .order_by("created_at", "pk")
    )
