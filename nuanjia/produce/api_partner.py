"""The collection point in the partner API (/api/v1/partner/produce/), with a partner token:
the gift bag orders waiting at the point (found by the member's last 4 digits), the member
price taken in cash or by the point's own payment code, and the collection — the services
the /p/produce/orders/ page calls. A point sees and changes only orders collected there."""

from __future__ import annotations

import datetime

from django.http import Http404
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from nuanjia.core.pagination import Pages
from nuanjia.core.sealed_phones import last4_lookup
from nuanjia.core.workflow_api import ERROR_RESPONSES
from nuanjia.members.auth import PartnerTokenAuth
from nuanjia.members.models import Partner

from . import queries, services
from .models import BagOrder
from .rules import BagOrderStatus

partner_router = Router(tags=["partner"], auth=PartnerTokenAuth())
WAITING = [BagOrderStatus.ORDERED, BagOrderStatus.PAID]


class ProducePointOrderOut(Schema):
    id: int
    number: str
    bag: str = Field(alias="bag.name")
    grams: int
    member_price_fen: int = Field(alias="bag.member_price_fen")
    member_phone: str = Field(alias="member.phone_masked")
    status: str
    pay_method: str
    paid_fen: int
    payment_reference: str
    created_at: datetime.datetime
    paid_at: datetime.datetime | None
    collected_at: datetime.datetime | None

    @staticmethod
    def resolve_number(order: BagOrder) -> str:
        return str(order)


class ProducePointPaymentIn(Schema):
    method: str = Field(
        ..., max_length=12, description="cash, or point_code: the point's own payment code"
    )
    reference: str = Field("", max_length=64, description="the payment's reference, if any")


def _point_user(request):
    """The signed-in person of a collection point (any other partner: 404, as the page)."""
    user = request.partner_user
    if user.partner.kind != Partner.Kind.COLLECTION_POINT:
        raise Http404
    return user


def _order(user, bag_order_id: int) -> BagOrder:
    order = queries.point_orders(user.partner).filter(pk=bag_order_id).first()
    if order is None:
        raise Http404
    return order


def _fresh(order: BagOrder) -> BagOrder:
    return queries.point_orders(order.point).get(pk=order.pk)


@partner_router.get(
    "/orders",
    response=list[ProducePointOrderOut],
    summary="Gift bag orders waiting at my collection point",
)
@paginate(Pages, page_size=100)
def point_order_list(request, last4: str = ""):
    """`last4`: the member's phone's last 4 digits."""
    user = _point_user(request)
    orders = queries.point_orders(user.partner).filter(status__in=WAITING)
    last4 = last4.strip()
    if last4:
        orders = orders.filter(last4_lookup("member__phone", last4))
    return orders.order_by("created_at", "pk")


@partner_router.get(
    "/orders/{bag_order_id}",
    response={200: ProducePointOrderOut, **ERROR_RESPONSES},
    summary="One gift bag order collected at my point",
)
def point_order_detail(request, bag_order_id: int):
    return _order(_point_user(request), bag_order_id)


@partner_router.post(
    "/orders/{bag_order_id}/payment",
    response={200: ProducePointOrderOut, **ERROR_RESPONSES},
    summary="Record the member price taken in cash or by the point's payment code",
)
def point_order_payment(request, bag_order_id: int, payload: ProducePointPaymentIn):
    user = _point_user(request)
    order = _order(user, bag_order_id)
    services.record_point_payment(
        order, user=user, method=payload.method, reference=payload.reference
    )
    return _fresh(order)


@partner_router.post(
    "/orders/{bag_order_id}/collect",
    response={200: ProducePointOrderOut, **ERROR_RESPONSES},
    summary="Record that the member collected the paid bag",
)
def point_order_collect(request, bag_order_id: int):
    user = _point_user(request)
    order = _order(user, bag_order_id)
    services.collect_bag(order, user=user)
    return _fresh(order)
