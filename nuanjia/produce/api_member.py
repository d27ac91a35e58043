"""1元 gift bags in the member API (/api/v1/me/produce/), with a member token: the open bags
of the member's union with their collection points, ordering one, the member's own orders
and the state of each, cancelling before paying and paying online — the services the
/m/produce/bags/ page calls. Every id is looked up among the member's own bags or orders."""

from __future__ import annotations

import datetime

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from nuanjia.core.errors import RuleViolation
from nuanjia.core.workflow_api import ERROR_RESPONSES
from nuanjia.members.auth import MemberTokenAuth

from . import payments, queries, services
from .models import BagOrder, GiftBag
from .rules import BagOrderStatus

router = Router(tags=["me"], auth=MemberTokenAuth())


class ProduceMyPointOut(Schema):
    id: int
    name: str


class ProduceMyBagOut(Schema):
    id: int
    name: str
    union: str = Field(alias="org.name")
    grams: int
    member_price_fen: int
    points: list[ProduceMyPointOut]

    @staticmethod
    def resolve_points(bag: GiftBag) -> list:
        return [point for point in bag.points.all() if point.is_active]


class ProduceMyOrderOut(Schema):
    id: int
    number: str
    bag: str = Field(alias="bag.name")
    point: str = Field(alias="point.name")
    grams: int
    member_price_fen: int = Field(alias="bag.member_price_fen")
    status: str
    status_label: str
    pay_method: str
    paid_fen: int
    created_at: datetime.datetime
    paid_at: datetime.datetime | None
    collected_at: datetime.datetime | None
    may_cancel: bool
    may_pay_online: bool

    @staticmethod
    def resolve_number(order: BagOrder) -> str:
        return str(order)

    @staticmethod
    def resolve_status_label(order: BagOrder) -> str:
        return str(order.get_status_display())

    @staticmethod
    def resolve_may_cancel(order: BagOrder) -> bool:
        return order.status == BagOrderStatus.ORDERED

    @staticmethod
    def resolve_may_pay_online(order: BagOrder) -> bool:
        return order.status == BagOrderStatus.ORDERED and payments.adapter() is not None


class ProduceMyOrderIn(Schema):
    point_id: int = Field(..., description="one of the bag's collection points")


def _my_order(request, bag_order_id: int) -> BagOrder:
    order = queries.member_orders(request.member).filter(pk=bag_order_id).first()
    if order is None:
        raise Http404
    return order


def _fresh(request, order: BagOrder) -> BagOrder:
    return queries.member_orders(request.member).get(pk=order.pk)


@router.get("/bags", response=list[ProduceMyBagOut], summary="Gift bags offered to me")
def my_bag_list(request):
    """Open bags of my union or a union above it that I have no live order of."""
    member = request.member
    live = set(
        queries.member_orders(member)
        .exclude(status=BagOrderStatus.CANCELLED)
        .values_list("bag_id", flat=True)
    )
    bags = queries.bags_for_member(member).select_related("org").order_by("name", "pk")
    return [bag for bag in bags if bag.pk not in live]


@router.post(
    "/bags/{bag_id}/order",
    response={201: ProduceMyOrderOut, **ERROR_RESPONSES},
    summary="Order a gift bag, to pay for and collect at one of its points",
)
def my_bag_order(request, bag_id: int, payload: ProduceMyOrderIn):
    member = request.member
    bag = queries.bags_for_member(member).filter(pk=bag_id).first()
    if bag is None:
        raise Http404
    point = bag.points.filter(pk=payload.point_id).first()
    if point is None:
        raise RuleViolation(_("Choose one of the bag's collection points."), field="point_id")
    order = services.member_order_bag(member, bag, point)
    return Status(201, _fresh(request, order))


@router.get("/orders", response=list[ProduceMyOrderOut], summary="My gift bag orders")
def my_order_list(request):
    return queries.member_orders(request.member).order_by("-created_at", "-pk")[:200]


@router.get(
    "/orders/{bag_order_id}",
    response={200: ProduceMyOrderOut, **ERROR_RESPONSES},
    summary="One of my gift bag orders and its state",
)
def my_order_detail(request, bag_order_id: int):
    return _my_order(request, bag_order_id)


@router.post(
    "/orders/{bag_order_id}/cancel",
    response={200: ProduceMyOrderOut, **ERROR_RESPONSES},
    summary="Cancel my order before it is paid",
)
def my_order_cancel(request, bag_order_id: int):
    order = _my_order(request, bag_order_id)
    services.cancel_bag_order(order, request.member)
    return _fresh(request, order)


@router.post(
    "/orders/{bag_order_id}/pay",
    response={200: ProduceMyOrderOut, **ERROR_RESPONSES},
    summary="Pay the member price online (when the union has a payment provider)",
)
def my_order_pay(request, bag_order_id: int):
    order = _my_order(request, bag_order_id)
    services.pay_online(order, request.member)
    return _fresh(request, order)
