"""Scoping: the one mechanism by which every page, API endpoint, export and report reads.

A staff user sees the rows of their own org's subtree and nothing else. Lists start from
`visible_<thing>(user)`; single objects come from `get_<thing>_for(user, pk)`, which
answers 404 (and records a denied-access event) when the object is out of reach.
"""

from typing import Any, TypeVar

from django.db.models import Exists, Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.lists import ListSpec, Sort

from .models import Org, Staff
from .rules import Perm, actor_can

M = TypeVar("M", bound=Model)


def within(path: str, field: str = "path") -> Q:
    """Rows whose materialized path starts with `path`, as an index-friendly range.

    Paths end in "/", and "0" is the character right after "/", so every path below
    `path` sorts in [path, path[:-1] + "0"). Unlike LIKE 'x%', a range uses the B-tree
    index on SQLite and on PostgreSQL whatever the collation.
    """
    return Q(**{f"{field}__gte": path, f"{field}__lt": path[:-1] + "0"})


def in_subtree(path: str, org_field: str = "org") -> Q:
    """Rows whose org (`org_field`) lies in the subtree at `path`, without joining orgs_org:
    `org_id IN (SELECT id FROM orgs_org WHERE path in range)`, the ids by one index range.

    Joined, the path range left the planner two bad choices for a list (issue 25): walk the
    list's sort index checking every row's org (slow for a county), or gather the subtree's
    rows and sort them all (slow for the province). As a subquery, the database picks per
    scope: for the province's whole tree a semi-join whose hashed set of ids filters the
    sort-index walk (the page's rows read, nothing sorted); for a county one seek per union
    into the list's (org, sort key, id) index, then only the county's rows sorted.
    """
    subtree = Org.objects.filter(within(path)).values("pk")
    return Q(**{f"{org_field}__in": subtree})


def under(org: Org, org_field: str = "org") -> Q:
    """Rows of `org`'s subtree (`in_subtree`); for the root union (the province, 省总) the
    subtree is the whole tree, so the condition is only "no other root exists", which the
    database answers once per query (one probe of the parent index) and then reads the list
    by its sort index unfiltered. Should another root ever exist (a test's tree of its own),
    the subtree condition applies as for any other union."""
    subtree = in_subtree(org.path, org_field)
    if org.parent_id is not None:
        return subtree
    other_roots = Org.objects.filter(parent__isnull=True).exclude(pk=org.pk)
    return Q(~Exists(other_roots), **{f"{org_field}__isnull": False}) | subtree


def scope(
    queryset: QuerySet[M], user: Actor, *, org_field: str = "org", business: bool = True
) -> QuerySet[M]:
    """Restrict any queryset of org-owned rows to the user's subtree.

    `org_field` is the lookup from the row to its owning org ("org", "household__org"…);
    pass "" for the Org model itself. Business rows (`business=True`, the default) are
    visible only to business roles: the system, security and audit administrators see none.
    """
    org = getattr(user, "org", None)
    if not getattr(user, "is_authenticated", False) or org is None:
        return queryset.none()
    if business and not actor_can(user, Perm.VIEW_BUSINESS):
        return queryset.none()
    path: str = org.path
    if not org_field:
        return queryset.filter(within(path))
    return queryset.filter(under(org, org_field))


def get_scoped_or_404(
    queryset: QuerySet[M], user: Actor, *, write: bool = False, **lookup: Any
) -> M:
    """Fetch one row from an already scoped queryset, or raise 404 and audit the denial."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        record_event(
            None,
            "access.denied",
            by=user,
            success=False,
            org=getattr(user, "org", None),
            changes={
                "model": queryset.model._meta.label_lower,
                "lookup": {k: str(v) for k, v in lookup.items()},
                "write": write,
            },
        )
        raise Http404
    return obj


def visible_orgs(user: Actor) -> QuerySet[Org]:
    """The union tree below the user's org: structure, visible to every staff role."""
    return scope(Org.objects.all(), user, org_field="", business=False)


def get_org_for(user: Actor, pk: Any, *, write: bool = False) -> Org:
    return get_scoped_or_404(visible_orgs(user), user, write=write, pk=pk)


def get_org_by_code_for(user: Actor, code: str) -> Org:
    return get_scoped_or_404(visible_orgs(user), user, code=code)


def visible_staff(user: Actor) -> QuerySet[Staff]:
    return scope(Staff.objects.prefetch_related("role_assignments"), user, business=False)


# The staff list (page, export and API): by union (its path), then user name (unique).
STAFF_LIST = ListSpec(
    "orgs.staff", {"union": Sort(("org__path", "username"), gettext_lazy("By union"))}
)


def filtered_staff(user: Actor, q: str = "", status: str = "") -> QuerySet[Staff]:
    """The accounts the staff list's search and status select (page, export and API), by
    union and user name."""
    staff = visible_staff(user).select_related("org").order_by("org__path", "username")
    if query := q:
        staff = staff.filter(
            Q(username__icontains=query)
            | Q(full_name__icontains=query)
            | Q(org__name__icontains=query)
        )
    if status == "locked":
        staff = staff.filter(locked_until__gt=timezone.now())
    elif status == "roleless":
        staff = staff.filter(is_active=True, role_assignments__isnull=True)
    elif status == "inactive":
        staff = staff.filter(is_active=False)
    return staff


def get_staff_for(user: Actor, pk: Any, *, write: bool = False) -> Staff:
    return get_scoped_or_404(visible_staff(user), user, write=write, pk=pk)


def org_ancestors(org: Org) -> QuerySet[Org]:
    """The org's ancestors from the root down, the org itself last (for breadcrumbs)."""
    return Org.objects.filter(code__in=org.ancestor_codes()).order_by("depth")
