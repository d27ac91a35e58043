"""Out-of-scope consumption-help rows for the scoping walker (tests/test_scoping.py
`other_county`): a 开封 producer with a product, a received order with a line and where its
goods went, a gift bag at a collection point with one member's collected order and a paid
one waiting there — every text carrying the marker."""

import datetime

from django.utils import timezone

from nuanjia.funds.models import Earmark
from nuanjia.members.models import Member, Partner
from nuanjia.produce.models import (
    BagOrder,
    GiftBag,
    GoodsDestination,
    HelpOrder,
    OrderLine,
    Producer,
    Product,
)
from nuanjia.produce.rules import BagOrderStatus, OrderStatus

COUNTY = "410522"  # 安阳县


def _member(index: str) -> Member:
    return Member.objects.create(
        phone_encrypted="x", phone_index=index, phone_last4_index="y",
        phone_masked="139****0000", consent_version="1", consent_at=timezone.now(),
    )  # fmt: skip


def produce_rows(union, marker: str) -> dict[str, int]:
    earmark = Earmark.objects.get_or_create(code="warmth", defaults={"name": "送温暖资金"})[0]
    producer = Producer.objects.create(
        org=union, kind="cooperative", name=marker, region_code=COUNTY, helping_unit=marker,
        contact_name=marker[:50], payee_name=marker, bank_name=marker, account_encrypted="x",
        account_masked="6222****0000",
    )  # fmt: skip
    product = Product.objects.create(
        producer=producer, name=marker, unit="jin", grams=500, price_fen=60
    )
    month = datetime.date(2026, 11, 1)
    order = HelpOrder.objects.create(
        org=union, producer=producer, earmark=earmark, ordered_on=month, grams=500_000,
        amount_fen=60_000, status=OrderStatus.RECEIVED, note=marker,
    )  # fmt: skip
    where = {"org": union, "city": "410200", "county": COUNTY, "month": month}
    OrderLine.objects.create(
        order=order, product=product, units=1000, price_fen=60, grams=500_000, amount_fen=60_000,
        arrived=True, **where,
    )  # fmt: skip
    GoodsDestination.objects.create(
        order=order, kind="activity", grams=500, label=marker, on=month, **where
    )
    point = Partner.objects.create(
        org=union, name=f"{marker}集采点", kind=Partner.Kind.COLLECTION_POINT
    )
    bag = GiftBag.objects.create(
        org=union, producer=producer, earmark=earmark, name=marker, grams=2500,
        member_price_fen=100, subsidy_fen=1000, stock=5,
    )  # fmt: skip
    bag.points.set([point])
    member = _member(f"produce-{marker}")
    BagOrder.objects.create(
        bag=bag, member=member, point=point, status=BagOrderStatus.COLLECTED, grams=2500,
        subsidy_fen=1000, paid_fen=100, payment_reference=marker[:64], **where,
    )  # fmt: skip
    waiting = BagOrder.objects.create(
        bag=bag, member=_member(f"produce-waiting-{marker}"), point=point, status=BagOrderStatus.PAID, grams=2500,
        subsidy_fen=1000, paid_fen=100, payment_reference=marker[:64], **where,
    )  # fmt: skip
    # bag_order_id: a paid order waiting at another point, of another member (the member and
    # partner walks in members/tests/test_member_scoping.py).
    return {
        "producer_id": producer.pk, "help_order_id": order.pk, "bag_id": bag.pk,
        "bag_order_id": waiting.pk,
    }  # fmt: skip
