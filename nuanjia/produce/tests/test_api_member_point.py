"""Gift bags in the member API (/api/v1/me/produce/) and the collection point's partner API
(/api/v1/partner/produce/): the same steps as the /m/ and /p/ pages through the same
services — a member sees and changes only their own orders, a point only orders collected
there; the subsidy, stock and figures move once."""

import pytest
from django.test import Client
from django.utils.translation import gettext as _

from nuanjia.core.models import AuditEvent
from nuanjia.funds.models import Transaction
from nuanjia.members.models import Device, Partner
from nuanjia.members.services import partners
from nuanjia.members.tests.conftest import last_code, sign_in
from nuanjia.produce import services
from nuanjia.produce.models import BagOrder, BagStockMove
from nuanjia.produce.rules import BagOrderStatus

from . import fake_payments
from .conftest import POINT_PHONE, make_worker, warmth, zhengzhou

pytestmark = pytest.mark.django_db
MEMBER_PHONE = "13911112222"
ME = "/api/v1/me/produce"
POINT = "/api/v1/partner/produce"


@pytest.fixture(autouse=True)
def _outbox(texts):
    """Sign-in codes are read from the memory outbox."""
    return texts


@pytest.fixture
def bag(producer, point, zz_caseworker, zz_finance):
    made = services.create_bag(
        zhengzhou(), producer, warmth(), name="1元购爱心蔬菜礼包", grams=2500,
        member_price_fen=100, subsidy_fen=1150, points=[point[0]], by=zz_caseworker,
    )  # fmt: skip
    return services.add_bag_stock(made, 10, by=zz_caseworker)


def member_api(phone: str, *, bound: bool = True):
    if bound:
        worker = make_worker("410108")
        worker.phone = phone
        worker.save()
    member, raw = sign_in(phone, kind="api")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}"), member


def partner_api(phone: str) -> Client:
    partners.send_partner_code(phone, ip="10.1.1.1", text="code %(code)s %(minutes)d")
    _person, raw = partners.partner_sign_in(phone, last_code(phone), kind=Device.Kind.API)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_ordered_paid_and_collected_through_the_apis(bag, point, texts):
    me, _who = member_api(MEMBER_PHONE)
    offered = me.get(f"{ME}/bags").json()
    assert [b["name"] for b in offered] == ["1元购爱心蔬菜礼包"]
    assert offered[0]["points"] == [{"id": point[0].pk, "name": "金水区爱心集采点"}]
    made = me.post(f"{ME}/bags/{bag.pk}/order", {"point_id": point[0].pk},
                   content_type="application/json")  # fmt: skip
    assert made.status_code == 201, made.content
    order_id = made.json()["id"]
    assert made.json()["status"] == "ordered" and made.json()["may_cancel"] is True
    assert me.get(f"{ME}/bags").json() == []  # ordered: no longer offered
    again = me.post(f"{ME}/bags/{bag.pk}/order", {"point_id": point[0].pk},
                    content_type="application/json")  # fmt: skip
    assert again.status_code == 404 or again.json()["field"] == "bag"
    at_point = partner_api(POINT_PHONE)
    waiting = at_point.get(f"{POINT}/orders?last4=2222").json()["items"]
    assert [o["id"] for o in waiting] == [order_id]
    assert waiting[0]["member_phone"].endswith("2222") and "1111" not in waiting[0]["member_phone"]
    assert at_point.get(f"{POINT}/orders?last4=9999").json()["items"] == []
    early = at_point.post(f"{POINT}/orders/{order_id}/collect")
    assert early.status_code == 400 and early.json()["message"] == _(
        "Only a paid order is collected."
    )
    bad = at_point.post(f"{POINT}/orders/{order_id}/payment", {"method": "card"},
                        content_type="application/json")  # fmt: skip
    assert bad.status_code == 400 and bad.json()["field"] == "method"
    paid = at_point.post(f"{POINT}/orders/{order_id}/payment",
                         {"method": "point_code", "reference": "WX123"},
                         content_type="application/json")  # fmt: skip
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    assert paid.json()["paid_fen"] == 100 and paid.json()["pay_method"] == "point_code"
    assert me.post(f"{ME}/orders/{order_id}/cancel").json()["code"] == "paid"
    for _attempt in range(2):
        at_point.post(f"{POINT}/orders/{order_id}/collect")
    bag.refresh_from_db()
    assert bag.stock == 9 and BagStockMove.objects.filter(order_id=order_id).count() == 1
    assert Transaction.objects.filter(kind="spend", source_type="produce.bag_order").count() == 1
    mine = me.get(f"{ME}/orders/{order_id}").json()
    assert mine["status"] == "collected" and mine["may_cancel"] is False
    assert at_point.get(f"{POINT}/orders").json()["items"] == []  # collected: not waiting
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"produce.bag_ordered", "produce.bag_paid", "produce.bag_collected"} <= actions


def test_a_member_cancels_and_pays_online_as_the_page_allows(bag, point, settings):
    me, who = member_api(MEMBER_PHONE)
    order = services.member_order_bag(who, bag, point[0])
    no_adapter = me.post(f"{ME}/orders/{order.pk}/pay")
    assert no_adapter.status_code == 400
    cancelled = me.post(f"{ME}/orders/{order.pk}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert me.post(f"{ME}/orders/{order.pk}/cancel").status_code == 400
    settings.PRODUCE_PAYMENT_ADAPTER = "nuanjia.produce.tests.fake_payments.FakeAdapter"
    fake_payments.CHARGES.clear()
    made = me.post(f"{ME}/bags/{bag.pk}/order", {"point_id": point[0].pk},
                   content_type="application/json").json()  # fmt: skip
    assert made["may_pay_online"] is True
    paid = me.post(f"{ME}/orders/{made['id']}/pay").json()
    assert paid["status"] == "paid" and paid["pay_method"] == "online"
    assert [o["status"] for o in me.get(f"{ME}/orders").json()] == ["paid", "cancelled"]


def test_bad_member_input_names_the_field(bag, point):
    me, _who = member_api(MEMBER_PHONE)
    wrong_point = me.post(f"{ME}/bags/{bag.pk}/order", {"point_id": 999_999},
                          content_type="application/json")  # fmt: skip
    assert wrong_point.status_code == 400 and wrong_point.json()["field"] == "point_id"
    missing = me.post(f"{ME}/bags/{bag.pk}/order", {}, content_type="application/json")
    assert missing.status_code == 422 and missing.json()["field"] == "point_id"
    bag.stock = 0
    bag.save()
    sold_out = me.post(f"{ME}/bags/{bag.pk}/order", {"point_id": point[0].pk},
                       content_type="application/json")  # fmt: skip
    assert sold_out.status_code == 400 and sold_out.json()["code"] == "sold_out"
    assert BagOrder.objects.count() == 0


def test_members_reach_only_their_own_orders_and_offered_bags(bag, point):
    _me, owner = member_api(MEMBER_PHONE)
    order = services.member_order_bag(owner, bag, point[0])
    other, _who = member_api("13911113333")
    unbound, _nobody = member_api("13911114444", bound=False)
    assert unbound.get(f"{ME}/bags").json() == []
    assert unbound.post(f"{ME}/bags/{bag.pk}/order", {"point_id": point[0].pk},
                        content_type="application/json").status_code == 404  # fmt: skip
    for url in (f"{ME}/orders/{order.pk}", f"{ME}/orders/{order.pk}/cancel",
                f"{ME}/orders/{order.pk}/pay"):  # fmt: skip
        method = other.get if url.endswith(str(order.pk)) else other.post
        assert method(url).status_code == 404, url
    assert other.get(f"{ME}/orders").json() == []
    order.refresh_from_db()
    assert order.status == BagOrderStatus.ORDERED
    assert Client().get(f"{ME}/orders").status_code == 401
    assert partner_api(POINT_PHONE).get(f"{ME}/orders").status_code == 401


def test_a_point_reaches_only_orders_collected_there(bag, point, zz_caseworker):
    _me, owner = member_api(MEMBER_PHONE)
    order = services.member_order_bag(owner, bag, point[0])
    other = partners.register_partner(
        org=zhengzhou(), name="别的集采点", kind=Partner.Kind.COLLECTION_POINT, by=zz_caseworker
    )
    partners.add_partner_user(other, name="某人", phone="13700005555", by=zz_caseworker)
    shop = partners.register_partner(org=zhengzhou(), name="早餐店", kind="shop", by=zz_caseworker)
    partners.add_partner_user(shop, name="店员", phone="13700006666", by=zz_caseworker)
    for phone in ("13700005555", "13700006666"):
        client = partner_api(phone)
        assert client.get(f"{POINT}/orders").status_code in (200, 404)
        if client.get(f"{POINT}/orders").status_code == 200:
            assert client.get(f"{POINT}/orders").json()["items"] == []
        assert client.get(f"{POINT}/orders/{order.pk}").status_code == 404
        payment = client.post(f"{POINT}/orders/{order.pk}/payment", {"method": "cash"},
                              content_type="application/json")  # fmt: skip
        assert payment.status_code == 404
        assert client.post(f"{POINT}/orders/{order.pk}/collect").status_code == 404
    order.refresh_from_db()
    assert order.status == BagOrderStatus.ORDERED
    me, _m = member_api("13911115555")
    assert me.get(f"{POINT}/orders").status_code == 401
    assert Client().post(f"{POINT}/orders/{order.pk}/collect").status_code == 401
