"""Firm pages: the firms in scope with their size class, one firm with its dated figures and
leases, registering a firm, recording figures, the Excel import (with its template and error
sheet) and export."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET

from nuanjia.core.errors import RuleViolation
from nuanjia.core.flash import saved
from nuanjia.core.imports import (
    ImportForm,
    error_sheet_path,
    error_sheet_response,
    result_context,
    template_response,
)
from nuanjia.core.listexport import ListExport, column
from nuanjia.core.money import wan_to_fen
from nuanjia.orgs.permissions import deny, requires
from nuanjia.orgs.rules import Perm

from .. import queries, services
from ..forms import FiguresForm, FirmFilterForm, FirmForm
from ..imports_firms import (
    FIRM_SHEET,
    INDUSTRY_WORDS,
    KIND_WORDS,
    import_firms,
    write_firm_template,
)
from ..models import FirmFigures
from ..rules import SizeClass
from ..services.common import CASEWORKERS, may_act_for

PAGE_SIZE = 50


def firms_with_figures(user, values: dict):
    latest = FirmFigures.objects.filter(firm=OuterRef("pk")).order_by("-effective_on")
    found = queries.visible_firms(user).annotate(
        size=Subquery(latest.values("size_class")[:1]),
        figures_year=Subquery(latest.values("year")[:1]),
        headcount=Subquery(latest.values("headcount")[:1]),
        revenue_fen=Subquery(latest.values("revenue_fen")[:1]),
    )
    text = (values.get("q") or "").strip()
    if text:
        found = found.filter(
            Q(employer__name__icontains=text) | Q(employer__credit_code=text.upper())
        )
    if values.get("size") in SizeClass.values:
        found = found.filter(size=values["size"])
    return found.order_by("employer__name", "pk")


@requires(Perm.VIEW_BUSINESS)
def firm_list_view(request):
    form = FirmFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    page = Paginator(firms_with_figures(request.user, values), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "enterprises/firms/list.html",
        {
            "page": page, "form": form, "sizes": SizeClass.choices, "query": query.urlencode(),
            "may_edit": may_act_for(request.user, request.user.org, CASEWORKERS),
        },
    )  # fmt: skip


FIRM_EXPORT = ListExport("enterprises.firms", _lazy("Firms"), (
    column("单位名称", lambda firm: firm.employer.name),
    column("统一社会信用代码", lambda firm: firm.employer.credit_code),
    column("所在地区划代码", lambda firm: firm.employer.region_code),
    column("单位类型", lambda firm: str(KIND_WORDS.get(firm.kind, firm.kind))),
    column("行业", lambda firm: INDUSTRY_WORDS.get(firm.industry, firm.industry)),
    column("年度", "figures_year"), column("从业人员", "headcount"),
    column("营业收入(万元)", lambda firm: "" if firm.revenue_fen is None else firm.revenue_fen / 1_000_000),
    column(_lazy("Size class"), lambda firm: str(SizeClass(firm.size).label) if firm.size else ""),
    column(_lazy("County union"), lambda firm: firm.org.name),
    column("开户银行", "bank_name"), column("银行账号", "account_masked"),
))  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
@require_GET
def firm_export_view(request):
    form = FirmFilterForm(request.GET or None)
    values = form.cleaned_data if form.is_valid() else {}
    return FIRM_EXPORT.response(request, firms_with_figures(request.user, values), values)


@requires(Perm.VIEW_BUSINESS)
def firm_detail_view(request, firm_id: int):
    firm = queries.get_firm_for(request.user, firm_id)
    form = FiguresForm(request.POST or None)
    figures = saved(
        request,
        form,
        lambda: services.record_figures(
            firm,
            year=form.cleaned_data["year"],
            headcount=form.cleaned_data["headcount"],
            revenue_fen=wan_to_fen(form.cleaned_data["revenue"]),
            assets_fen=None
            if form.cleaned_data["assets"] is None
            else wan_to_fen(form.cleaned_data["assets"]),
            effective_on=form.cleaned_data["effective_on"],
            by=request.user,
        ),
        lambda row: (
            _("Figures recorded: the firm is %(size)s.") % {"size": SizeClass(row.size_class).label}
        ),
    )
    if figures is not None:
        return redirect("enterprises:firm", firm_id=firm.pk)
    return render(
        request,
        "enterprises/firms/detail.html",
        {
            "firm": firm,
            "figures": firm.figures.all(),
            "leases": queries.visible_leases(request.user).filter(tenant=firm),
            "form": form,
            "may_edit": may_act_for(request.user, firm.org, CASEWORKERS),
        },
    )


@requires(Perm.VIEW_BUSINESS)
def firm_new_view(request):
    form = FirmForm(request.POST or None)
    firm = saved(
        request,
        form,
        lambda: services.register_firm(by=request.user, **form.cleaned_data),
        _("The firm has been registered."),
    )
    if firm is not None:
        return redirect("enterprises:firm", firm_id=firm.pk)
    return render(request, "enterprises/firms/new.html", {"form": form})


@requires(Perm.VIEW_BUSINESS)
def firm_import_view(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {
        "form": form, "columns": FIRM_SHEET.columns,
        "errors_url_name": "enterprises:firm_import_errors",
        "template_url_name": "enterprises:firm_import_template",
    }  # fmt: skip
    if request.method == "POST":
        if not may_act_for(request.user, request.user.org, CASEWORKERS):
            deny(request.user, "enterprises.firm.import", request.path)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_firms(
                    upload, by=request.user, mode=form.cleaned_data["mode"], file_name=upload.name
                )
            except RuleViolation as error:
                messages.error(request, error.message)
            else:
                context |= result_context(result, owner_id=request.user.pk)
    return render(request, "enterprises/firms/import.html", context)


@requires(Perm.VIEW_BUSINESS)
@require_GET
def firm_import_errors_view(request, import_token: str):
    path = error_sheet_path(import_token, owner_id=request.user.pk)
    return error_sheet_response(
        request, path, filename="企业名录导入错误.xlsx", what="firm import error sheet"
    )


@requires(Perm.VIEW_BUSINESS)
@require_GET
def firm_import_template_view(request):
    return template_response(write_firm_template, filename="企业名录导入模板.xlsx")
