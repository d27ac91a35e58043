"""Union tree pages: browse, detail, grassroots unions."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from nuanjia.core.flash import saved

from . import services
from .forms import GrassrootsForm
from .models import Org
from .permissions import StaffRequest, requires
from .queries import get_org_for, org_ancestors, visible_orgs, visible_staff, within
from .rules import Perm

SEARCH_LIMIT = 50


def _with_child_counts(queryset: QuerySet[Org]) -> QuerySet[Org]:
    return queryset.annotate(child_count=Count("children"))


def tree_view(request: StaffRequest) -> HttpResponseBase:
    """The user's own union at the top, its children below; search by name or code."""
    root = request.user.org
    query = request.GET.get("q", "").strip()
    results = None
    if query:
        results = list(
            visible_orgs(request.user)
            .filter(Q(name__icontains=query) | Q(code__startswith=query))
            .order_by("path")[:SEARCH_LIMIT]
        )
    children = _with_child_counts(root.children.order_by("code")) if root else []
    return render(
        request,
        "orgs/tree.html",
        {
            "root": root,
            "children": children,
            "query": query,
            "results": results,
            "limit": SEARCH_LIMIT,
        },
    )


def children_view(request: StaffRequest, org_id: int) -> HttpResponseBase:
    """htmx partial: the children of one union, for expanding the tree in place."""
    org = get_org_for(request.user, org_id)
    children = _with_child_counts(org.children.order_by("code"))
    return render(request, "orgs/_children.html", {"children": children})


def detail_view(request: StaffRequest, org_id: int) -> HttpResponseBase:
    org = get_org_for(request.user, org_id)
    subtree = visible_orgs(request.user).filter(within(org.path))
    kind_counts = {row["kind"]: row["n"] for row in subtree.values("kind").annotate(n=Count("id"))}
    children_page = Paginator(_with_child_counts(org.children.order_by("code")), 100).get_page(
        request.GET.get("page")
    )
    staff = (
        visible_staff(request.user).filter(org=org).order_by("username")
        if request.user.has_perm_code(Perm.VIEW_STAFF)
        or request.user.has_perm_code(Perm.VIEW_BUSINESS)
        else None
    )
    context = {
        "org": org,
        "ancestors": org_ancestors(org).filter(within(request.user.org.path))
        if request.user.org
        else [],
        "children_page": children_page,
        "staff": staff,
        "kind_counts": [
            (Org.Kind(kind).label, kind_counts[kind]) for kind in Org.Kind if kind in kind_counts
        ],
        "subtree_total": sum(kind_counts.values()),
        "can_manage": request.user.has_perm_code(Perm.MANAGE_ORGS),
    }
    return render(request, "orgs/detail.html", context)


@requires(Perm.MANAGE_ORGS)
def grassroots_new_view(request: StaffRequest, org_id: int) -> HttpResponseBase:
    parent = get_org_for(request.user, org_id, write=True)
    form = GrassrootsForm(request.POST or None)
    org = saved(
        request,
        form,
        lambda: services.create_grassroots_union(
            parent=parent,
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"],
            credit_code=form.cleaned_data["credit_code"],
            by=request.user,
        ),
        lambda org: (
            _("%(name)s has been registered as %(code)s.") % {"name": org.name, "code": org.code}
        ),
    )
    if org is not None:
        return redirect("orgs:detail", org_id=org.pk)
    return render(request, "orgs/grassroots_form.html", {"form": form, "parent": parent})


@requires(Perm.MANAGE_ORGS)
def grassroots_edit_view(request: StaffRequest, org_id: int) -> HttpResponseBase:
    org = get_org_for(request.user, org_id, write=True)
    if not org.is_grassroots or org.kind == Org.Kind.HOLDING_POOL or org == request.user.org:
        messages.error(request, _("Only grassroots unions below your own can be edited."))
        return redirect("orgs:detail", org_id=org.pk)
    initial = {
        "name": org.name,
        "kind": org.kind,
        "credit_code": org.credit_code,
        "is_active": org.is_active,
    }
    form = GrassrootsForm(request.POST or None, initial=initial)
    if saved(
        request,
        form,
        lambda: services.update_grassroots_union(org, by=request.user, **form.cleaned_data),
        _("Saved."),
    ):
        return redirect("orgs:detail", org_id=org.pk)
    return render(
        request, "orgs/grassroots_form.html", {"form": form, "parent": org.parent, "org": org}
    )
