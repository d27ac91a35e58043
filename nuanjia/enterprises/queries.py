"""Reads of the enterprises app, always scoped: a firm and its leases, reliefs, check-ups and
findings belong to the county union of the firm's region, and are seen there, above it, and
in the firm's own workplace union; a lease is seen by the property's owning union too."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from nuanjia.core.actors import Actor
from nuanjia.orgs.queries import get_scoped_or_404, within
from nuanjia.orgs.rules import Perm, Role, actor_can

from .models import FirmProfile, Lease, Property, ReliefPolicy, RentRelief
from .rules import RefundStatus, ReliefStatus


def _path(user: Actor) -> str | None:
    org = getattr(user, "org", None)
    if not getattr(user, "is_authenticated", False) or org is None:
        return None
    if not actor_can(user, Perm.VIEW_BUSINESS):
        return None
    return str(org.path)


def scoped(queryset: QuerySet[Any], user: Actor, *fields: str) -> QuerySet[Any]:
    """Rows any of whose `fields` (lookups to an Org) lies in the user's subtree."""
    path = _path(user)
    if path is None:
        return queryset.none()
    condition = Q()
    for field in fields:
        condition |= within(path, f"{field}__path")
    return queryset.filter(condition)


FIRM_ORGS = ("org", "employer__union")
LEASE_ORGS = ("org", "owner", "tenant__employer__union")


def visible_firms(user: Actor) -> QuerySet[FirmProfile]:
    return scoped(FirmProfile.objects.select_related("employer", "org"), user, *FIRM_ORGS)


def get_firm_for(user: Actor, pk: Any, *, write: bool = False) -> FirmProfile:
    return get_scoped_or_404(visible_firms(user), user, write=write, pk=pk)


def visible_properties(user: Actor) -> QuerySet[Property]:
    return scoped(Property.objects.select_related("org"), user, "org")


def get_property_for(user: Actor, pk: Any, *, write: bool = False) -> Property:
    return get_scoped_or_404(visible_properties(user), user, write=write, pk=pk)


def visible_leases(user: Actor) -> QuerySet[Lease]:
    return scoped(
        Lease.objects.select_related("unit__property", "tenant__employer", "org"),
        user,
        *LEASE_ORGS,
    )


def get_lease_for(user: Actor, pk: Any, *, write: bool = False) -> Lease:
    return get_scoped_or_404(visible_leases(user), user, write=write, pk=pk)


def visible_reliefs(user: Actor) -> QuerySet[RentRelief]:
    return scoped(
        RentRelief.objects.select_related("lease__tenant__employer", "policy", "org"),
        user,
        "org",
        "payer",
        "lease__tenant__employer__union",
    )


def get_relief_for(user: Actor, pk: Any, *, write: bool = False) -> RentRelief:
    return get_scoped_or_404(visible_reliefs(user), user, write=write, pk=pk)


def reliefs_in_queue(user: Actor, queue: str) -> QuerySet[RentRelief]:
    found = visible_reliefs(user)
    if queue == Role.APPROVER:
        return found.filter(status=ReliefStatus.PROPOSED)
    if queue == Role.FINANCE:
        return found.filter(
            status=ReliefStatus.APPROVED,
            refund_status__in=[RefundStatus.WAITING, RefundStatus.FAILED],
        )
    return found


def ancestor_paths(path: str) -> list[str]:
    parts = [part for part in path.split("/") if part]
    return ["/" + "/".join(parts[: n + 1]) + "/" for n in range(len(parts))]


def policies(user: Actor) -> QuerySet[ReliefPolicy]:
    """The policies that apply to the user's unions: issued by its own union or one above it
    (the province's reach every county), or by a union below it."""
    path = _path(user)
    if path is None:
        return ReliefPolicy.objects.none()
    return ReliefPolicy.objects.filter(
        Q(org__path__in=ancestor_paths(path)) | within(path, "org__path")
    ).order_by("-window_starts_on", "code")


def paid_refund_ids() -> list[int]:
    return list(
        RentRelief.objects.filter(refund_status=RefundStatus.PAID).values_list("pk", flat=True)
    )


def refund_labels(ids: list[int]) -> dict[int, Any]:
    """How the ledger's pages name a relief behind a posting: "房租减免 JM000012", linked."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from nuanjia.funds.sources import SourceLabel

    return {
        pk: SourceLabel(
            _("Rent relief %(number)s") % {"number": f"JM{pk:06d}"},
            reverse("enterprises:relief", args=[pk]),
        )
        for pk in RentRelief.objects.filter(pk__in=ids).values_list("pk", flat=True)
    }


def visible_rebate_batches(user: Actor) -> QuerySet[Any]:
    from .models import RebateBatch

    return scoped(RebateBatch.objects.select_related("org"), user, "org")


def get_rebate_batch_for(user: Actor, pk: Any, *, write: bool = False) -> Any:
    return get_scoped_or_404(visible_rebate_batches(user), user, write=write, pk=pk)


def visible_helps(user: Actor) -> QuerySet[Any]:
    from .models import FirmHelp

    return scoped(
        FirmHelp.objects.select_related("firm__employer", "org"), user, "org", "firm__org"
    )


def get_help_for(user: Actor, pk: Any, *, write: bool = False) -> Any:
    return get_scoped_or_404(visible_helps(user), user, write=write, pk=pk)


def visible_checkups(user: Actor) -> QuerySet[Any]:
    from .models import CheckUp

    return scoped(CheckUp.objects.select_related("firm__employer", "org"), user, *FIRM_CHILD_ORGS)


def get_checkup_for(user: Actor, pk: Any, *, write: bool = False) -> Any:
    return get_scoped_or_404(visible_checkups(user), user, write=write, pk=pk)


def visible_visits(user: Actor) -> QuerySet[Any]:
    from .models import Visit

    return scoped(Visit.objects.select_related("firm__employer", "org"), user, *FIRM_CHILD_ORGS)


def get_visit_for(user: Actor, pk: Any, *, write: bool = False) -> Any:
    return get_scoped_or_404(visible_visits(user), user, write=write, pk=pk)


FIRM_CHILD_ORGS = ("org", "firm__employer__union")
