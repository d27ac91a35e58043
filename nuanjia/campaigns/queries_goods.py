"""Reads of goods, scoped to the viewer's subtree: stock per union and item with the moves
behind each figure, purchases (the approvers' queue), hand-outs per activity, and the goods
figures (handed out by item, people reached) that pages, exports and the API share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.funds.sources import SourceLabel
from nuanjia.orgs.queries import get_scoped_or_404, within

from .models import Activity, GoodsPurchase, Handout, Stock, StockMove
from .queries import scoped
from .rules import PurchaseStatus, StockMoveKind

# The moves behind each figure of a stock row: they add up to it (handed out: net of returns,
# so the sum is negative; the page shows it turned round).
FIGURE_KINDS = {
    "received": (StockMoveKind.PURCHASE, StockMoveKind.DONATION, StockMoveKind.ALLOCATED_IN),
    "allocated_down": (StockMoveKind.ALLOCATED_OUT,),
    "handed_out": (StockMoveKind.HANDED_OUT, StockMoveKind.RETURNED),
}


def visible_stocks(user: Actor) -> QuerySet[Stock]:
    return scoped(Stock.objects.select_related("org", "item"), user)


def get_stock_for(user: Actor, pk: Any, *, write: bool = False) -> Stock:
    return get_scoped_or_404(visible_stocks(user), user, write=write, pk=pk)


def stock_moves(stock: Stock, figure: str = "") -> QuerySet[StockMove]:
    """The moves of one stock row, newest first; only those adding up to `figure` if named."""
    moves = stock.moves.select_related("counterpart", "purchase", "handout", "by")
    if figure in FIGURE_KINDS:
        moves = moves.filter(kind__in=FIGURE_KINDS[figure])
    return moves


def visible_purchases(user: Actor) -> QuerySet[GoodsPurchase]:
    return scoped(
        GoodsPurchase.objects.select_related("org", "item", "earmark", "campaign", "proposed_by"),
        user,
    )


def get_purchase_for(user: Actor, pk: Any, *, write: bool = False) -> GoodsPurchase:
    return get_scoped_or_404(visible_purchases(user), user, write=write, pk=pk)


def purchases_to_approve(user: Actor) -> QuerySet[GoodsPurchase]:
    """Proposed purchases of the subtree another person proposed (the approver's queue)."""
    return (
        visible_purchases(user)
        .filter(status=PurchaseStatus.PROPOSED)
        .exclude(proposed_by_id=user.pk)
    )


def visible_handouts(user: Actor) -> QuerySet[Handout]:
    return scoped(
        Handout.objects.select_related("org", "item", "worker", "activity__campaign"), user
    )


def get_handout_for(user: Actor, pk: Any, *, write: bool = False) -> Handout:
    return get_scoped_or_404(visible_handouts(user), user, write=write, pk=pk)


@dataclass(frozen=True)
class HandoutFilters:
    org: Any = None  # a union: its subtree's hand-outs
    item: Any = None
    kind: str = ""  # "named", "bulk" or "" for both
    returned: bool = False  # include returned hand-outs


def activity_handouts(
    user: Actor, activity: Activity, filters: HandoutFilters | None = None
) -> QuerySet[Handout]:
    """The activity's hand-outs of the viewer's subtree, filtered; returned ones left out
    unless asked for (they add nothing to the figures)."""
    filters = filters or HandoutFilters()
    rows = visible_handouts(user).filter(activity=activity)
    if filters.org is not None:
        rows = rows.filter(within(filters.org.path, "org__path"))
    if filters.item is not None:
        rows = rows.filter(item=filters.item)
    if filters.kind == "named":
        rows = rows.filter(worker__isnull=False)
    elif filters.kind == "bulk":
        rows = rows.filter(worker__isnull=True)
    if not filters.returned:
        rows = rows.filter(returned=False)
    return rows


def goods_by_item(handouts: QuerySet[Handout]) -> list[dict[str, Any]]:
    """Per item of the hand-outs given (returned ones left out): quantity handed out, times
    (rows), and people reached: each named worker once, plus the people counted in bulk."""
    rows = (
        handouts.filter(returned=False)
        .values("item_id", "item__name", "item__unit")
        .annotate(
            quantity=Sum("quantity"),
            times=Count("id"),
            named=Count("worker", distinct=True),
            bulk_people=Sum("people_count", filter=Q(worker__isnull=True)),
        )
        .order_by("item__name", "item__unit")
    )
    return [
        {
            "item_id": row["item_id"],
            "item": row["item__name"],
            "unit": row["item__unit"],
            "quantity": row["quantity"] or 0,
            "times": row["times"],
            "people": row["named"] + (row["bulk_people"] or 0),
        }
        for row in rows
    ]


def goods_totals(handouts: QuerySet[Handout]) -> dict[str, int]:
    """People reached over all items: each named worker once, plus the people in bulk."""
    live = handouts.filter(returned=False)
    figures = live.aggregate(
        times=Count("id"),
        named=Count("worker", distinct=True),
        bulk_people=Sum("people_count", filter=Q(worker__isnull=True)),
    )
    return {
        "times": figures["times"],
        "people": figures["named"] + (figures["bulk_people"] or 0),
    }


def stock_totals(stocks: QuerySet[Stock]) -> list[dict[str, Any]]:
    """The subtree's stock per item: received, sent down, handed out, remaining (a union's
    goods sent down reappear as its child's received)."""
    rows = (
        stocks.values("item_id", "item__name", "item__unit")
        .annotate(
            received=Sum("received"),
            allocated_down=Sum("allocated_down"),
            handed_out=Sum("handed_out"),
        )
        .order_by("item__name", "item__unit")
    )
    return [
        {**row, "remaining": row["received"] - row["allocated_down"] - row["handed_out"]}
        for row in rows
    ]


def paid_purchase_ids() -> Any:
    """Purchases received into stock: each must have exactly one spend (`nuanjia funds check`)."""
    received = GoodsPurchase.objects.filter(status=PurchaseStatus.RECEIVED)
    return received.values_list("pk", flat=True).iterator()


def purchase_labels(ids: list[int]) -> dict[int, SourceLabel]:
    """How the ledger's pages name a purchase behind a posting: "物资采购 GP000012", linked."""
    return {
        pk: SourceLabel(
            _("Goods purchase %(number)s") % {"number": f"GP{pk:06d}"},
            reverse("campaigns:purchase", args=[pk]),
        )
        for pk in GoodsPurchase.objects.filter(pk__in=ids).values_list("pk", flat=True)
    }
