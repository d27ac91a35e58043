"""Reads: the subtree's enrolments and claims (scoped through orgs.queries), one of them or
404 with the denial audited, the queues, and the ids the ledger check asks for."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from nuanjia.orgs.queries import get_scoped_or_404, scope

from .models import Claim, Enrolment, Plan
from .rules import ClaimStatus, EnrolmentStatus

QUEUES = {
    "caseworker": (ClaimStatus.RECEIVED,),
    "approver": (ClaimStatus.SUBMITTED, ClaimStatus.SECOND_REVIEW),
    "finance": (ClaimStatus.APPROVED, ClaimStatus.FAILED),
}


def visible_plans(user: Any) -> QuerySet[Plan]:
    """Plans run by a union of the user's subtree or above it (a county enrols into its
    city's or the province's plan)."""
    org = getattr(user, "org", None)
    if org is None or not getattr(user, "is_authenticated", False):
        return Plan.objects.none()
    from nuanjia.orgs.queries import org_ancestors

    below = scope(Plan.objects.all(), user, org_field="pool_org")
    above = Plan.objects.filter(pool_org__in=org_ancestors(org))
    return (below | above).distinct().select_related("pool_org")


def get_plan_for(user: Any, pk: Any) -> Plan:
    return get_scoped_or_404(visible_plans(user), user, pk=pk)


def visible_enrolments(user: Any) -> QuerySet[Enrolment]:
    return scope(Enrolment.objects.select_related("plan", "worker", "org"), user)


def get_enrolment_for(user: Any, pk: Any, *, write: bool = False) -> Enrolment:
    return get_scoped_or_404(visible_enrolments(user), user, write=write, pk=pk)


def visible_claims(user: Any) -> QuerySet[Claim]:
    return scope(Claim.objects.select_related("plan", "worker", "org", "episode"), user)


def get_claim_for(user: Any, pk: Any, *, write: bool = False) -> Claim:
    return get_scoped_or_404(visible_claims(user), user, write=write, pk=pk)


def claims_in_queue(user: Any, queue: str) -> QuerySet[Claim]:
    return visible_claims(user).filter(status__in=QUEUES.get(queue, ()))


def paid_claim_ids() -> QuerySet[Any]:
    return Claim.objects.filter(status=ClaimStatus.PAID).values_list("pk", flat=True)


def refunded_enrolment_ids() -> QuerySet[Any]:
    return Enrolment.objects.filter(status=EnrolmentStatus.CANCELLED, refund_fen__gt=0).values_list(
        "pk", flat=True
    )
