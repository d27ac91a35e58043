"""Pages of workflow steps: one step page (form on GET, `take_step` on POST) for every app,
the same step taken from a button on the record's own page, and the one way a rule's
refusal lands on a form."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .actors import Actor, actor_of
from .errors import RuleViolation
from .money import yuan_to_fen
from .workflow import Workflow


class NoteForm(forms.Form):
    """A step's optional note, posted from a button on the record's page."""

    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)


class ReasonForm(forms.Form):
    """A step that needs its reason (refuse, return, cancel)."""

    note = forms.CharField(label=gettext_lazy("Reason"), max_length=200)


def apply_rule_error(
    form: forms.BaseForm, error: RuleViolation, *, fallback: str | None = None
) -> None:
    """Show a rule's refusal on the form: on the field at fault when the form has it (or on
    `fallback`, e.g. the note field of a step form), else above the form."""
    field = error.field if error.field in form.fields else fallback
    form.add_error(field if field in form.fields else None, error.message)


def _same(data: Mapping[str, Any]) -> dict[str, Any]:
    return dict(data)


def _fen(yuan: Decimal | None) -> int | None:
    return None if yuan is None else yuan_to_fen(yuan)


@dataclass(frozen=True)
class StepPage:
    """A step's page: its form, how the form's data become the step's fields, its button.

    `initial(obj)` gives the values the form opens with, read from the record; `yuan` maps a
    form field typed in 元 to the step's field in 分 (the amount is converted on the way in,
    a refusal naming the 分 field lands on the 元 one); `fit(form, obj)` adjusts the form to
    the record (drops a question that does not apply to it). A form with no fields is a
    confirmation: posting it takes the step.
    """

    flow: Workflow[Any, Any]
    step: str
    form: type[forms.Form]
    fields: Callable[[Mapping[str, Any]], dict[str, Any]] = _same
    is_danger: bool = False
    initial: Callable[[Any], dict[str, Any]] | None = None
    yuan: Mapping[str, str] = field(default_factory=dict)
    fit: Callable[[forms.Form, Any], None] | None = None

    @property
    def slug(self) -> str:
        return self.step.replace("_", "-")

    @property
    def label(self) -> str:
        return self.flow.label_step(self.step)

    def form_for(self, request: HttpRequest, obj: Any) -> forms.Form:
        """The step's form on `obj`: bound on POST (even to no fields), else opened on the
        record's values."""
        data = request.POST if request.method == "POST" else None
        form = self.form(data, initial=self.initial(obj) if self.initial else None)
        if self.fit:
            self.fit(form, obj)
        return form

    def step_fields(self, cleaned: Mapping[str, Any]) -> dict[str, Any]:
        """The form's cleaned data as the step's fields: 元 to 分, then `fields`."""
        data = dict(cleaned)
        for form_name, fen_name in self.yuan.items():
            if form_name in data:
                data[fen_name] = _fen(data.pop(form_name))
        return self.fields(data)

    def on_form(self, error: RuleViolation) -> RuleViolation:
        """The refusal naming the form's field where the step's field has another name."""
        names = {fen_name: form_name for form_name, fen_name in self.yuan.items()}
        if error.field not in names:
            return error
        return RuleViolation(error.message, field=names[error.field], code=error.code)


def step_pages(pages: list[StepPage]) -> dict[str, StepPage]:
    return {page.step: page for page in pages}


def offered_pages(
    pages: Mapping[str, StepPage], obj: Any, user: Actor | None, *, available: Any = None
) -> list[StepPage]:
    """The step pages `user` may open on `obj` now, in the declaration's order."""
    flow = next(iter(pages.values())).flow
    names = flow.steps_for(obj, user, available=available)
    return [pages[name] for name in names if name in pages and flow.may_take(user, name, obj)]


def _take(request: HttpRequest, page: StepPage, obj: Any, form: forms.Form) -> tuple[bool, Any]:
    """Check the role and scope (a refusal is audited and is a 403), then run the step with
    the form's fields. (True, result) when it was taken; (False, None) when the form or a
    rule refused it, the reason on the form and nothing changed."""
    actor = actor_of(request)
    page.flow.authorize(actor, page.step, obj, request.path)
    if not form.is_valid():
        return False, None
    try:
        result = page.flow.take_step(
            obj, page.step, by=actor, where=request.path, **page.step_fields(form.cleaned_data)
        )
    except RuleViolation as error:
        apply_rule_error(form, page.on_form(error), fallback="note")
        return False, None
    return True, result


def _say_done(
    request: HttpRequest, page: StepPage, result: Any, message: Callable[[Any], str] | None
) -> None:
    text = message(result) if message else _("Done: %(step)s.") % {"step": page.label}
    messages.success(request, text)


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
    form = page.form_for(request, obj)
    if request.method == "POST":
        taken, result = _take(request, page, obj, form)
        if taken:
            _say_done(request, page, result, message)
            return done(result)
    return render(request, template, {**context, "form": form, "page": page})


def run_step_button(
    request: HttpRequest,
    page: StepPage,
    obj: Any,
    *,
    back: Callable[[], HttpResponse],
    message: Callable[[Any], str] | None = None,
) -> HttpResponse:
    """The step posted from a button on the record's own page (POST only): taken, or its
    refusal said as a message; either way back to that page."""
    form = page.form_for(request, obj)
    taken, result = _take(request, page, obj, form)
    if taken:
        _say_done(request, page, result, message)
    else:
        for text in _refusals(form):
            messages.error(request, text)
    return back()


def _refusals(form: forms.Form) -> list[str]:
    """The form's errors as messages, each naming its field (there is no form to show it on)."""
    texts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        text = " ".join(str(error) for error in errors)
        texts.append(f"{label}: {text}" if label else text)
    return texts
