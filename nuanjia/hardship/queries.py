"""Reads of hardship data used by more than one caller: scoped files and objections, the
standards and policy that apply to a region on a date, and the to-do and due lists."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy

from nuanjia.core.lists import ListSpec, Sort
from nuanjia.core.masking import mask_name
from nuanjia.orgs.queries import get_scoped_or_404, scope
from nuanjia.standards.queries import (  # noqa: F401  (the standards pages read them here)
    applicable_standards,
    dibao_for,
    editable_standards,
    get_standard_for,
    in_force,
    minimum_wage_for,
    user_region_org,
)

from . import rules
from .models import FileAttachment, FileEvent, HardshipFile, HardshipPolicy, Objection
from .rules import Status

PROVINCE_REGION = "410000"


# ---- Regions, standards and policy (the tables and lookups live in nuanjia.standards) -------


def policy_row_for(region_code: str, on: datetime.date) -> HardshipPolicy | None:
    return in_force(HardshipPolicy, region_code, on)


def policy_for(region_code: str, on: datetime.date | None = None) -> rules.PolicyValues:
    """The hardship policy in force: county, city, province, or the built-in defaults."""
    row = policy_row_for(region_code, on or timezone.localdate())
    return row.values() if row is not None else rules.DEFAULT_POLICY


# ---- Files --------------------------------------------------------------------------------


def visible_files(user) -> QuerySet[HardshipFile]:
    """Files of the user's subtree (none for the administrator roles)."""
    return scope(HardshipFile.objects.select_related("org", "household__worker"), user)


def get_file_for(user, pk, *, write: bool = False) -> HardshipFile:
    return get_scoped_or_404(visible_files(user), user, write=write, pk=pk)


def visible_objections(user) -> QuerySet[Objection]:
    return scope(Objection.objects.select_related("file"), user, org_field="file__org")


def get_objection_for(user, pk, *, write: bool = False) -> Objection:
    return get_scoped_or_404(visible_objections(user), user, write=write, pk=pk)


def visible_attachments(user) -> QuerySet[FileAttachment]:
    return scope(
        FileAttachment.objects.select_related("hardship_file__org", "added_by", "removed_by"),
        user,
        org_field="hardship_file__org",
    )


def get_attachment_for(user, pk, *, write: bool = False) -> FileAttachment:
    return get_scoped_or_404(visible_attachments(user), user, write=write, pk=pk)


def file_attachments(hardship_file: HardshipFile) -> QuerySet[FileAttachment]:
    """A file's attachments, kept ones first, each group oldest first."""
    return hardship_file.attachments.select_related("added_by", "removed_by").order_by(
        F("removed_at").asc(nulls_first=True), "added_at", "id"
    )


def file_history(hardship_file: HardshipFile) -> QuerySet[FileEvent]:
    return hardship_file.events.select_related("by").order_by("at", "id")


def exit_figures(hardship_file: HardshipFile) -> dict:
    """What the exit was decided on, as its history row keeps it (income, dibao, the date they
    were measured, a change applied or withdrawn); empty for a file that has not exited."""
    if hardship_file.status not in rules.EXIT_STATUSES:
        return {}
    event = hardship_file.events.filter(action="exit").order_by("-at", "-id").first()
    return dict(event.changes) if event is not None else {}


def live_file_of(household) -> HardshipFile | None:
    """The household's live file anywhere in the province (一户一档), unscoped on purpose."""
    return (
        HardshipFile.objects.filter(household=household, status__in=rules.LIVE_STATUSES)
        .select_related("org")
        .first()
    )


def files_in_publicity(user, on: datetime.date | None = None) -> QuerySet[HardshipFile]:
    """The publicity list (公示名单): files whose publicity runs on `on`."""
    on = on or timezone.localdate()
    return visible_files(user).filter(
        status=Status.IN_PUBLICITY, publicity_starts_on__lte=on, publicity_ends_on__gte=on
    )


def unit_of(hardship_file: HardshipFile) -> str:
    """The worker's unit (单位) as the publicity list names it: employer, else their union."""
    worker = hardship_file.household.worker
    if worker.employer is not None:
        return worker.employer.name
    if worker.union is not None:
        return worker.union.name
    return hardship_file.org.name


FILE_FILTERS = ("status", "category", "todo", "q", "tiered")


# The file list (page and API): last changed first (index updated_at, id), or by number.
FILE_LIST = ListSpec(
    "hardship.files",
    {
        "updated": Sort(("-updated_at",), gettext_lazy("Last changed first")),
        "number": Sort(("-id",), gettext_lazy("Newest first")),
    },
)


# Open publicity objections, oldest received first; the annual review due list by due date.
OBJECTION_LIST = ListSpec(
    "hardship.objections", {"received": Sort(("received_on",), gettext_lazy("Oldest first"))}
)
REVIEW_LIST = ListSpec(
    "hardship.reviews",
    {
        "due": Sort(
            ("next_review_on",),
            gettext_lazy("Due first"),
            filtered_non_null=("next_review_on",),  # the due list is next_review_on <= 31 Dec
        )
    },
)


def filtered_files(user, filters: Mapping[str, Any]) -> QuerySet[HardshipFile]:
    """The files of the user's scope the list's filters select (page, export and API):
    status, category, a to-do list, tiered help, and a worker's name, pinyin or file number."""
    files = visible_files(user).select_related("household__worker__employer")
    todo = todo_filters().get(filters.get("todo", ""))
    if todo is not None:
        files = files.filter(todo[0])
    if filters.get("status") in Status.values:
        files = files.filter(status=filters["status"])
    if filters.get("category") in rules.Category.values and filters["category"]:
        files = files.filter(category=filters["category"])
    if filters.get("tiered"):
        files = files.filter(is_tiered_help=True)  # 梯度帮扶: families just above the line
    if query := filters.get("q"):
        files = files.filter(_file_search(query))
    return files.order_by("-updated_at", "-id")


def _file_search(query: str) -> Q:
    match = Q(household__worker__name__icontains=query) | Q(
        household__worker__name_pinyin__startswith=query.lower()
    )
    if query.replace("-", "").isdigit():
        number = query.rsplit("-", 1)[-1]
        match |= Q(pk=int(number)) if number.isdigit() else Q()
    return match


def publicity_rows(user, on: datetime.date | None = None) -> list[dict]:
    """The publicity list's lines: masked name, unit, category and monthly amount only —
    never an ID number, phone or diagnosis (docs/domain.md "Filing and publicity")."""
    files = (
        files_in_publicity(user, on)
        .select_related("household__worker__employer", "household__worker__union")
        .order_by("org__path", "pk")
    )
    return [
        {
            "name": mask_name(hardship_file.household.worker.name),
            "unit": unit_of(hardship_file),
            "category": hardship_file.get_category_display(),
            "monthly_standard_fen": hardship_file.monthly_standard_fen,
            "publicity_ends_on": hardship_file.publicity_ends_on,
        }
        for hardship_file in files
    ]


def watch_list(user) -> QuerySet[HardshipFile]:
    """Exited families (监测) and those still in their gradual exit."""
    return visible_files(user).filter(status__in=rules.EXIT_STATUSES)


REVIEW_WINDOW_DAYS = (
    30  # reviews and phase-outs ending within this many days show on the to-do list
)


def todo_filters(today: datetime.date | None = None) -> dict[str, tuple[Q, frozenset[str]]]:
    """Each to-do list as (filter, roles that act on it); the file list page uses the same."""
    from nuanjia.orgs.rules import Role

    today = today or timezone.localdate()
    soon = today + datetime.timedelta(days=REVIEW_WINDOW_DAYS)
    return {
        "to_check": (Q(status=Status.APPLIED), frozenset({Role.CASEWORKER})),
        "visits_due": (Q(status=Status.CHECKED), frozenset({Role.CASEWORKER})),
        "to_review": (Q(status=Status.VISITED), frozenset({Role.REVIEWER})),
        "to_publish": (Q(status=Status.REVIEWED), frozenset({Role.REVIEWER})),
        "publicity_ending": (
            Q(
                status=Status.IN_PUBLICITY,
                publicity_ends_on__lte=today + datetime.timedelta(days=1),
            ),
            frozenset({Role.APPROVER}),  # the reviewer's publicity work: the objections tile
        ),
        "to_file": (Q(status=Status.APPROVED), frozenset({Role.CASEWORKER})),
        "reviews_due": (
            Q(status=Status.FILED, next_review_on__lte=soon),
            frozenset({Role.CASEWORKER}),
        ),
        "reviews_to_complete": (Q(status=Status.UNDER_REVIEW), frozenset({Role.REVIEWER})),
        "exits_to_decide": (Q(status=Status.TO_EXIT), frozenset({Role.APPROVER})),
        "gradual_exits_ending": (
            Q(status=Status.GRADUAL_EXIT, gradual_exit_ends_on__lte=soon),
            frozenset({Role.CASEWORKER}),
        ),
    }


def overdue_filter(key: str, today: datetime.date) -> Q | None:
    return {
        "publicity_ending": Q(publicity_ends_on__lt=today),
        "reviews_due": Q(next_review_on__lt=today),
        "gradual_exits_ending": Q(gradual_exit_ends_on__lt=today),
    }.get(key)


def open_objections(user) -> QuerySet[Objection]:
    return visible_objections(user).filter(status=Objection.Status.OPEN)
