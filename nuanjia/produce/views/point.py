"""The collection point's page (/p/produce/orders/): the orders to collect there, found by
the order number or the member's last 4 digits; the point records the member price taken in
cash or by its own payment code, then the collection."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from nuanjia.core.errors import RuleViolation
from nuanjia.core.sealed_phones import last4_lookup
from nuanjia.members.auth import partner_page
from nuanjia.members.models import Partner

from .. import queries, services
from ..rules import BagOrderStatus, PayMethod


def _point_user(request):
    user = request.partner_user
    if user.partner.kind != Partner.Kind.COLLECTION_POINT:
        raise Http404
    return user


def _post(request, user) -> str:
    pk = request.POST.get("order", "")
    order = queries.point_orders(user.partner).filter(pk=int(pk) if pk.isdigit() else 0).first()
    if order is None:
        raise RuleViolation(_("This order is not collected here."), field="order")
    if request.POST.get("action") == "collect":
        services.collect_bag(order, user=user)
        return _("Collected.")
    services.record_point_payment(
        order, user=user, method=request.POST.get("method", ""),
        reference=request.POST.get("reference", ""),
    )  # fmt: skip
    return _("Payment recorded.")


@partner_page
def point_orders_view(request):
    user = _point_user(request)
    if request.method == "POST":
        try:
            messages.success(request, _post(request, user))
        except RuleViolation as error:
            messages.error(request, error.message)
        return redirect("produce:point_orders")
    orders = queries.point_orders(user.partner).filter(
        status__in=[BagOrderStatus.ORDERED, BagOrderStatus.PAID]
    )
    last4 = request.GET.get("last4", "").strip()
    if last4:
        orders = orders.filter(last4_lookup("member__phone", last4))
    return render(request, "produce/point_orders.html", {
        "partner": user.partner, "orders": orders.order_by("created_at")[:100], "last4": last4,
        "methods": [(PayMethod.CASH, PayMethod.CASH.label), (PayMethod.POINT_CODE, PayMethod.POINT_CODE.label)],
    })  # fmt: skip
