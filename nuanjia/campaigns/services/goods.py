"""Goods of campaigns (送温暖 in kind): the catalogue of items, stock per union received by
donation, by purchase through the ledger (maker-checker) or from the union above, and sent
down to the unions below. Hand-outs are written in `goods_handouts` (re-exported here), the
shared stock helpers in `goods_stock`.

Every change of a union's stock is one `StockMove` row and one audit event, in the same
transaction as the `Stock` counters it moves. Lock order, everywhere: the audit chain's head
first (as the ledger does), then stock rows from the top of the tree down (a parent's before
its child's), so two services never wait on each other in a cycle."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core import clock
from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.money import check_fen, format_yuan
from nuanjia.core.text import one_line
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of
from nuanjia.orgs.rules import Role

from ..models import Campaign, GoodsItem, GoodsPurchase, Stock, StockMove
from ..rules import CampaignStatus, GoodsUnit, PurchaseStep, StockMoveKind
from ..workflow import PURCHASE_FLOW
from .common import require_planner
from .goods_handouts import (
    download_signed_list,
    hand_out,
    return_handout,
)
from .goods_stock import active_item, check_quantity, lock_head, lock_stock, short_of, write_move

# The ledger's name for a purchase's postings (funds.sources, `nuanjia funds check`).
__all__ = [
    "GOODS_SOURCE",
    "PURCHASE_ACTIONS",
    "add_item",
    "allocate_stock",
    "approve_purchase",
    "download_signed_list",
    "hand_out",
    "propose_purchase",
    "receive_donation",
    "return_handout",
]

GOODS_SOURCE = "campaigns.goods_purchase"
PROPOSER_ROLES = frozenset({Role.CASEWORKER})
# How the purchase's history names its actions ("propose" is recorded by propose_purchase).
PURCHASE_ACTIONS = {
    "propose": gettext_lazy("Proposed"),
    PurchaseStep.APPROVE.value: gettext_lazy("Approved; money spent and goods received"),
    PurchaseStep.CANCEL.value: gettext_lazy("Withdrawn"),
}


# ---- checks --------------------------------------------------------------------------------


def _check_campaign(campaign: Campaign | None, org: Org) -> None:
    """Goods recorded for a campaign: the union takes part in it (below its lead union) and
    the campaign is not closed."""
    if campaign is None:
        return
    if not org.is_within(campaign.lead_org):
        raise RuleViolation(_("The union is not part of this campaign."), field="campaign")
    if campaign.status == CampaignStatus.CLOSED:
        raise RuleViolation(_("The campaign is closed."), field="campaign")


# ---- stock events ----------------------------------------------------------------------------


def _stock_event(stock: Stock, action: str, by: Actor, **changes: Any) -> None:
    record_event(
        stock,
        action,
        by=by,
        org=stock.org,
        changes={"item": str(stock.item), "remaining": stock.remaining, **changes},
    )


# ---- catalogue and donations ---------------------------------------------------------------


@transaction.atomic
def add_item(name: str, unit: str, *, by: Actor) -> GoodsItem:
    """A new item of the province-wide catalogue (棉帽 by the 顶): one per name and unit."""
    own = getattr(by, "org", None)
    if own is None:
        raise RuleViolation(_("Your account belongs to no union."), field="org", code="forbidden")
    require_planner(by, own)
    name = one_line(name, "name", 50, required_message=_("Item: give the item's name."))
    if unit not in GoodsUnit.values:
        raise RuleViolation(_("Unit: choose a unit from the list."), field="unit")
    if GoodsItem.objects.filter(name=name, unit=unit).exists():
        raise RuleViolation(
            _("Item: %(name)s by the %(unit)s is already in the catalogue.")
            % {"name": name, "unit": unit},
            field="name",
        )
    item = GoodsItem.objects.create(name=name, unit=unit)
    record_event(
        item, "campaigns.goods_item_added", by=by, org=own, changes={"name": name, "unit": unit}
    )
    return item


@transaction.atomic
def receive_donation(
    org: Org,
    item: GoodsItem,
    quantity: int,
    *,
    source: str,
    by: Actor,
    campaign: Campaign | None = None,
) -> StockMove:
    """捐赠入库: goods given to the union (no money moves), into its stock."""
    require_planner(by, org)
    item = active_item(item)
    quantity = check_quantity(quantity)
    source = one_line(source, "source", 100, required_message=_("Donor: say who gave the goods."))
    _check_campaign(campaign, org)
    lock_head(org)
    stock = lock_stock(org, item)
    assert stock is not None  # created when missing
    stock.received += quantity
    stock.save(update_fields=["received", "updated_at"])
    move = write_move(
        stock, StockMoveKind.DONATION, quantity, by=by, campaign=campaign, note=source
    )
    _stock_event(stock, "campaigns.goods_donated", by, quantity=quantity, source=source)
    return move


# ---- purchases through the ledger ----------------------------------------------------------


def _check_earmark(earmark: Any, campaign: Campaign | None) -> None:
    if earmark is None or not earmark.is_active:
        raise RuleViolation(_("Earmark: choose an earmark in use."), field="earmark")
    if campaign is not None and not campaign.earmarks.filter(pk=earmark.pk).exists():
        raise RuleViolation(
            _("Earmark: the campaign may not spend %(earmark)s.") % {"earmark": earmark.name},
            field="earmark",
        )


def _require_available(org: Org, earmark: Any, amount_fen: int) -> None:
    """The union's account of the earmark has the money available now (the approval spends
    it, and checks again under the ledger's lock)."""
    from nuanjia.funds.services import account_for

    account = account_for(org, earmark, create=False)
    available = account.available_fen if account is not None else 0
    if available < amount_fen:
        raise RuleViolation(
            _(
                "Amount: %(org)s has %(available)s yuan of %(earmark)s available, less than "
                "the %(amount)s yuan of this purchase."
            )
            % {
                "org": org.name,
                "available": format_yuan(available),
                "earmark": earmark.name,
                "amount": format_yuan(amount_fen),
            },
            field="amount_fen",
            code="insufficient_funds",
        )


@transaction.atomic
def propose_purchase(
    org: Org,
    item: GoodsItem,
    quantity: int,
    amount_fen: int,
    earmark: Any,
    supplier: str,
    *,
    by: Actor,
    campaign: Campaign | None = None,
) -> GoodsPurchase:
    """A caseworker of the union (or above) proposes buying goods with the union's money of
    an earmark (one the campaign may spend, when for a campaign); an approver who did not
    propose it approves it, which spends the money and receives the goods."""
    require_planner(by, org, PROPOSER_ROLES)
    item = active_item(item)
    quantity = check_quantity(quantity)
    amount_fen = check_fen(amount_fen, field="amount_fen", label=_("Amount"))
    supplier = one_line(
        supplier, "supplier", 100, required_message=_("Supplier: say who sells the goods.")
    )
    _check_campaign(campaign, org)
    _check_earmark(earmark, campaign)
    _require_available(org, earmark, amount_fen)
    purchase = GoodsPurchase.objects.create(
        org=org,
        campaign=campaign,
        item=item,
        quantity=quantity,
        amount_fen=amount_fen,
        earmark=earmark,
        supplier=supplier,
        proposed_by=staff_of(by),
    )
    figures = {
        "item": str(item),
        "quantity": quantity,
        "amount_fen": amount_fen,
        "earmark": earmark.code,
        "supplier": supplier,
        "campaign": campaign.code if campaign else None,
    }
    PURCHASE_FLOW.record(purchase, "propose", "", by=by, changes=figures)
    return purchase


def _purchase_posting(purchase: GoodsPurchase, by: Actor | None) -> dict[str, Any]:
    from nuanjia.funds.services import account_for

    return {
        "account": account_for(purchase.org, purchase.earmark),
        "amount_fen": purchase.amount_fen,
        "source_type": GOODS_SOURCE,
        "source_id": purchase.pk,
        "memo": f"{purchase} {purchase.item} × {purchase.quantity} {purchase.supplier}"[:200],
        "by": by,
    }


@PURCHASE_FLOW.handler(PurchaseStep.APPROVE)
@transaction.atomic
def approve_purchase(purchase: GoodsPurchase, *, by: Actor | None, note: str = "") -> GoodsPurchase:
    """审批入库: spend the amount from the union's account of the earmark (reserved and spent
    in one step: the goods are bought as they are approved) and receive the quantity into
    the union's stock. Maker-checker: the proposer cannot approve (the engine refuses).
    Too little money available refuses with the ledger's message and changes nothing."""
    from nuanjia.funds.services import reserve, spend

    with PURCHASE_FLOW.moving(purchase, PurchaseStep.APPROVE, by=by, note=note) as move:
        bought = move.obj
        posting = _purchase_posting(bought, by)
        reserve(**posting)
        spend(**posting)
        stock = lock_stock(bought.org, bought.item)
        assert stock is not None  # created when missing
        stock.received += bought.quantity
        stock.save(update_fields=["received", "updated_at"])
        write_move(
            stock,
            StockMoveKind.PURCHASE,
            bought.quantity,
            by=by,
            purchase=bought,
            campaign=bought.campaign,
            note=bought.supplier,
        )
        bought.received_on = clock.today()
        move.changes.update(spent_fen=bought.amount_fen, received_on=bought.received_on)
    return move.obj


# ---- sending goods down the tree -----------------------------------------------------------


def _check_child(from_org: Org, to_org: Org) -> None:
    """As the ledger's allocations: one level at a time, so every level's stock shows what it
    passed on."""
    if to_org.parent_id != from_org.pk:
        raise RuleViolation(
            _("%(to)s is not directly under %(from)s; goods are sent down one level at a time.")
            % {"to": to_org.name, "from": from_org.name},
            field="to_org",
            code="not_a_child",
        )


@transaction.atomic
def allocate_stock(
    from_org: Org,
    to_org: Org,
    item: GoodsItem,
    quantity: int,
    *,
    by: Actor,
    campaign: Campaign | None = None,
) -> StockMove:
    """下拨: send goods from a union's stock to a union directly under it. Both stock rows are
    locked, the parent's first; more than the parent has left is refused, naming what is
    left. Returns the parent's move (out); the child's (in) is written beside it."""
    require_planner(by, from_org)
    item = active_item(item)
    quantity = check_quantity(quantity)
    _check_child(from_org, to_org)
    _check_campaign(campaign, from_org)
    lock_head(from_org)
    parent = lock_stock(from_org, item, create=False)
    if parent is None or parent.remaining < quantity:
        raise short_of(parent, item, quantity)
    child = lock_stock(to_org, item)
    assert child is not None  # created when missing
    parent.allocated_down += quantity
    parent.save(update_fields=["allocated_down", "updated_at"])
    child.received += quantity
    child.save(update_fields=["received", "updated_at"])
    out = write_move(
        parent,
        StockMoveKind.ALLOCATED_OUT,
        -quantity,
        by=by,
        counterpart=to_org,
        campaign=campaign,
    )
    write_move(
        child,
        StockMoveKind.ALLOCATED_IN,
        quantity,
        by=by,
        counterpart=from_org,
        campaign=campaign,
    )
    _stock_event(parent, "campaigns.goods_allocated", by, quantity=quantity, to_org=to_org.code)
    return out
