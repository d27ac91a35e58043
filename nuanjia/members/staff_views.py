"""Staff pages of the member portal: the queues of online joins (入会审批) and of bindings
waiting for confirmation (绑定确认), each record with its history and step buttons, and
the join figures, each figure opening the list of rows it counts."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from nuanjia.core.listexport import ListExport, column
from nuanjia.core.workflow_pages import NoteForm, ReasonForm, StepPage, step_pages
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm
from nuanjia.people.models import OccupationTag

from . import queries
from .models import Binding, Join
from .queues import StaffQueue
from .workflow import BINDING_FLOW, JOIN_FLOW, BindingStep, JoinStep

PAGE_SIZE = 50


JOIN_STEPS = step_pages(
    [
        StepPage(JOIN_FLOW, JoinStep.ACCEPT, NoteForm),
        StepPage(JOIN_FLOW, JoinStep.REFUSE, ReasonForm, is_danger=True),
    ]
)
BINDING_STEPS = step_pages(
    [
        StepPage(BINDING_FLOW, BindingStep.CONFIRM, NoteForm),
        StepPage(BINDING_FLOW, BindingStep.REFUSE, ReasonForm, is_danger=True),
    ]
)


def _week(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _filtered_joins(request):
    """The scoped, filtered joins of the queue page and its export, with the filters."""
    status = request.GET.get("status", Join.OPEN)
    filters: dict[str, Any] = {
        "status": status if status in {Join.OPEN, *Join.Status.values} else "",
        "occupation": _int(request.GET.get("occupation", "")),
        "county": _int(request.GET.get("county", "")),
        "week": _week(request.GET.get("week", "")),
    }
    return queries.filter_joins(queries.visible_joins(request.user), **filters), status, filters


JOIN_EXPORT = ListExport("members.joins", gettext_lazy("Join applications"), (
    column(gettext_lazy("Applied at"), "created_at"), column(gettext_lazy("Name"), "worker.name"),
    column(gettext_lazy("ID number"), "worker.id_number_masked"),
    column(gettext_lazy("Mobile phone"), "member.phone_masked"),
    column(gettext_lazy("Occupation"), "occupation.name"),
    column(gettext_lazy("Platform or employer"), "employer_name"),
    column(gettext_lazy("Union"), "org.name"), column(gettext_lazy("County union"), "county.name"),
    column(gettext_lazy("Status"), "get_status_display"),
    column(gettext_lazy("Member number"),
           lambda join: join.worker.member_number if join.status == Join.Status.ACCEPTED else ""),
))  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def join_export_view(request):
    """The filtered queue as xlsx (ID and phone masked), audited."""
    rows, _status, filters = _filtered_joins(request)
    return JOIN_EXPORT.response(request, rows.select_related("member"), filters)


@requires(Perm.VIEW_BUSINESS)
def join_list_view(request):
    rows, status, _filters = _filtered_joins(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "members/staff/join_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Join.Status.choices,
            "occupations": OccupationTag.objects.all(),
            "query": query.urlencode(),
        },
    )


JOIN_QUEUE = StaffQueue(
    name="join",
    url="members/joins/",
    template="members/staff/join",
    statuses=Join.Status,
    waiting=Join.OPEN,
    visible=queries.visible_joins,
    get_for=queries.get_join_for,
    steps=JOIN_STEPS,
)


@requires(Perm.VIEW_BUSINESS)
def join_figures_view(request):
    figures = queries.join_figures(queries.visible_joins(request.user))
    return render(request, "members/staff/join_figures.html", {"figures": figures})


BINDING_QUEUE = StaffQueue(
    name="binding",
    url="members/bindings/",
    template="members/staff/binding",
    statuses=Binding.Status,
    waiting=Binding.Status.PENDING,
    visible=queries.visible_bindings,
    get_for=queries.get_binding_for,
    steps=BINDING_STEPS,
)
