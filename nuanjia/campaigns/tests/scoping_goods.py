"""Out-of-scope goods rows for the scoping walker (tests/test_scoping.py `other_county`, through
campaigns.tests.scoping): a 开封 union's stock with its moves, a purchase and a hand-out of its
visit activity, every text carrying the marker. The catalogue is province-wide (every union
reads it), so the item's name carries no marker."""

import datetime

from nuanjia.campaigns.models import GoodsItem, GoodsPurchase, Handout, Stock, StockMove
from nuanjia.campaigns.rules import PurchaseStatus, StockMoveKind
from nuanjia.funds.models import Earmark


def goods_rows(union, marker: str, visit_activity) -> dict[str, int]:
    item = GoodsItem.objects.get_or_create(name="扫描用棉帽", unit="顶")[0]
    stock = Stock.objects.create(org=union, item=item, received=10, handed_out=3)
    earmark = Earmark.objects.get_or_create(code="warmth", defaults={"name": "送温暖资金"})[0]
    purchase = GoodsPurchase.objects.create(
        org=union,
        item=item,
        quantity=10,
        amount_fen=10_000,
        earmark=earmark,
        supplier=marker,
        status=PurchaseStatus.PROPOSED,
    )
    handout = Handout.objects.create(
        activity=visit_activity,
        org=union,
        item=item,
        quantity=3,
        recipient_group=marker,
        people_count=3,
        signed_by_name=marker[:50],
        signed_on=datetime.date(2026, 1, 5),
        signed_list="campaigns/signed-lists/scope.png",  # the row alone: refused before any file
    )
    StockMove.objects.create(stock=stock, kind=StockMoveKind.DONATION, quantity=10, note=marker)
    StockMove.objects.create(
        stock=stock, kind=StockMoveKind.HANDED_OUT, quantity=-3, handout=handout, note=marker
    )
    return {"stock_id": stock.pk, "purchase_id": purchase.pk, "handout_id": handout.pk}
