"""Buy-to-help order pages: the list in scope by status (the queues), drawing one up, an
order's page with its lines, where its goods went, its history and its step buttons, and the
union's approval limit."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nuanjia.core.errors import RuleViolation
from nuanjia.core.flash import saved
from nuanjia.core.money import format_yuan
from nuanjia.core.workflow_pages import StepPage, offered_pages, run_step_button, step_pages
from nuanjia.hardship.queries import get_file_for
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.queries import visible_orgs
from nuanjia.orgs.rules import Perm

from .. import forms, queries, services
from ..models import Product
from ..rules import ARRIVED, OrderStatus, OrderStep
from ..workflow import ORDER_FLOW
from .common import PAGE_SIZE, fen, grams, query_string


@requires(Perm.VIEW_BUSINESS)
def order_list_view(request):
    orders = queries.visible_orders(request.user)
    statuses = [s for s in request.GET.getlist("status") if s in OrderStatus.values]
    if statuses:
        orders = orders.filter(status__in=statuses)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "produce/order_list.html", {
        "page": page, "statuses": OrderStatus.choices, "chosen": statuses,
        "query": query_string(request), "limit_fen": services.order_limit(request.user.org),
    })  # fmt: skip


def _products(request):
    producers = queries.visible_producers(request.user).filter(is_active=True)
    return (
        Product.objects.filter(producer__in=producers, is_active=True)
        .select_related("producer")
        .order_by("producer__name", "name")
    )


@requires(Perm.VIEW_BUSINESS)
def order_new_view(request):
    products = list(_products(request))
    by_pk = {str(p.pk): p for p in products}
    form = forms.OrderForm(
        request.POST or None, orgs=visible_orgs(request.user).filter(is_active=True),
        products=products, initial={"org": request.user.org},
    )  # fmt: skip

    def create():
        data = form.cleaned_data
        producer = next(
            (p.producer for p in products if str(p.producer_id) == data["producer"]), None
        )
        if producer is None:
            raise RuleViolation(_("Choose a producer."), field="producer")
        lines = [
            (by_pk[data[f"product_{n}"]], data[f"units_{n}"])
            for n in range(1, forms.LINES + 1)
            if data.get(f"product_{n}") and data.get(f"units_{n}")
        ]
        return services.create_order(
            data["org"], producer, data["earmark"], lines, by=request.user,
            ordered_on=data["ordered_on"], note=data["note"],
        )  # fmt: skip

    order = saved(request, form, create, _("The order has been drawn up."))
    if order is not None:
        return redirect("produce:order", help_order_id=order.pk)
    return render(request, "produce/form.html", {"form": form, "title": _("New buy-to-help order")})


ORDER_STEPS = step_pages(
    [
        StepPage(ORDER_FLOW, OrderStep.SUBMIT, forms.NoteForm),
        StepPage(ORDER_FLOW, OrderStep.APPROVE, forms.NoteForm),
        StepPage(ORDER_FLOW, OrderStep.DELIVER, forms.NoteForm),
        StepPage(ORDER_FLOW, OrderStep.RECEIVE, forms.NoteForm),
        StepPage(ORDER_FLOW, OrderStep.CANCEL, forms.ReasonForm, is_danger=True),
    ]
)


@requires(Perm.VIEW_BUSINESS)
def order_detail_view(request, help_order_id: int):
    order = queries.get_order_for(request.user, help_order_id)
    events = [
        {"event": event, "label": services.ORDER_ACTIONS.get(event.action, event.action)}
        for event in order.events.select_related("by")
    ]
    return render(request, "produce/order_detail.html", {
        "order": order, "lines": order.lines.select_related("product"),
        "destinations": order.destinations.select_related("hardship_file"),
        "events": events, "steps": offered_pages(ORDER_STEPS, order, request.user),
        "limit_fen": services.order_limit(order.org),
        "destination_form": forms.DestinationForm() if order.status in ARRIVED else None,
    })  # fmt: skip


def order_step_view(step: str):
    """The view of one step's button on the order's page (one URL per step)."""

    @requires(Perm.VIEW_BUSINESS)
    @require_POST
    def view(request, help_order_id: int):
        order = queries.get_order_for(request.user, help_order_id, write=True)
        return run_step_button(
            request, ORDER_STEPS[step], order,
            back=lambda: redirect("produce:order", help_order_id=order.pk),
        )  # fmt: skip

    view.__name__ = f"order_{step}_view"
    return view


@requires(Perm.VIEW_BUSINESS)
@require_POST
def order_destination_view(request, help_order_id: int):
    order = queries.get_order_for(request.user, help_order_id, write=True)
    form = forms.DestinationForm(request.POST)
    if not form.is_valid():
        for name, errors in form.errors.items():
            messages.error(
                request,
                f"{form.fields[name].label if name in form.fields else ''}: {' '.join(str(error) for error in errors)}",
            )
        return redirect("produce:order", help_order_id=order.pk)
    data = form.cleaned_data
    try:
        family = (
            get_file_for(request.user, data["hardship_file"]) if data["hardship_file"] else None
        )
        services.record_destination(
            order, data["kind"], grams(data["jin"], "jin"), by=request.user,
            sales_fen=fen(data["sales_yuan"], "sales_yuan"), hardship_file=family,
            source_type=data["source_type"], source_id=data["source_id"], label=data["label"],
            on=data["on"],
        )  # fmt: skip
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Where the goods went has been recorded."))
    return redirect("produce:order", help_order_id=order.pk)


@requires(Perm.VIEW_BUSINESS)
def limit_view(request):
    """The signed-in union's approval limit: above it an order needs another approver."""
    org = request.user.org
    form = forms.LimitForm(request.POST or None)
    row = saved(
        request, form,
        lambda: services.set_order_limit(org, fen(form.cleaned_data["limit_yuan"], "limit_yuan"),
                                         by=request.user),
        lambda row: _("The limit is now %(limit)s yuan.") % {"limit": format_yuan(row.limit_fen)},
    )  # fmt: skip
    if row is not None:
        return redirect("produce:limit")
    return render(request, "produce/limit.html", {
        "form": form, "org": org, "limit_fen": services.order_limit(org),
    })  # fmt: skip
