"""Union-fee pages: the tax office's collection sheet imported (with its template), staging a
union's rebates of some periods, a staging batch with its rebates and the exceptions listed
apart, approved in one step by another person; the figures per city (rent relief, rebates due
and returned, 应收尽返) with the rows behind each city and Excel."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from nuanjia.core.errors import RuleViolation
from nuanjia.core.flash import saved
from nuanjia.core.imports import (
    ImportForm,
    error_sheet_path,
    error_sheet_response,
    result_context,
    template_response,
)
from nuanjia.core.listexport import ListExport, column, money
from nuanjia.core.workflow_pages import StepPage, offered_pages, run_step_button, step_pages
from nuanjia.orgs.permissions import deny, requires
from nuanjia.orgs.rules import Perm

from .. import queries, services
from ..figures import city_figures
from ..imports_fees import COLLECTION_SHEET, import_collections, write_collection_template
from ..models import Rebate
from ..rules import RebateBatchStep
from ..services.common import FINANCE, may_act_for
from ..workflow import REBATE_BATCH_FLOW


class StageForm(forms.Form):
    period_from = forms.DateField(
        label=_lazy("Periods from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_to = forms.DateField(
        label=_lazy("Periods to"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ReasonForm(forms.Form):
    note = forms.CharField(label=_lazy("Reason"), max_length=200)


@requires(Perm.VIEW_BUSINESS)
def rebate_batch_list_view(request):
    form = StageForm(request.POST or None)
    batch = saved(
        request, form,
        lambda: services.stage_rebates(request.user.org, form.cleaned_data["period_from"],
                                       form.cleaned_data["period_to"], by=request.user),
        lambda made: _("%(count)s rebates staged, %(exceptions)s exceptions listed apart.")
        % {"count": made.count, "exceptions": made.exception_count},
    )  # fmt: skip
    if batch is not None:
        return redirect("enterprises:rebate_batch", rebate_batch_id=batch.pk)
    page = Paginator(queries.visible_rebate_batches(request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "enterprises/fees/batches.html", {
        "page": page, "form": form, "may_stage": may_act_for(request.user, request.user.org, FINANCE),
    })  # fmt: skip


BATCH_STEPS = step_pages([
    StepPage(REBATE_BATCH_FLOW, RebateBatchStep.APPROVE, forms.Form),
    StepPage(REBATE_BATCH_FLOW, RebateBatchStep.CANCEL, ReasonForm, is_danger=True),
])  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def rebate_batch_view(request, rebate_batch_id: int):
    batch = queries.get_rebate_batch_for(request.user, rebate_batch_id)
    rebates = Rebate.objects.filter(batch=batch).select_related("firm__employer").order_by("pk")
    return render(request, "enterprises/fees/batch.html", {
        "batch": batch, "rebates": Paginator(rebates, 200).get_page(request.GET.get("page")),
        "exceptions": batch.exceptions.select_related("collection__firm__employer")[:500],
        "steps": offered_pages(BATCH_STEPS, batch, request.user),
    })  # fmt: skip


def _step(request, rebate_batch_id: int, step: str):
    batch = queries.get_rebate_batch_for(request.user, rebate_batch_id, write=True)
    return run_step_button(request, BATCH_STEPS[step], batch,
                           back=lambda: redirect("enterprises:rebate_batch", rebate_batch_id=batch.pk))  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
@require_POST
def rebate_batch_approve_view(request, rebate_batch_id: int):
    return _step(request, rebate_batch_id, RebateBatchStep.APPROVE)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def rebate_batch_cancel_view(request, rebate_batch_id: int):
    return _step(request, rebate_batch_id, RebateBatchStep.CANCEL)


@requires(Perm.VIEW_BUSINESS)
def collection_import_view(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {
        "form": form, "columns": COLLECTION_SHEET.columns,
        "errors_url_name": "enterprises:collection_import_errors",
        "template_url_name": "enterprises:collection_import_template",
    }  # fmt: skip
    if request.method == "POST":
        if not may_act_for(request.user, request.user.org, FINANCE):
            deny(request.user, "enterprises.collection.import", request.path)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_collections(upload, by=request.user, mode=form.cleaned_data["mode"],
                                            file_name=upload.name)  # fmt: skip
            except RuleViolation as error:
                messages.error(request, error.message)
            else:
                context |= result_context(result, owner_id=request.user.pk)
    return render(request, "enterprises/fees/import.html", context)


@requires(Perm.VIEW_BUSINESS)
@require_GET
def collection_import_errors_view(request, import_token: str):
    path = error_sheet_path(import_token, owner_id=request.user.pk)
    return error_sheet_response(request, path, filename="工会经费征收导入错误.xlsx",
                                what="collection import error sheet")  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
@require_GET
def collection_import_template_view(request):
    return template_response(write_collection_template, filename="工会经费征收明细模板.xlsx")


def _year(request) -> int | None:
    text = request.GET.get("year", "")
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else None


FIGURES_EXPORT = ListExport("enterprises.figures", _lazy("Enterprise figures"), (
    column(_lazy("City"), "city"), money(_lazy("Rent relieved (yuan)"), "relief_fen"),
    column(_lazy("Tenants"), "tenants"), column(_lazy("Months"), "months"),
    money(_lazy("Rebates due (yuan)"), "due_fen"), money(_lazy("Rebates returned (yuan)"), "returned_fen"),
    column(_lazy("Returned (%)"), lambda row: "" if row.ratio is None else row.ratio),
    column(_lazy("Firms helped"), "firms_helped"), money(_lazy("Help (yuan)"), "help_fen"),
    column(_lazy("Workers reached"), "workers_reached"),
    column(_lazy("Check-ups"), "checkups"), column(_lazy("Open findings"), "open_findings"),
))  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def figures_view(request):
    year = _year(request)
    rows = city_figures(request.user, year)
    if request.GET.get("format") == "xlsx":
        return FIGURES_EXPORT.response(request, rows, {"year": year})
    return render(request, "enterprises/fees/figures.html", {
        "rows": rows, "year": year or "", "this_year": datetime.date.today().year,
        "relief_total": sum(row.relief_fen for row in rows),
        "due_total": sum(row.due_fen for row in rows),
        "returned_total": sum(row.returned_fen for row in rows),
    })  # fmt: skip
