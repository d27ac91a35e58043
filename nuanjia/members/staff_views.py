"""Staff pages of the member portal: the queues of online joins (入会审批) and of bindings
waiting for confirmation (绑定确认), each record with its history and step buttons, and
the join figures, each figure opening the list of rows it counts."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms as django_forms
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from nuanjia.core.listexport import ListExport, column
from nuanjia.core.workflow_pages import StepPage, offered_pages, run_step_button, step_pages
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm
from nuanjia.people.models import OccupationTag

from . import queries
from .models import Binding, Join
from .workflow import BINDING_FLOW, JOIN_FLOW, BindingStep, JoinStep

PAGE_SIZE = 50


class NoteForm(django_forms.Form):
    note = django_forms.CharField(label=_("Note"), max_length=200, required=False)


class ReasonForm(django_forms.Form):
    note = django_forms.CharField(label=_("Reason"), max_length=200)


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


@requires(Perm.VIEW_BUSINESS)
def join_detail_view(request, join_id: int):
    join = queries.get_join_for(request.user, join_id)
    return render(
        request,
        "members/staff/join_detail.html",
        {
            "join": join,
            "events": join.events.select_related("by"),
            "steps": offered_pages(JOIN_STEPS, join, request.user),
        },
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def join_step_view(request, join_id: int, step: str):
    join = queries.get_join_for(request.user, join_id, write=True)
    page = JOIN_STEPS[step]
    return run_step_button(
        request, page, join, back=lambda: redirect("members:join_detail", join_id=join.pk)
    )


@requires(Perm.VIEW_BUSINESS)
def join_figures_view(request):
    figures = queries.join_figures(queries.visible_joins(request.user))
    return render(request, "members/staff/join_figures.html", {"figures": figures})


@requires(Perm.VIEW_BUSINESS)
def binding_list_view(request):
    status = request.GET.get("status", Binding.Status.PENDING)
    rows = queries.visible_bindings(request.user)
    if status in Binding.Status.values:
        rows = rows.filter(status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "members/staff/binding_list.html",
        {"page": page, "status": status, "statuses": Binding.Status.choices,
         "query": f"status={status}"},
    )  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def binding_detail_view(request, binding_id: int):
    binding = queries.get_binding_for(request.user, binding_id)
    return render(
        request,
        "members/staff/binding_detail.html",
        {
            "binding": binding,
            "events": binding.events.select_related("by"),
            "steps": offered_pages(BINDING_STEPS, binding, request.user),
        },
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def binding_step_view(request, binding_id: int, step: str):
    binding = queries.get_binding_for(request.user, binding_id, write=True)
    page = BINDING_STEPS[step]
    return run_step_button(
        request,
        page,
        binding,
        back=lambda: redirect("members:binding_detail", binding_id=binding.pk),
    )
