"""Producer pages: the list in scope (Excel export), registering one, a producer's page with
its products, the producers' sheet import, and the dated list of 脱贫县."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET

from nuanjia.core.flash import saved
from nuanjia.core.imports import (
    ImportForm,
    imported_context,
    owned_error_sheet,
    template_response,
)
from nuanjia.core.listexport import ListExport, column
from nuanjia.orgs.permissions import deny, requires
from nuanjia.orgs.rules import Perm

from .. import forms, queries, services
from ..imports_producers import PRODUCER_SHEET, import_producers, write_producer_template
from ..models import PovertyCounty
from .common import PAGE_SIZE, fen, query_string

PRODUCER_EXPORT = ListExport("produce.producers", _lazy("Producers"), (
    column("名称", "name"), column("类型", lambda p: p.get_kind_display()),
    column("所在县代码", "region_code"), column("帮扶单位", "helping_unit"),
    column("联系人", "contact_name"), column("联系电话", "phone_masked"),
    column("收款户名", "payee_name"), column("开户行", "bank_name"),
    column("收款账号", "account_masked"), column(_lazy("Registering union"), "org.name"),
))  # fmt: skip


def _filtered(request):
    producers = queries.visible_producers(request.user).select_related("org")
    text = request.GET.get("q", "").strip()[:50]
    if text:
        producers = producers.filter(name__icontains=text)
    county = request.GET.get("county", "").strip()[:6]
    if county:
        producers = producers.filter(region_code=county)
    return producers.order_by("name", "pk"), {"q": text, "county": county}


@requires(Perm.VIEW_BUSINESS)
def producer_list_view(request):
    producers, filters = _filtered(request)
    page = Paginator(producers, PAGE_SIZE).get_page(request.GET.get("page"))
    listed = services.poverty_counties_on()
    return render(request, "produce/producer_list.html", {
        "page": page, "filters": filters, "query": query_string(request), "listed": listed,
        "may_add": services.may_act_for(request.user, request.user.org),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def producer_export_view(request):
    producers, filters = _filtered(request)
    return PRODUCER_EXPORT.download(request, producers, filters)


@requires(Perm.VIEW_BUSINESS)
def producer_new_view(request):
    form = forms.ProducerForm(request.POST or None)
    producer = saved(
        request, form,
        lambda: services.register_producer(request.user.org, by=request.user, **form.cleaned_data),
        _("The producer has been registered."),
    )  # fmt: skip
    if producer is not None:
        return redirect("produce:producer", producer_id=producer.pk)
    return render(request, "produce/form.html", {"form": form, "title": _("Register a producer")})


@requires(Perm.VIEW_BUSINESS)
def producer_detail_view(request, producer_id: int):
    producer = queries.get_producer_for(request.user, producer_id)
    may_change = services.may_act_for(request.user, producer.org)
    form = forms.ProductForm(request.POST or None)
    if request.method == "POST":
        producer = queries.get_producer_for(request.user, producer_id, write=True)
        data = form.cleaned_data if form.is_valid() else {}
        added = saved(
            request, form,
            lambda: services.add_product(
                producer, data["name"], data["unit"], fen(data["price_yuan"], "price_yuan"),
                grams=data.get("grams"), by=request.user,
            ),
            _("The product has been added."),
        )  # fmt: skip
        if added is not None:
            return redirect("produce:producer", producer_id=producer.pk)
    return render(request, "produce/producer_detail.html", {
        "producer": producer, "products": producer.products.all(), "form": form,
        "may_change": may_change, "poverty": services.is_poverty_county(producer.region_code),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def producer_edit_view(request, producer_id: int):
    """Change a producer of the viewer's subtree (the phone and account only when typed)."""
    producer = queries.get_producer_for(request.user, producer_id, write=True)
    initial = {
        "name": producer.name, "kind": producer.kind, "region_code": producer.region_code,
        "helping_unit": producer.helping_unit, "contact_name": producer.contact_name,
        "payee_name": producer.payee_name, "bank_name": producer.bank_name,
    }  # fmt: skip
    form = forms.ProducerForm(request.POST or None, initial=initial)

    def change():
        data = dict(form.cleaned_data)
        if not data["phone"]:  # kept sealed unless a new number is typed
            data["phone"] = producer.phone
        return services.change_producer(producer, by=request.user, **data)

    changed = saved(request, form, change, _("The producer has been changed."))
    if changed is not None:
        return redirect("produce:producer", producer_id=producer.pk)
    return render(request, "produce/form.html", {"form": form, "title": _("Change a producer")})


@requires(Perm.VIEW_BUSINESS)
def producer_import_view(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "columns": PRODUCER_SHEET.columns}
    if request.method == "POST":
        if not services.may_act_for(request.user, request.user.org):
            deny(request.user, "produce.producer.import", request.path)
        context |= imported_context(
            request, form, lambda upload, **how: import_producers(upload, by=request.user, **how)
        )
    return render(request, "produce/producer_import.html", context)


@requires(Perm.VIEW_BUSINESS)
@require_GET
def producer_import_errors_view(request, import_token: str):
    return owned_error_sheet(
        request, import_token, filename="帮扶对象导入错误.xlsx", what="producer import error sheet"
    )


@requires(Perm.VIEW_BUSINESS)
@require_GET
def producer_import_template_view(request):
    return template_response(write_producer_template, filename="帮扶对象导入模板.xlsx")


@requires(Perm.VIEW_BUSINESS)
def county_list_view(request):
    """The dated list of 脱贫县 (province-wide reference data); the province adds rows."""
    form = forms.CountyForm(request.POST or None)
    row = saved(
        request, form,
        lambda: services.list_poverty_county(
            form.cleaned_data["region_code"], form.cleaned_data["name"],
            form.cleaned_data["valid_from"], valid_to=form.cleaned_data["valid_to"],
            note=form.cleaned_data["note"], by=request.user,
        ),
        _("The county has been listed."),
    )  # fmt: skip
    if row is not None:
        return redirect("produce:counties")
    return render(request, "produce/counties.html", {
        "counties": PovertyCounty.objects.all(), "form": form,
        "listed": services.poverty_counties_on(),
    })  # fmt: skip
