"""The member's 1元 gift bags on the phone (/m/produce/bags/): the open bags of their union
with a collection point to choose, their orders with the state of each, cancel before paying,
pay online when the union has a payment provider. No ids of other members in its address:
what it changes is looked up among the member's own."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from nuanjia.core.errors import RuleViolation
from nuanjia.members.auth import member_page

from .. import payments, queries, services
from ..rules import BagOrderStatus


def _int(request, key: str) -> int:
    value = request.POST.get(key, "")
    return int(value) if value.isdigit() else 0


def _post(request) -> str:
    member = request.member
    action = request.POST.get("action", "")
    if action in ("cancel", "pay"):
        order = queries.member_orders(member).filter(pk=_int(request, "order")).first()
        if order is None:
            raise RuleViolation(_("This is not your order."), field="order")
        if action == "cancel":
            services.cancel_bag_order(order, member)
            return _("Your order has been cancelled.")
        services.pay_online(order, member)
        return _("Paid. Collect your bag at the point.")
    bag = queries.bags_for_member(member).filter(pk=_int(request, "bag")).first()
    if bag is None:
        raise RuleViolation(_("Choose one of the gift bags offered to you."), field="bag")
    point = bag.points.filter(pk=_int(request, "point")).first()
    if point is None:
        raise RuleViolation(_("Choose one of the bag's collection points."), field="point")
    services.member_order_bag(member, bag, point)
    return _("Ordered. Pay the member price and collect your bag at the point.")


@member_page
def my_bags_view(request):
    member = request.member
    if request.method == "POST":
        try:
            messages.success(request, _post(request))
        except RuleViolation as error:
            messages.error(request, error.message)
        return redirect("produce:my_bags")
    orders = queries.member_orders(member).order_by("-created_at")
    live = {order.bag_id for order in orders if order.status != BagOrderStatus.CANCELLED}
    return render(request, "produce/my_bags.html", {
        "bound": member.worker_id is not None,
        "bags": [bag for bag in queries.bags_for_member(member) if bag.pk not in live],
        "orders": orders,
        "online": payments.adapter() is not None,
    })  # fmt: skip
