"""The file list with its to-do filters, the watch list and the open objections."""

from dataclasses import replace

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from nuanjia.core.listexport import ListExport, column, money
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import queries, rules
from ..rules import Category, Status, Step
from ..workflow import FLOW
from .common import PAGE_SIZE, _query_string

FILE_EXPORT = ListExport("hardship.files", _lazy("Hardship files"), (
    column(_lazy("File"), "number"), column(_lazy("Worker"), "household.worker.name"),
    column(_lazy("ID number"), "household.worker.id_number_masked"), column(_lazy("Phone"), "household.worker.phone_masked"),
    column(_lazy("Union"), "org.name"), column(_lazy("Status"), "get_status_display"), column(_lazy("Category"), "category_label"),
    column(_lazy("Tiered help"), lambda file: _("yes") if file.is_tiered_help else ""),
    money(_lazy("Monthly standard (yuan)"), "monthly_standard_fen"), column(_lazy("Next review due"), "next_review_on"),
))  # fmt: skip


def _filtered_files(request):
    filters = {key: request.GET.get(key, "").strip() for key in queries.FILE_FILTERS}
    return queries.filtered_files(request.user, filters), filters


@requires(Perm.VIEW_BUSINESS)
def file_list_view(request):
    """All files in scope, filtered by status, category, a to-do list or a search."""
    files, filters = _filtered_files(request)
    page = queries.FILE_LIST.page(files, request.GET)
    context = {
        "page": page,
        "query": page.query,
        "filters": filters,
        "statuses": Status.choices,
        "categories": [choice for choice in Category.choices if choice[0]],
        "todo_label": _todo_label(filters["todo"]),
        "can_open": FLOW.role_may(request.user.roles, Step.APPLY),
    }
    return render(request, "hardship/file_list.html", context)


@requires(Perm.VIEW_BUSINESS)
def file_export_view(request):
    """The filtered file list as xlsx: every row the filters select, numbers masked."""
    files, filters = _filtered_files(request)
    ordered = queries.FILE_LIST.ordered(files, request.GET.get("sort"))
    return FILE_EXPORT.response(request, ordered, filters)


def _todo_label(key: str) -> str:
    from ..todo import TODO_LABELS

    return str(TODO_LABELS.get(key, ""))


WATCH_EXPORT = replace(
    FILE_EXPORT,
    name="hardship.watch",
    title=_lazy("Exits and watch list"),
    columns=(
        *FILE_EXPORT.columns,
        column(_lazy("Exited on"), "exited_on"),
        column(_lazy("Reason"), "get_exit_reason_display"),
    ),
)


def _watched_files(request):
    files = queries.watch_list(request.user).select_related("household__worker")
    status = request.GET.get("status", "")
    if status in rules.EXIT_STATUSES:
        files = files.filter(status=status)
    return files.order_by("-exited_on", "-id"), status


@requires(Perm.VIEW_BUSINESS)
def watch_list_view(request):
    """Exited families (脱困监测) and those in their gradual exit."""
    files, status = _watched_files(request)
    page = Paginator(files, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "hardship/watch_list.html",
        {"page": page, "status": status, "query": _query_string(request)},
    )


@requires(Perm.VIEW_BUSINESS)
def watch_export_view(request):
    """The watch list as xlsx, in the file list's columns."""
    files, status = _watched_files(request)
    return WATCH_EXPORT.response(request, files, {"status": status})


@requires(Perm.VIEW_BUSINESS)
def objection_list_view(request):
    objections = queries.open_objections(request.user).select_related(
        "file__household__worker", "file__org"
    )
    page = queries.OBJECTION_LIST.page(objections, request.GET)
    return render(request, "hardship/objection_list.html", {"page": page, "objections": page.rows})
