"""Merchant statement pages: the subtree's statements with the role queues, preparing one
merchant's month or every merchant's, one statement with its lines (adding up to the amount),
steps and history, and its xlsx and PDF; the merchant's own statements on its phone pages
(/p/benefits/statements/), confirmed or disputed there, with the same files."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from nuanjia.core.errors import RuleViolation
from nuanjia.core.flash import saved
from nuanjia.core.workflow_pages import StepPage, offered_pages, run_step_button, step_pages
from nuanjia.members.auth import partner_page
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import queries
from ..models import Statement
from ..rules import StatementStep
from ..services import statements
from ..statement_files import statement_pdf, statement_xlsx, summary
from ..workflow import STATEMENT_FLOW

PAGE_SIZE = 50


def parse_month(text: str) -> datetime.date | None:
    try:
        return datetime.datetime.strptime(text.strip()[:7], "%Y-%m").date()
    except ValueError:
        return None


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-03"})

    def clean(self, value: Any) -> datetime.date:
        month = parse_month(super().clean(value) or "")
        if month is None:
            raise forms.ValidationError(_("Write the month as 2026-03."))
        return month


class PrepareForm(forms.Form):
    terms = forms.ModelChoiceField(
        label=_lazy("Merchant (blank: every merchant with uses)"), required=False,
        queryset=Statement.objects.none(),
    )  # fmt: skip
    month = MonthField(label=_lazy("Month"))

    def __init__(self, *args: Any, terms: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["terms"].queryset = terms  # type: ignore[attr-defined]
        self.fields["terms"].label_from_instance = lambda t: t.partner.name  # type: ignore[attr-defined]


@requires(Perm.VIEW_BUSINESS)
def statements_view(request: Any) -> Any:
    queue = request.GET.get("queue", "")
    found = queries.statement_queue(request.user, queue)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    form = PrepareForm(terms=queries.visible_terms(request.user))
    return render(request, "benefits/staff/statements.html",
                  {"page": page, "queue": queue, "form": form})  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
@require_POST
def prepare_view(request: Any) -> Any:
    form = PrepareForm(request.POST, terms=queries.visible_terms(request.user))

    def prepare() -> list[Statement]:
        terms, month = form.cleaned_data["terms"], form.cleaned_data["month"]
        if terms is not None:
            return [statements.prepare_statement(terms, month, by=request.user)]
        return statements.prepare_month(month, org=request.user.org, by=request.user)

    made = saved(request, form, prepare, lambda found: _("%(count)d statements prepared.") % {
        "count": len(found)})  # fmt: skip
    if made is None and form.errors:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("benefits:statements")


STATEMENT_STEPS = step_pages(
    [
        StepPage(STATEMENT_FLOW, StatementStep.APPROVE, forms.Form),
        StepPage(STATEMENT_FLOW, StatementStep.CANCEL, forms.Form, is_danger=True),
    ]
)


@requires(Perm.VIEW_BUSINESS)
def statement_view(request: Any, statement_id: int) -> Any:
    statement = queries.get_statement_for(request.user, statement_id)
    return render(request, "benefits/staff/statement.html", {
        "statement": statement, "lines": summary(statement),
        "events": [{"event": e, "label": statements.STATEMENT_ACTIONS.get(e.action, e.action)}
                   for e in statement.events.select_related("by")],
        "steps": offered_pages(STATEMENT_STEPS, statement, request.user),
    })  # fmt: skip


def _step(request: Any, statement_id: int, step: str) -> Any:
    statement = queries.get_statement_for(request.user, statement_id, write=True)
    return run_step_button(request, STATEMENT_STEPS[step], statement,
                           back=lambda: redirect("benefits:statement", statement_id=statement.pk))  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
@require_POST
def statement_approve_view(request: Any, statement_id: int) -> Any:
    return _step(request, statement_id, StatementStep.APPROVE)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def statement_cancel_view(request: Any, statement_id: int) -> Any:
    return _step(request, statement_id, StatementStep.CANCEL)


def _file(statement: Statement, kind: str) -> HttpResponse:
    if kind == "pdf":
        response = HttpResponse(statement_pdf(statement), content_type="application/pdf")
    else:
        response = HttpResponse(
            statement_xlsx(statement),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{statement}.{kind}"'
    return response


@requires(Perm.VIEW_BUSINESS)
def statement_xlsx_view(request: Any, statement_id: int) -> Any:
    return _file(queries.get_statement_for(request.user, statement_id), "xlsx")


@requires(Perm.VIEW_BUSINESS)
def statement_pdf_view(request: Any, statement_id: int) -> Any:
    return _file(queries.get_statement_for(request.user, statement_id), "pdf")


# ---- the merchant's own ----------------------------------------------------------------------


def _own(request: Any, pk: Any) -> Statement:
    found = Statement.objects.filter(partner_id=request.partner_user.partner_id,
                                     pk=pk if str(pk).isdigit() else 0).first()  # fmt: skip
    if found is None:
        raise Http404
    return found


@partner_page
def merchant_statements_view(request: Any) -> Any:
    """The merchant's statements; confirm (对账确认) or dispute one, download its files."""
    user = request.partner_user
    if request.method == "POST":
        statement = _own(request, request.POST.get("statement", ""))
        try:
            if request.POST.get("action") == "dispute":
                statements.dispute_statement(statement, user=user,
                                             reason=request.POST.get("reason", ""))  # fmt: skip
            else:
                statements.confirm_statement(statement, user=user)
        except RuleViolation as error:
            messages.error(request, error.message)
        return redirect("benefits:merchant_statements")
    if request.GET.get("file") in ("xlsx", "pdf"):
        return _file(_own(request, request.GET.get("statement", "")), request.GET["file"])
    found = Statement.objects.filter(partner_id=user.partner_id).select_related("org")[:60]
    return render(request, "benefits/merchant/statements.html", {"user": user, "statements": found})
