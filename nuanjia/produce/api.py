"""Consumption help in the API (/api/v1/produce/): producers in scope and registering one
with its products; buy-to-help orders drawn up, moved through their steps (one POST per step)
and where their goods went; gift bags; the figures by city, buying union, county and month."""

import datetime
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.core.errors import RuleViolation
from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import ErrorOut, EventOut, OneOf
from nuanjia.core.workflow_api import ERROR_RESPONSES, add_step_operations
from nuanjia.funds.models import Earmark
from nuanjia.hardship.queries import get_file_for
from nuanjia.orgs.permissions import check_permission
from nuanjia.orgs.queries import get_org_by_code_for
from nuanjia.orgs.rules import Perm

from . import figures, queries, services
from .models import GiftBag, HelpOrder, Producer, Product
from .rules import Destination, FigureBy, OrderStatus, OrderStep, ProducerKind, Unit
from .services.giftbags import MAX_BAGS
from .workflow import ORDER_FLOW

router = Router(tags=["produce"])


def _guard(request) -> None:
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)


class ProduceProductOut(Schema):
    id: int
    name: str
    unit: str
    grams: int
    price_fen: int


class ProduceProducerOut(Schema):
    id: int
    name: str
    kind: str
    region_code: str
    helping_unit: str
    contact_name: str
    phone_masked: str
    account_masked: str
    org: str = Field(alias="org.code")


class ProduceProducerDetailOut(ProduceProducerOut):
    poverty_county: bool
    products: list[ProduceProductOut]

    @staticmethod
    def resolve_poverty_county(producer: Producer) -> bool:
        return services.is_poverty_county(producer.region_code)

    @staticmethod
    def resolve_products(producer: Producer) -> list[Product]:
        return list(producer.products.all())


class ProduceProducerIn(Schema):
    name: str = Field(..., max_length=100)
    kind: Annotated[str, OneOf(ProducerKind)]
    region_code: str = Field(..., max_length=6)
    helping_unit: str = Field("", max_length=100)
    contact_name: str = Field("", max_length=50)
    phone: str = Field("", max_length=20)
    payee_name: str = Field("", max_length=100)
    bank_name: str = Field("", max_length=100)
    bank_account: str = Field("", max_length=40)


class ProduceProductIn(Schema):
    name: str = Field(..., max_length=100)
    unit: Annotated[str, OneOf(Unit)]
    grams: int | None = Field(None, ge=1, le=1_000_000, description="only for a box or bag")
    price_fen: int = Field(..., ge=0, le=10**12)


@router.get("/producers", response=list[ProduceProducerOut], summary="Producers in scope")
@paginate(Pages, page_size=100)
def producer_list(request, county: str | None = None):
    _guard(request)
    producers = queries.visible_producers(request.user).select_related("org")
    return producers.filter(region_code=county) if county else producers


@router.post(
    "/producers",
    response={201: ProduceProducerDetailOut, **ERROR_RESPONSES},
    summary="Register a producer for the caller's union",
)
def producer_create(request, payload: ProduceProducerIn):
    _guard(request)
    producer = services.register_producer(request.user.org, by=request.user, **payload.dict())
    return Status(201, producer)


@router.get(
    "/producers/{producer_id}",
    response={200: ProduceProducerDetailOut, 404: ErrorOut},
    summary="One producer with its products",
)
def producer_detail(request, producer_id: int):
    _guard(request)
    return queries.get_producer_for(request.user, producer_id)


@router.post(
    "/producers/{producer_id}/products",
    response={201: ProduceProductOut, **ERROR_RESPONSES},
    summary="Add a product (unit and price) to a producer",
)
def product_create(request, producer_id: int, payload: ProduceProductIn):
    _guard(request)
    producer = queries.get_producer_for(request.user, producer_id, write=True)
    product = services.add_product(
        producer, payload.name, payload.unit, payload.price_fen, grams=payload.grams,
        by=request.user,
    )  # fmt: skip
    return Status(201, product)


# ---- orders ----------------------------------------------------------------------------------


class ProduceLineOut(Schema):
    product_id: int
    units: int
    price_fen: int
    grams: int
    amount_fen: int


class ProduceDestinationOut(Schema):
    kind: str
    grams: int
    sales_fen: int
    hardship_file_id: int | None
    source_type: str
    source_id: str
    label: str
    on: datetime.date


class ProduceOrderOut(Schema):
    id: int
    number: str
    org: str = Field(alias="org.code")
    producer_id: int
    earmark: str = Field(alias="earmark.code")
    status: str
    ordered_on: datetime.date
    grams: int
    amount_fen: int

    @staticmethod
    def resolve_number(order: HelpOrder) -> str:
        return str(order)


class ProduceOrderDetailOut(ProduceOrderOut):
    lines: list[ProduceLineOut]
    destinations: list[ProduceDestinationOut]
    steps: list[str]
    events: list[EventOut]

    @staticmethod
    def resolve_lines(order: HelpOrder) -> list:
        return list(order.lines.all())

    @staticmethod
    def resolve_destinations(order: HelpOrder) -> list:
        return list(order.destinations.all())

    @staticmethod
    def resolve_events(order: HelpOrder) -> list:
        return list(order.events.select_related("by"))


class ProduceLineIn(Schema):
    product_id: int
    units: int = Field(..., ge=1, le=10_000_000)


class ProduceOrderIn(Schema):
    org: str = Field(..., max_length=32, description="the buying union's code")
    producer_id: int
    earmark: str = Field(..., max_length=32)
    ordered_on: str | None = Field(None, description="YYYY-MM-DD; today when left out")
    lines: list[ProduceLineIn] = Field(..., min_length=1, max_length=50)
    note: str = Field("", max_length=200)


class ProduceDestinationIn(Schema):
    kind: Annotated[str, OneOf(Destination)]
    grams: int = Field(..., ge=1, le=10**12)
    sales_fen: int = Field(0, ge=0, le=10**12)
    hardship_file_id: int | None = None
    source_type: str = Field("", max_length=40)
    source_id: str = Field("", max_length=40)
    label: str = Field("", max_length=100)


def _day(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise RuleViolation(_("Enter a date such as 2026-03-01."), field="ordered_on") from None


def _order(request, order: HelpOrder) -> HelpOrder:
    order.refresh_from_db()
    order.steps = ORDER_FLOW.steps_for(order, request.user)  # type: ignore[attr-defined]
    return order


@router.get("/orders", response=list[ProduceOrderOut], summary="Buy-to-help orders in scope")
@paginate(Pages, page_size=100)
def order_list(request, status: Annotated[str, OneOf(OrderStatus)] | None = None):
    _guard(request)
    orders = queries.visible_orders(request.user)
    return orders.filter(status=status) if status else orders


@router.post(
    "/orders",
    response={201: ProduceOrderDetailOut, **ERROR_RESPONSES},
    summary="Draw up a buy-to-help order (a draft)",
)
def order_create(request, payload: ProduceOrderIn):
    _guard(request)
    org = get_org_by_code_for(request.user, payload.org)
    producer = queries.get_producer_for(request.user, payload.producer_id)
    earmark = Earmark.objects.filter(code=payload.earmark).first()
    if earmark is None:
        raise RuleViolation(_("Unknown earmark."), field="earmark")
    products = {p.pk: p for p in producer.products.all()}
    lines = []
    for number, line in enumerate(payload.lines, start=1):
        if line.product_id not in products:
            raise RuleViolation(
                _("Line %(n)s: the product is not one of this producer's.") % {"n": number},
                field="lines",
            )
        lines.append((products[line.product_id], line.units))
    order = services.create_order(
        org, producer, earmark, lines, by=request.user, ordered_on=_day(payload.ordered_on),
        note=payload.note,
    )  # fmt: skip
    return Status(201, _order(request, order))


@router.get(
    "/orders/{help_order_id}",
    response={200: ProduceOrderDetailOut, 404: ErrorOut},
    summary="One order with its lines, destinations, steps and history",
)
def order_detail(request, help_order_id: int):
    _guard(request)
    return _order(request, queries.get_order_for(request.user, help_order_id))


@router.post(
    "/orders/{help_order_id}/destinations",
    response={201: ProduceOrderDetailOut, **ERROR_RESPONSES},
    summary="Record where some of a received order's goods went",
)
def order_destination(request, help_order_id: int, payload: ProduceDestinationIn):
    _guard(request)
    order = queries.get_order_for(request.user, help_order_id, write=True)
    family = (
        get_file_for(request.user, payload.hardship_file_id) if payload.hardship_file_id else None
    )
    services.record_destination(
        order, payload.kind, payload.grams, by=request.user, sales_fen=payload.sales_fen,
        hardship_file=family, source_type=payload.source_type, source_id=payload.source_id,
        label=payload.label,
    )  # fmt: skip
    return Status(201, _order(request, order))


add_step_operations(
    router,
    ORDER_FLOW,
    path="/orders/{help_order_id}",
    fetch=lambda request, pk: queries.get_order_for(request.user, pk, write=True),
    response=ProduceOrderDetailOut,
    present=_order,
    summaries={
        OrderStep.SUBMIT: "Submit a draft order",
        OrderStep.APPROVE: "Approve an order: its amount is reserved",
        OrderStep.DELIVER: "Record the producer's delivery",
        OrderStep.RECEIVE: "Record the union's receipt",
        OrderStep.CANCEL: "Cancel an order (reason): its reservation is released",
    },
)


# ---- gift bags and figures -------------------------------------------------------------------


class ProduceBagOut(Schema):
    id: int
    name: str
    org: str = Field(alias="org.code")
    producer_id: int
    grams: int
    member_price_fen: int
    subsidy_fen: int
    stock: int
    is_open: bool


@router.get("/bags", response=list[ProduceBagOut], summary="Gift bags in scope")
@paginate(Pages, page_size=100)
def bag_list(request):
    _guard(request)
    return queries.visible_bags(request.user)


class ProduceBagPointOut(Schema):
    id: int
    name: str


class ProduceBagDetailOut(ProduceBagOut):
    earmark: str = Field(alias="earmark.code")
    points: list[ProduceBagPointOut]

    @staticmethod
    def resolve_points(bag: GiftBag) -> list:
        return list(bag.points.order_by("name"))


class ProduceBagIn(Schema):
    org: str = Field(..., max_length=32, description="the union's code")
    producer_id: int
    earmark: str = Field(..., max_length=32)
    name: str = Field(..., max_length=100)
    grams: int = Field(..., ge=1, le=10**9, description="the bag's content in grams")
    member_price_fen: int = Field(..., ge=0, le=10**12)
    subsidy_fen: int = Field(0, ge=0, le=10**12, description="per bag, from the earmark")
    point_ids: list[int] = Field(..., min_length=1, max_length=100)


class ProduceStockIn(Schema):
    bags: int = Field(..., ge=1, le=MAX_BAGS)
    note: str = Field("", max_length=200)


@router.get(
    "/bags/{bag_id}", response={200: ProduceBagDetailOut, 404: ErrorOut}, summary="One gift bag"
)
def bag_detail(request, bag_id: int) -> GiftBag:
    _guard(request)
    return queries.get_bag_for(request.user, bag_id)


@router.post(
    "/bags",
    response={201: ProduceBagDetailOut, **ERROR_RESPONSES},
    summary="Set up a 1 yuan gift bag with its collection points",
)
def bag_create(request, payload: ProduceBagIn):
    _guard(request)
    org = get_org_by_code_for(request.user, payload.org)
    producer = queries.get_producer_for(request.user, payload.producer_id)
    earmark = Earmark.objects.filter(code=payload.earmark).first()
    if earmark is None:
        raise RuleViolation(_("Unknown earmark."), field="earmark")
    points = {p.pk: p for p in queries.collection_points(request.user)}
    if any(pk not in points for pk in payload.point_ids):
        raise RuleViolation(_("Choose one or more active collection points."), field="point_ids")
    bag = services.create_bag(
        org, producer, earmark, name=payload.name, grams=payload.grams,
        member_price_fen=payload.member_price_fen, subsidy_fen=payload.subsidy_fen,
        points=[points[pk] for pk in dict.fromkeys(payload.point_ids)], by=request.user,
    )  # fmt: skip
    return Status(201, bag)


class ProduceBagChangeIn(Schema):
    name: str = Field(..., max_length=100)
    member_price_fen: int = Field(..., ge=0, le=10**12)
    subsidy_fen: int = Field(0, ge=0, le=10**12, description="per bag, for orders from now on")
    point_ids: list[int] = Field(..., min_length=1, max_length=100)
    is_open: bool = Field(True, description="false: closed to new orders")


@router.put(
    "/bags/{bag_id}",
    response={200: ProduceBagDetailOut, **ERROR_RESPONSES},
    summary="Change a gift bag's name, prices, points, or close it to new orders",
)
def bag_change(request, bag_id: int, payload: ProduceBagChangeIn):
    _guard(request)
    bag = queries.get_bag_for(request.user, bag_id, write=True)
    points = {p.pk: p for p in queries.bag_point_choices(request.user, bag)}
    if any(pk not in points for pk in payload.point_ids):
        raise RuleViolation(_("Choose one or more active collection points."), field="point_ids")
    return services.change_bag(
        bag, name=payload.name, member_price_fen=payload.member_price_fen,
        subsidy_fen=payload.subsidy_fen, is_open=payload.is_open,
        points=[points[pk] for pk in dict.fromkeys(payload.point_ids)], by=request.user,
    )  # fmt: skip


@router.post(
    "/bags/{bag_id}/stock",
    response={200: ProduceBagDetailOut, **ERROR_RESPONSES},
    summary="Receive bags into a gift bag's stock",
)
def bag_stock(request, bag_id: int, payload: ProduceStockIn):
    _guard(request)
    bag = queries.get_bag_for(request.user, bag_id, write=True)
    return services.add_bag_stock(bag, payload.bags, note=payload.note, by=request.user)


class ProduceLimitOut(Schema):
    org: str
    limit_fen: int


class ProduceLimitIn(Schema):
    limit_fen: int = Field(..., ge=0, le=10**12, description="0: every order needs a checker")


def _limit(org) -> dict:
    return {"org": org.code, "limit_fen": services.order_limit(org)}


@router.get(
    "/limit", response={200: ProduceLimitOut}, summary="The signed-in union's approval limit"
)
def limit_detail(request):
    _guard(request)
    return _limit(request.user.org)


@router.put(
    "/limit",
    response={200: ProduceLimitOut, **ERROR_RESPONSES},
    summary="Set the union's approval limit: above it another person approves an order",
)
def limit_set(request, payload: ProduceLimitIn):
    _guard(request)
    services.set_order_limit(request.user.org, payload.limit_fen, by=request.user)
    return _limit(request.user.org)


class ProduceFigureOut(Schema):
    city: str | None = None
    org_id: int | None = None
    county: str | None = None
    month: str | None = None
    grams: int
    paid_fen: int
    sales_fen: int
    families: int


@router.get(
    "/figures",
    response={200: list[ProduceFigureOut], **ERROR_RESPONSES},
    summary="斤, 元 paid to producers, 元 of sales and families reached, grouped",
)
def figure_list(request, by: str = "city"):
    """`by`: one or more of city, org, county, month, comma-separated."""
    _guard(request)
    dims = list(dict.fromkeys(part.strip() for part in by.split(",") if part.strip()))
    if not dims or any(dim not in FigureBy.values for dim in dims):
        raise RuleViolation(_("Group by city, org, county or month, comma-separated."), field="by")
    rows = []
    for figure in figures.figures(request.user, dims):
        row = {"grams": figure.grams, "paid_fen": figure.paid_fen,
               "sales_fen": figure.sales_fen, "families": figure.families}  # fmt: skip
        for dim, key in zip(dims, figure.key, strict=True):
            name = "org_id" if dim == "org" else dim
            row[name] = key.strftime("%Y-%m") if dim == "month" else key
        rows.append(row)
    return rows
