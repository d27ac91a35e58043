"""Goods operations of the campaigns API: the item catalogue, stock per union (and the moves
behind it), donations, sending goods down, purchases through the ledger (proposed, approved
by another person, withdrawn) and hand-outs per activity (named or bulk, returned). Every
operation is scoped to the caller's subtree and refuses what the pages refuse. Every path but an
activity's hand-outs starts with /goods/ (a bare /stock would be read as a campaign's id)."""

import datetime
from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from nuanjia.core.errors import RuleViolation
from nuanjia.core.pagination import Pages
from nuanjia.core.schemas import ErrorOut, EventOut, OneOf, OptionalDate
from nuanjia.core.workflow_api import ERROR_RESPONSES, add_step_operations
from nuanjia.orgs.permissions import check_permission, own_org
from nuanjia.orgs.queries import get_org_by_code_for
from nuanjia.orgs.rules import Perm

from . import queries, queries_goods, services
from .models import Campaign, GoodsItem, GoodsPurchase
from .rules import GoodsUnit, PurchaseStatus, PurchaseStep
from .workflow import PURCHASE_FLOW

router = Router(tags=["campaigns"])


class GoodsItemOut(Schema):
    id: int
    name: str
    unit: str
    is_active: bool


class GoodsItemIn(Schema):
    name: str = Field(..., min_length=1, max_length=50)
    unit: Annotated[str, OneOf(GoodsUnit)]


class GoodsStockOut(Schema):
    id: int
    org: str = Field(alias="org.code")
    org_name: str = Field(alias="org.name")
    item_id: int
    item: str = Field(alias="item.name")
    unit: str = Field(alias="item.unit")
    received: int
    allocated_down: int
    handed_out: int
    remaining: int


class GoodsMoveOut(Schema):
    id: int
    kind: str
    quantity: int
    counterpart: str | None = Field(None, alias="counterpart.code")
    purchase_id: int | None
    handout_id: int | None
    campaign_id: int | None
    note: str
    at: datetime.datetime


class GoodsDonationIn(Schema):
    org: str = Field("", description="union code; the caller's union when empty")
    item_id: int
    quantity: int = Field(..., gt=0)
    source: str = Field(..., min_length=1, max_length=100, description="the donor")
    campaign_id: int | None = None


class GoodsAllocationIn(Schema):
    from_org: str = Field("", description="union code; the caller's union when empty")
    to_org: str = Field(..., description="code of a union directly under from_org")
    item_id: int
    quantity: int = Field(..., gt=0)
    campaign_id: int | None = None


class GoodsPurchaseOut(Schema):
    id: int
    number: str
    org: str = Field(alias="org.code")
    campaign_id: int | None
    item_id: int
    item: str = Field(alias="item.name")
    unit: str = Field(alias="item.unit")
    quantity: int
    amount_fen: int
    earmark: str = Field(alias="earmark.code")
    supplier: str
    status: str
    received_on: datetime.date | None
    proposed_by_id: int | None
    approved_by_id: int | None

    @staticmethod
    def resolve_number(purchase: GoodsPurchase) -> str:
        return str(purchase)


class GoodsPurchaseDetailOut(GoodsPurchaseOut):
    steps: list[str]
    events: list[EventOut]

    @staticmethod
    def resolve_events(purchase: GoodsPurchase) -> list:
        return list(purchase.events.select_related("by"))


class GoodsPurchaseIn(Schema):
    org: str = Field("", description="union code; the caller's union when empty")
    item_id: int
    quantity: int = Field(..., gt=0)
    amount_fen: int = Field(..., gt=0, description="in fen (分)")
    earmark: str = Field(..., description="earmark code, e.g. warmth")
    supplier: str = Field(..., min_length=1, max_length=100)
    campaign_id: int | None = None


class GoodsHandoutOut(Schema):
    id: int
    activity_id: int
    org: str = Field(alias="org.code")
    item_id: int
    item: str = Field(alias="item.name")
    unit: str = Field(alias="item.unit")
    quantity: int
    worker_id: int | None
    visit_id: int | None
    recipient_group: str
    people_count: int
    signed_by_name: str
    signed_on: datetime.date | None
    has_signed_list: bool
    returned: bool

    @staticmethod
    def resolve_has_signed_list(handout: Any) -> bool:
        return bool(handout.signed_list)


class GoodsHandoutIn(Schema):
    org: str = Field("", description="union code; the caller's union when empty")
    item_id: int
    quantity: int = Field(..., gt=0)
    worker_id: int | None = Field(None, description="a named worker; empty for a bulk hand-out")
    recipient_group: str = Field("", max_length=100, description="site or team (bulk)")
    people_count: int = Field(1, ge=1, description="people reached (bulk)")
    signed_by_name: str = Field("", max_length=50, description="who signed for it (bulk)")
    signed_on: OptionalDate = None


class GoodsReturnIn(Schema):
    reason: str = Field(..., min_length=1, max_length=200)


def _guard(request) -> None:
    check_permission(request.user, Perm.VIEW_BUSINESS, request.path)


def _org(request, code: str):
    return get_org_by_code_for(request.user, code) if code else own_org(request)


def _item(item_id: int) -> GoodsItem:
    item = GoodsItem.objects.filter(pk=item_id, is_active=True).first()
    if item is None:
        raise RuleViolation(_("Item: choose an item of the catalogue."), field="item_id")
    return item


def _campaign(request, campaign_id: int | None) -> Campaign | None:
    if campaign_id is None:
        return None
    campaign = queries.visible_campaigns(request.user).filter(pk=campaign_id).first()
    if campaign is None:
        raise RuleViolation(_("Campaign: no such campaign in your reach."), field="campaign_id")
    return campaign


@router.get("/goods/items", response=list[GoodsItemOut], summary="The goods item catalogue")
def goods_item_list(request):
    _guard(request)
    return list(GoodsItem.objects.all())


@router.post(
    "/goods/items",
    response={201: GoodsItemOut, **ERROR_RESPONSES},
    summary="Add an item to the catalogue",
)
def goods_item_add(request, payload: GoodsItemIn):
    _guard(request)
    return Status(201, services.add_item(payload.name, payload.unit, by=request.user))


@router.get("/goods/stock", response=list[GoodsStockOut], summary="Goods stock of the subtree")
@paginate(Pages, page_size=100)
def goods_stock_list(request, item_id: int | None = None):
    _guard(request)
    stocks = queries_goods.visible_stocks(request.user)
    return stocks.filter(item_id=item_id) if item_id else stocks


@router.get(
    "/goods/stock/{stock_id}/moves",
    response=list[GoodsMoveOut],
    summary="The moves of one union's stock of an item",
)
@paginate(Pages, page_size=100)
def goods_stock_moves(request, stock_id: int, figure: str = ""):
    """`figure` (received, allocated_down, handed_out) keeps the moves adding up to it."""
    _guard(request)
    return queries_goods.stock_moves(queries_goods.get_stock_for(request.user, stock_id), figure)


@router.post(
    "/goods/donations",
    response={201: GoodsMoveOut, **ERROR_RESPONSES},
    summary="Receive donated goods into a union's stock",
)
def goods_donation(request, payload: GoodsDonationIn):
    _guard(request)
    move = services.receive_donation(
        _org(request, payload.org),
        _item(payload.item_id),
        payload.quantity,
        source=payload.source,
        campaign=_campaign(request, payload.campaign_id),
        by=request.user,
    )
    return Status(201, move)


@router.post(
    "/goods/allocations",
    response={201: GoodsMoveOut, **ERROR_RESPONSES},
    summary="Send goods to a union directly below",
)
def goods_allocation(request, payload: GoodsAllocationIn):
    _guard(request)
    move = services.allocate_stock(
        _org(request, payload.from_org),
        get_org_by_code_for(request.user, payload.to_org),
        _item(payload.item_id),
        payload.quantity,
        campaign=_campaign(request, payload.campaign_id),
        by=request.user,
    )
    return Status(201, move)


def _purchase_detail(request, purchase: GoodsPurchase) -> GoodsPurchase:
    purchase.refresh_from_db()
    purchase.steps = PURCHASE_FLOW.steps_for(purchase, request.user)
    return purchase


@router.get("/goods/purchases", response=list[GoodsPurchaseOut], summary="Goods purchases in scope")
@paginate(Pages, page_size=100)
def goods_purchase_list(request, status: Annotated[str, OneOf(PurchaseStatus)] | None = None):
    _guard(request)
    purchases = queries_goods.visible_purchases(request.user)
    return purchases.filter(status=status) if status else purchases


@router.get(
    "/goods/purchases/{purchase_id}",
    response={200: GoodsPurchaseDetailOut, 404: ErrorOut},
    summary="One goods purchase with its history",
)
def goods_purchase_detail(request, purchase_id: int):
    _guard(request)
    return _purchase_detail(request, queries_goods.get_purchase_for(request.user, purchase_id))


@router.post(
    "/goods/purchases",
    response={201: GoodsPurchaseDetailOut, **ERROR_RESPONSES},
    summary="Propose a goods purchase paid from a union's earmark",
)
def goods_purchase_propose(request, payload: GoodsPurchaseIn):
    from nuanjia.funds.models import Earmark

    _guard(request)
    earmark = Earmark.objects.filter(code=payload.earmark).first()
    if earmark is None:
        raise RuleViolation(_("Earmark: choose an earmark in use."), field="earmark")
    purchase = services.propose_purchase(
        _org(request, payload.org),
        _item(payload.item_id),
        payload.quantity,
        payload.amount_fen,
        earmark,
        payload.supplier,
        campaign=_campaign(request, payload.campaign_id),
        by=request.user,
    )
    return Status(201, _purchase_detail(request, purchase))


add_step_operations(
    router,
    PURCHASE_FLOW,
    path="/goods/purchases/{purchase_id}",
    fetch=lambda request, pk: queries_goods.get_purchase_for(request.user, pk, write=True),
    response=GoodsPurchaseDetailOut,
    present=_purchase_detail,
    summaries={
        PurchaseStep.APPROVE: "Approve a purchase: its money is spent and the goods received",
        PurchaseStep.CANCEL: "Withdraw a proposed purchase (note: the reason)",
    },
)


@router.get(
    "/activities/{activity_id}/handouts",
    response=list[GoodsHandoutOut],
    summary="Goods handed out in an activity",
)
@paginate(Pages, page_size=100)
def goods_handout_list(request, activity_id: int):
    _guard(request)
    activity = queries.get_activity_for(request.user, activity_id)
    filters = queries_goods.HandoutFilters(returned=True)
    return queries_goods.activity_handouts(request.user, activity, filters)


@router.post(
    "/activities/{activity_id}/handouts",
    response={201: GoodsHandoutOut, **ERROR_RESPONSES},
    summary="Hand out goods: to a named worker, or in bulk to a site or team",
)
def goods_handout_create(request, activity_id: int, payload: GoodsHandoutIn):
    """Named: `worker_id`. Bulk: `recipient_group`, `people_count` and the signature record
    (`signed_by_name` and `signed_on`; a photo of the signed list is uploaded on the page)."""
    from nuanjia.people.queries import get_worker_for

    _guard(request)
    activity = queries.get_activity_for(request.user, activity_id, write=True)
    worker = (
        get_worker_for(request.user, payload.worker_id, write=True)
        if payload.worker_id is not None
        else None
    )
    handout = services.hand_out(
        activity,
        _org(request, payload.org),
        _item(payload.item_id),
        payload.quantity,
        worker=worker,
        recipient_group=payload.recipient_group,
        people_count=payload.people_count,
        signed_by_name=payload.signed_by_name,
        signed_on=payload.signed_on,
        by=request.user,
    )
    return Status(201, handout)


@router.post(
    "/goods/handouts/{handout_id}/return",
    response={200: GoodsHandoutOut, **ERROR_RESPONSES},
    summary="Return a hand-out's goods to stock",
)
def goods_handout_return(request, handout_id: int, payload: GoodsReturnIn):
    _guard(request)
    handout = queries_goods.get_handout_for(request.user, handout_id, write=True)
    return services.return_handout(handout, reason=payload.reason, by=request.user)
