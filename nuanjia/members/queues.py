"""The staff pages every queue of records with steps shares (the member portal's, the
campaigns' lists): a list filtered by status, a record with
its history and the step buttons the viewer's roles offer, and one POST per step through the
workflow engine. Joins, bindings and personal data requests each declare one `StaffQueue`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet, TextChoices
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_POST

from nuanjia.core.actors import Actor, actor_of
from nuanjia.core.workflow_pages import StepPage, offered_pages, run_step_button
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

PAGE_SIZE = 50


@dataclass(frozen=True)
class StaffQueue:
    name: str  # "binding": URL names binding_list, binding_detail, binding_<step>
    url: str  # "members/bindings/"
    template: str  # "members/staff/binding" → _list.html and _detail.html
    statuses: type[TextChoices]
    waiting: str  # the status the list opens on
    visible: Callable[[Actor], QuerySet[Any]]
    get_for: Callable[..., Any]  # (user, pk, write=…) → the record, or 404
    steps: dict[str, StepPage]
    namespace: str = "members"  # the URL namespace the queue's pages are named in

    @property
    def id_name(self) -> str:
        return f"{self.name}_id"

    def list_rows(self, request: HttpRequest) -> tuple[QuerySet[Any], str]:
        status = request.GET.get("status", self.waiting)
        rows = self.visible(actor_of(request))
        if status in self.statuses.values:
            rows = rows.filter(status=status)
        return rows, status

    def list_view(self, request: HttpRequest) -> HttpResponse:
        rows, status = self.list_rows(request)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(request, f"{self.template}_list.html", {
            "page": page, "status": status, "statuses": self.statuses.choices,
            "query": f"status={status}",
        })  # fmt: skip

    def detail_view(self, request: HttpRequest, **ids: int) -> HttpResponse:
        record = self.get_for(actor_of(request), ids[self.id_name])
        return render(request, f"{self.template}_detail.html", {
            "item": record, self.name: record,
            "events": record.events.select_related("by"),
            "steps": offered_pages(self.steps, record, actor_of(request)),
        })  # fmt: skip

    def step_view(self, request: HttpRequest, step: str, **ids: int) -> HttpResponse:
        record = self.get_for(request.user, ids[self.id_name], write=True)
        return run_step_button(
            request,
            self.steps[step],
            record,
            back=lambda: redirect(
                f"{self.namespace}:{self.name}_detail", **{self.id_name: record.pk}
            ),
        )

    def urls(self) -> list[URLPattern]:
        """The list, the record and its steps."""
        list_view = requires(Perm.VIEW_BUSINESS)(self.list_view)
        return [path(self.url, list_view, name=f"{self.name}_list"), *self.record_urls()]

    def record_urls(self) -> list[URLPattern]:
        """The record and its steps (for a queue whose list page is its own)."""
        detail = f"{self.url}<int:{self.id_name}>/"
        step_view = requires(Perm.VIEW_BUSINESS)(require_POST(self.step_view))
        return [
            path(detail, requires(Perm.VIEW_BUSINESS)(self.detail_view),
                 name=f"{self.name}_detail"),
            *[
                path(f"{detail}{page.slug}/", step_view, {"step": page.step},
                     name=f"{self.name}_{page.step}")
                for page in self.steps.values()
            ],
        ]  # fmt: skip
