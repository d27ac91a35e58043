"""Scoping: the one mechanism by which every page, API endpoint, export and report reads.

A staff user sees the rows of their own org's subtree and nothing else. Lists start from
`visible_<thing>(user)`; single objects come from `get_<thing>_for(user, pk)`, which
answers 404 (and records a denied-access event) when the object is out of reach.
"""

from django.db.models import Model, QuerySet
from django.http import Http404

from nuanjia.core.audit import record_event

from .models import Org, Staff


def scope(queryset: QuerySet, user, *, org_field: str = "org") -> QuerySet:
    """Restrict any queryset of org-owned rows to the user's subtree.

    `org_field` is the lookup from the row to its owning org ("org", "household__org"…);
    pass "" for the Org model itself.
    """
    org = getattr(user, "org", None)
    if not getattr(user, "is_authenticated", False) or org is None:
        return queryset.none()
    prefix = f"{org_field}__" if org_field else ""
    return queryset.filter(**{f"{prefix}path__startswith": org.path})


def get_scoped_or_404(queryset: QuerySet, user, *, write: bool = False, **lookup) -> Model:
    """Fetch one row from an already scoped queryset, or raise 404 and audit the denial."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        record_event(
            None,
            "access.denied",
            by=user,
            success=False,
            org=getattr(user, "org", None),
            changes={"model": queryset.model._meta.label_lower, "lookup": {k: str(v) for k, v in lookup.items()}, "write": write},
        )
        raise Http404
    return obj


def visible_orgs(user) -> QuerySet[Org]:
    return scope(Org.objects.all(), user, org_field="")


def get_org_for(user, pk, *, write: bool = False) -> Org:
    return get_scoped_or_404(visible_orgs(user), user, write=write, pk=pk)


def get_org_by_code_for(user, code: str) -> Org:
    return get_scoped_or_404(visible_orgs(user), user, code=code)


def visible_staff(user) -> QuerySet[Staff]:
    return scope(Staff.objects.prefetch_related("role_assignments"), user)


def get_staff_for(user, pk, *, write: bool = False) -> Staff:
    return get_scoped_or_404(visible_staff(user), user, write=write, pk=pk)


def org_ancestors(org: Org) -> QuerySet[Org]:
    """The org's ancestors from the root down, the org itself last (for breadcrumbs)."""
    return Org.objects.filter(code__in=org.ancestor_codes()).order_by("depth")
