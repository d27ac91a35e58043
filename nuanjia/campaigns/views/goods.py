"""Goods pages: the subtree's stock (per union and item, each figure drillable to its moves,
Excel export), the item catalogue, donations received, goods sent down, and purchases through
the ledger (the approvers' queue, a purchase's page with its history and step buttons)."""

from __future__ import annotations

from django import forms as django_forms
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_POST

from nuanjia.core.errors import RuleViolation
from nuanjia.core.flash import saved
from nuanjia.core.listexport import CSV_ABOVE_ROWS, ListExport, column
from nuanjia.core.money import yuan_to_fen
from nuanjia.core.workflow_pages import StepPage, offered_pages, run_step_button, step_pages
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.queries import visible_orgs
from nuanjia.orgs.rules import Perm

from .. import forms_goods as forms
from .. import queries, queries_goods, services
from ..rules import CampaignStatus, PurchaseStatus, PurchaseStep
from ..workflow import PURCHASE_FLOW

PAGE_SIZE = 50


def _query_string(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _form_choices(request) -> dict:
    """The unions and campaigns a goods form offers: the viewer's subtree, open campaigns."""
    return {
        "orgs": visible_orgs(request.user).filter(is_active=True).order_by("path"),
        "campaigns": queries.visible_campaigns(request.user).exclude(status=CampaignStatus.CLOSED),
    }


# ---- stock ---------------------------------------------------------------------------------

STOCK_EXPORT = ListExport("campaigns.stock", _lazy("Goods stock"), (
    column(_lazy("Union"), "org.name"), column(_lazy("Item"), "item.name"),
    column(pgettext_lazy("goods", "Unit"), "item.unit"), column(_lazy("Received"), "received"),
    column(_lazy("Sent down"), "allocated_down"), column(_lazy("Handed out"), "handed_out"),
    column(_lazy("Remaining"), "remaining"),
), limit=CSV_ABOVE_ROWS)  # fmt: skip


def _filtered_stocks(request):
    stocks = queries_goods.visible_stocks(request.user)
    item = request.GET.get("item", "")
    if item.isdigit():
        stocks = stocks.filter(item_id=int(item))
    return stocks, {"item": item}


@requires(Perm.VIEW_BUSINESS)
def stock_list_view(request):
    """The subtree's stock per union and item; per item, the subtree's totals."""
    stocks, filters = _filtered_stocks(request)
    page = Paginator(stocks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/goods/stock_list.html",
        {
            "page": page,
            "totals": queries_goods.stock_totals(stocks),
            "items": forms.GoodsItem.objects.all(),
            "item": filters["item"],
            "query": _query_string(request),
            "may_record": services.may_act_for(request.user, request.user.org),
        },
    )


@requires(Perm.VIEW_BUSINESS)
def stock_export_view(request):
    stocks, filters = _filtered_stocks(request)
    return STOCK_EXPORT.download(request, stocks, filters)


@requires(Perm.VIEW_BUSINESS)
def stock_moves_view(request, stock_id: int):
    """The moves of one union's stock of an item; `?figure=` keeps those adding up to it."""
    stock = queries_goods.get_stock_for(request.user, stock_id)
    figure = request.GET.get("figure", "")
    moves = queries_goods.stock_moves(stock, figure)
    page = Paginator(moves, PAGE_SIZE).get_page(request.GET.get("page"))
    total = sum(moves.values_list("quantity", flat=True))
    return render(
        request,
        "campaigns/goods/stock_moves.html",
        {
            "stock": stock,
            "page": page,
            "figure": figure if figure in queries_goods.FIGURE_KINDS else "",
            "total": -total if figure == "handed_out" or figure == "allocated_down" else total,
            "query": _query_string(request),
        },
    )


# ---- catalogue, donations, sending down ----------------------------------------------------


@requires(Perm.VIEW_BUSINESS)
def item_list_view(request):
    """The province-wide catalogue of items; a caseworker or approver adds one."""
    form = forms.ItemForm(request.POST or None)
    item = saved(
        request,
        form,
        lambda: services.add_item(
            form.cleaned_data["name"], form.cleaned_data["unit"], by=request.user
        ),
        _("The item has been added to the catalogue."),
    )
    if item is not None:
        return redirect("campaigns:goods_items")
    return render(
        request,
        "campaigns/goods/item_list.html",
        {
            "items": forms.GoodsItem.objects.all(),
            "form": form,
            "may_add": services.may_act_for(request.user, request.user.org),
        },
    )


def _stock_form_page(request, form, save, message: str, title: str):
    done = saved(request, form, save, message)
    if done is not None:
        return redirect("campaigns:stock")
    return render(request, "campaigns/goods/stock_form.html", {"form": form, "title": title})


@requires(Perm.VIEW_BUSINESS)
def donation_new_view(request):
    form = forms.DonationForm(
        request.POST or None, **_form_choices(request), initial={"org": request.user.org}
    )
    return _stock_form_page(
        request,
        form,
        lambda: services.receive_donation(
            form.cleaned_data["org"],
            form.cleaned_data["item"],
            form.cleaned_data["quantity"],
            source=form.cleaned_data["source"],
            campaign=form.cleaned_data["campaign"],
            by=request.user,
        ),
        _("The donated goods have been received into stock."),
        _("Receive donated goods"),
    )


@requires(Perm.VIEW_BUSINESS)
def allocate_view(request):
    choices = _form_choices(request)
    own = request.user.org
    children = choices["orgs"].filter(parent__in=choices["orgs"]) if own else Org.objects.none()
    form = forms.AllocateForm(
        request.POST or None, **choices, children=children, initial={"org": own}
    )
    return _stock_form_page(
        request,
        form,
        lambda: services.allocate_stock(
            form.cleaned_data["org"],
            form.cleaned_data["to_org"],
            form.cleaned_data["item"],
            form.cleaned_data["quantity"],
            campaign=form.cleaned_data["campaign"],
            by=request.user,
        ),
        _("The goods have been sent to the union below."),
        _("Send goods to a union below"),
    )


# ---- purchases -----------------------------------------------------------------------------


@requires(Perm.VIEW_BUSINESS)
def purchase_list_view(request):
    """The subtree's purchases by status (proposed: the approvers' queue)."""
    purchases = queries_goods.visible_purchases(request.user)
    form = forms.PurchaseFilterForm(request.GET or None)
    status = request.GET.get("status", "")
    if status in PurchaseStatus.values:
        purchases = purchases.filter(status=status)
    page = Paginator(purchases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/goods/purchase_list.html",
        {
            "page": page,
            "form": form,
            "query": _query_string(request),
            "may_propose": services.may_act_for(
                request.user, request.user.org, services.goods.PROPOSER_ROLES
            ),
        },
    )


@requires(Perm.VIEW_BUSINESS)
def purchase_new_view(request):
    form = forms.PurchaseForm(
        request.POST or None, **_form_choices(request), initial={"org": request.user.org}
    )

    def propose():
        data = form.cleaned_data
        try:
            return services.propose_purchase(
                data["org"],
                data["item"],
                data["quantity"],
                yuan_to_fen(data["amount_yuan"]),
                data["earmark"],
                data["supplier"],
                campaign=data["campaign"],
                by=request.user,
            )
        except RuleViolation as error:  # the service names the 分 field; the form asks 元
            if error.field != "amount_fen":
                raise
            raise RuleViolation(error.message, field="amount_yuan", code=error.code) from error

    purchase = saved(request, form, propose, _("The purchase has been proposed for approval."))
    if purchase is not None:
        return redirect("campaigns:purchase", purchase_id=purchase.pk)
    return render(
        request,
        "campaigns/goods/stock_form.html",
        {"form": form, "title": _("Propose a goods purchase")},
    )


PURCHASE_STEPS = step_pages(
    [
        StepPage(PURCHASE_FLOW, PurchaseStep.APPROVE, django_forms.Form),
        StepPage(PURCHASE_FLOW, PurchaseStep.CANCEL, forms.WithdrawForm, is_danger=True),
    ]
)


@requires(Perm.VIEW_BUSINESS)
def purchase_detail_view(request, purchase_id: int):
    purchase = queries_goods.get_purchase_for(request.user, purchase_id)
    events = [
        {"event": event, "label": services.PURCHASE_ACTIONS.get(event.action, event.action)}
        for event in purchase.events.select_related("by")
    ]
    return render(
        request,
        "campaigns/goods/purchase_detail.html",
        {
            "purchase": purchase,
            "events": events,
            "steps": offered_pages(PURCHASE_STEPS, purchase, request.user),
        },
    )


def _purchase_step(request, purchase_id: int, step: str):
    purchase = queries_goods.get_purchase_for(request.user, purchase_id, write=True)
    return run_step_button(
        request,
        PURCHASE_STEPS[step],
        purchase,
        back=lambda: redirect("campaigns:purchase", purchase_id=purchase.pk),
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def purchase_approve_view(request, purchase_id: int):
    return _purchase_step(request, purchase_id, PurchaseStep.APPROVE)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def purchase_cancel_view(request, purchase_id: int):
    return _purchase_step(request, purchase_id, PurchaseStep.CANCEL)
