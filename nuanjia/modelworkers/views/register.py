"""The register of model workers (劳模名册: the 劳模 and 先进工作者 honours of the workers
in scope, filtered by level, year and city), its Excel export and the honours import, and
the collectives (先进集体) with their honours."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET

from nuanjia.core.flash import saved
from nuanjia.core.imports import ImportForm, imported_context, owned_error_sheet, template_response
from nuanjia.core.listexport import ListExport, column
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import deny, requires
from nuanjia.orgs.queries import within
from nuanjia.orgs.rules import Perm
from nuanjia.people.honour_models import HonourLevel

from .. import forms, queries, services
from ..imports_register import (
    HONOUR_SHEET,
    KIND_LABELS,
    LEVEL_LABELS,
    import_honours,
    write_honour_template,
)

REGISTER_EXPORT = ListExport("modelworkers.register", _lazy("Register of model workers"), (
    column("姓名", "worker.name"), column("身份证号", "worker.id_number_masked"),
    column("荣誉", lambda h: KIND_LABELS.get(h.kind, h.kind)),
    column("级别", lambda h: LEVEL_LABELS.get(h.level, h.level)), column("年度", "year"),
    column("授予机关", "issuer"), column("备注", "note"), column(_lazy("Union"), "worker.org.name"),
))  # fmt: skip


def _cities():
    return Org.objects.filter(kind=Org.Kind.CITY).order_by("code")


def _filtered_register(request):
    rows = queries.visible_register(request.user)
    chosen = {key: request.GET.get(key, "").strip() for key in ("level", "year", "city")}
    if chosen["level"] in HonourLevel.values:
        rows = rows.filter(level=chosen["level"])
    if chosen["year"].isdigit():
        rows = rows.filter(year=int(chosen["year"]))
    city = _cities().filter(code=chosen["city"]).first() if chosen["city"] else None
    if city is not None:
        rows = rows.filter(within(city.path, "worker__org__path"))
    return rows, chosen


@requires(Perm.VIEW_BUSINESS)
def register_view(request):
    rows, chosen = _filtered_register(request)
    page = queries.REGISTER_LIST.page(rows, request.GET)
    return render(request, "modelworkers/register.html", {
        "page": page, "query": page.query, "chosen": chosen, "levels": HonourLevel.choices,
        "cities": _cities(), "may_import": services.may_manage(request.user, request.user.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def register_export_view(request):
    rows, chosen = _filtered_register(request)
    rows = queries.REGISTER_LIST.ordered(rows, request.GET.get("sort"))
    return REGISTER_EXPORT.download(request, rows, {k: v for k, v in chosen.items() if v})


@requires(Perm.VIEW_BUSINESS)
def honours_import_view(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": HONOUR_SHEET.columns}
    if request.method == "POST":
        org = request.user.org
        if org is None or not services.may_manage(request.user, org):
            deny(request.user, "modelworkers.honours.import", request.path)
        context |= imported_context(
            request, form, lambda upload, **how: import_honours(org, upload, by=request.user, **how)
        )  # fmt: skip
    return render(request, "modelworkers/honours_import.html", context)


@requires(Perm.VIEW_BUSINESS)
@require_GET
def honours_template_view(request):
    return template_response(write_honour_template, filename="劳模荣誉导入模板.xlsx")


@requires(Perm.VIEW_BUSINESS)
@require_GET
def honours_import_errors_view(request, import_token: str):
    return owned_error_sheet(
        request, import_token, filename="劳模荣誉导入错误.xlsx", what="honours import error sheet"
    )


# ---- collectives (先进集体) ---------------------------------------------------------------


@requires(Perm.VIEW_BUSINESS)
def collective_list_view(request):
    form = forms.CollectiveForm(request.POST or None)
    collective = saved(
        request, form,
        lambda: services.add_collective(request.user.org, by=request.user, **form.cleaned_data),
        _("The collective has been registered."),
    )  # fmt: skip
    if collective is not None:
        return redirect("modelworkers:collective", mw_collective_id=collective.pk)
    page = queries.COLLECTIVE_LIST.page(queries.visible_collectives(request.user), request.GET)
    return render(request, "modelworkers/collective_list.html", {
        "page": page, "query": page.query, "form": form,
        "may_add": services.may_manage(request.user, request.user.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def collective_detail_view(request, mw_collective_id: int):
    collective = queries.get_collective_for(request.user, mw_collective_id)
    form = forms.CollectiveHonourForm(request.POST or None)
    if request.method == "POST":
        collective = queries.get_collective_for(request.user, mw_collective_id, write=True)
        honour = saved(
            request, form,
            lambda: services.add_collective_honour(collective, by=request.user,
                                                   **form.cleaned_data),
            _("The honour has been recorded."),
        )  # fmt: skip
        if honour is not None:
            return redirect("modelworkers:collective", mw_collective_id=collective.pk)
    return render(request, "modelworkers/collective_detail.html", {
        "collective": collective, "honours": collective.honours.all(), "form": form,
        "may_change": services.may_manage(request.user, collective.org),
    })  # fmt: skip
