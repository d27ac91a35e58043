"""Pages of workflow steps: one step page (form on GET, `take_step` on POST) for every app,
and the one way a rule's refusal lands on a form."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .actors import Actor, actor_of
from .errors import RuleViolation
from .workflow import Workflow


def apply_rule_error(
    form: forms.BaseForm, error: RuleViolation, *, fallback: str | None = None
) -> None:
    """Show a rule's refusal on the form: on the field at fault when the form has it (or on
    `fallback`, e.g. the note field of a step form), else above the form."""
    field = error.field if error.field in form.fields else fallback
    form.add_error(field if field in form.fields else None, error.message)


def _same(data: Mapping[str, Any]) -> dict[str, Any]:
    return dict(data)


@dataclass(frozen=True)
class StepPage:
    """A step's page: its form, how the form's data become the step's fields, its button."""

    flow: Workflow
    step: str
    form: type[forms.Form]
    fields: Callable[[Mapping[str, Any]], dict[str, Any]] = _same
    is_danger: bool = False

    @property
    def slug(self) -> str:
        return self.step.replace("_", "-")

    @property
    def label(self) -> str:
        return self.flow.label_step(self.step)


def step_pages(pages: list[StepPage]) -> dict[str, StepPage]:
    return {page.step: page for page in pages}


def offered_pages(
    pages: Mapping[str, StepPage], obj: Any, user: Actor | None, *, available: Any = None
) -> list[StepPage]:
    """The step pages `user` may open on `obj` now, in the declaration's order."""
    flow = next(iter(pages.values())).flow
    names = flow.steps_for(obj, user, available=available)
    return [pages[name] for name in names if name in pages and flow.may_take(user, name, obj)]


def run_step_page(
    request: HttpRequest,
    page: StepPage,
    obj: Any,
    *,
    template: str,
    context: Mapping[str, Any],
    done: Callable[[Any], HttpResponse],
    message: Callable[[Any], str] | None = None,
) -> HttpResponse:
    """GET: the step's form. POST: check the role and scope (a refusal is audited), run the
    step through `take_step`, and on success say so and go to `done(obj)`; a rule's refusal
    comes back on the form with nothing changed."""
    form = page.form(request.POST or None)
    if request.method == "POST":
        actor = actor_of(request)
        page.flow.authorize(actor, page.step, obj, request.path)
        if form.is_valid():
            try:
                result = page.flow.take_step(
                    obj,
                    page.step,
                    by=actor,
                    where=request.path,
                    **page.fields(form.cleaned_data),
                )
            except RuleViolation as error:
                apply_rule_error(form, error, fallback="note")
            else:
                text = message(result) if message else _("Done: %(step)s.") % {"step": page.label}
                messages.success(request, text)
                return done(result)
    return render(request, template, {**context, "form": form, "page": page})
