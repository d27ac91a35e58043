"""The file list with its to-do filters, the watch list and the open objections."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import queries, rules
from ..rules import Category, Status, Step
from ..workflow import FLOW
from .common import PAGE_SIZE, _query_string


@requires(Perm.VIEW_BUSINESS)
def file_list_view(request):
    """All files in scope, filtered by status, category, a to-do list or a search."""
    files = queries.visible_files(request.user).select_related("household__worker__employer")
    filters = {
        key: request.GET.get(key, "").strip()
        for key in ("status", "category", "todo", "q", "tiered")
    }
    todo = queries.todo_filters().get(filters["todo"])
    if todo is not None:
        files = files.filter(todo[0])
    if filters["status"] in Status.values:
        files = files.filter(status=filters["status"])
    if filters["category"] in Category.values and filters["category"]:
        files = files.filter(category=filters["category"])
    if filters["tiered"]:
        files = files.filter(is_tiered_help=True)  # 梯度帮扶: families just above the line
    if query := filters["q"]:
        match = Q(household__worker__name__icontains=query) | Q(
            household__worker__name_pinyin__startswith=query.lower()
        )
        if query.replace("-", "").isdigit():
            number = query.rsplit("-", 1)[-1]
            match |= Q(pk=int(number)) if number.isdigit() else Q()
        files = files.filter(match)
    page = Paginator(files.order_by("-updated_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "filters": filters,
        "query": _query_string(request),
        "statuses": Status.choices,
        "categories": [choice for choice in Category.choices if choice[0]],
        "todo_label": _todo_label(filters["todo"]),
        "can_open": FLOW.role_may(request.user.roles, Step.APPLY),
    }
    return render(request, "hardship/file_list.html", context)


def _todo_label(key: str) -> str:
    from ..todo import TODO_LABELS

    return str(TODO_LABELS.get(key, ""))


@requires(Perm.VIEW_BUSINESS)
def watch_list_view(request):
    """Exited families (脱困监测) and those in their gradual exit."""
    files = queries.watch_list(request.user).select_related("household__worker")
    status = request.GET.get("status", "")
    if status in rules.EXIT_STATUSES:
        files = files.filter(status=status)
    page = Paginator(files.order_by("-exited_on", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "hardship/watch_list.html",
        {"page": page, "status": status, "query": _query_string(request)},
    )


@requires(Perm.VIEW_BUSINESS)
def objection_list_view(request):
    objections = queries.open_objections(request.user).select_related(
        "file__household__worker", "file__org"
    )
    return render(request, "hardship/objection_list.html", {"objections": objections[:200]})
