"""1元 gift bags: a member orders on the phone, pays the member price at the collection point
(cash or the point's code, recorded on its page) or online (a local fake provider), collects;
collecting moves stock, the subsidy and the figures exactly once."""

import pytest
from django.test import Client

from nuanjia.cli import main as nuanjia_main
from nuanjia.core.errors import RuleViolation
from nuanjia.funds import services as funds
from nuanjia.funds.checks import first_discrepancy
from nuanjia.funds.models import Transaction
from nuanjia.members.auth import PARTNER_DOOR
from nuanjia.members.services import partners
from nuanjia.members.tests.conftest import last_code, member_client
from nuanjia.produce import figures, services
from nuanjia.produce.models import BagOrder, BagStockMove
from nuanjia.produce.rules import BagOrderStatus

from . import fake_payments
from .conftest import POINT_PHONE, make_worker, warmth, zhengzhou

pytestmark = pytest.mark.django_db
MEMBER_PHONE = "13911112222"


@pytest.fixture
def bag(producer, point, zz_caseworker, zz_finance):
    """5 斤 of vegetables for 1 元, the union adding 11.50 元 a bag; 10 bags in stock."""
    made = services.create_bag(
        zhengzhou(), producer, warmth(), name="1元购爱心蔬菜礼包", grams=2500,
        member_price_fen=100, subsidy_fen=1150, points=[point[0]], by=zz_caseworker,
    )  # fmt: skip
    return services.add_bag_stock(made, 10, by=zz_caseworker)


@pytest.fixture
def member(texts, tree):
    worker = make_worker("410108")
    worker.phone = MEMBER_PHONE
    worker.save()
    client, member = member_client(MEMBER_PHONE)
    assert member.worker_id == worker.pk
    return client, member


def point_client():
    partners.send_partner_code(POINT_PHONE, ip="10.1.1.1", text="code %(code)s %(minutes)d")
    _person, raw = partners.partner_sign_in(POINT_PHONE, last_code(POINT_PHONE))
    client = Client()
    client.cookies[PARTNER_DOOR.cookie] = raw
    client.cookies[PARTNER_DOOR.cookie]["path"] = "/p/"
    return client


def account():
    return funds.account_for(zhengzhou(), warmth())


def test_ordered_paid_at_the_point_and_collected_counts_once(bag, member, point, texts):
    client, who = member
    page = client.get("/m/produce/bags/").content.decode()
    assert "1元购爱心蔬菜礼包" in page
    client.post("/m/produce/bags/", {"action": "order", "bag": bag.pk, "point": point[0].pk})
    order = BagOrder.objects.get(member=who)
    assert order.status == BagOrderStatus.ORDERED
    # A second order of the same bag is refused.
    client.post("/m/produce/bags/", {"action": "order", "bag": bag.pk, "point": point[0].pk})
    assert BagOrder.objects.filter(member=who).count() == 1
    at_point = point_client()
    listed = at_point.get("/p/produce/orders/?last4=2222").content.decode()
    assert str(order) in listed
    at_point.post("/p/produce/orders/", {"order": order.pk, "action": "pay", "method": "cash"})
    order.refresh_from_db()
    assert order.status == BagOrderStatus.PAID and order.paid_fen == 100
    spent_before = account().spent_fen
    at_point.post("/p/produce/orders/", {"order": order.pk, "action": "collect"})
    at_point.post("/p/produce/orders/", {"order": order.pk, "action": "collect"})  # twice
    order.refresh_from_db()
    bag.refresh_from_db()
    assert order.status == BagOrderStatus.COLLECTED and bag.stock == 9
    assert BagStockMove.objects.filter(order=order).count() == 1
    assert account().spent_fen - spent_before == 1150
    assert Transaction.objects.filter(kind="spend", source_type="produce.bag_order").count() == 1
    city = figures.figures(None, ["city"])
    assert [(f.key, f.grams, f.paid_fen, f.sales_fen, f.families) for f in city] == [
        (("410100",), 2500, 1250, 100, 1)
    ]
    assert first_discrepancy() is None and nuanjia_main(["funds", "check"]) == 0


def test_only_the_points_person_records_payment(bag, member, point, make_staff):
    _client, who = member
    order = services.member_order_bag(who, bag, point[0])
    from nuanjia.members.models import Partner

    other = partners.register_partner(
        org=zhengzhou(), name="别的集采点", kind=Partner.Kind.COLLECTION_POINT,
        by=bag.created_by,
    )  # fmt: skip
    stranger = partners.add_partner_user(other, name="某人", phone="13700005555", by=bag.created_by)
    with pytest.raises(RuleViolation):
        services.record_point_payment(order, user=stranger, method="cash")
    with pytest.raises(RuleViolation):  # collect before paying
        services.collect_bag(order, user=point[1])
    with pytest.raises(RuleViolation) as error:
        services.record_point_payment(order, user=point[1], method="card")
    assert error.value.field == "method"


def test_sold_out_bags_are_refused(bag, member, point, zz_caseworker):
    _client, who = member
    bag.stock = 0
    bag.save()
    with pytest.raises(RuleViolation) as error:
        services.member_order_bag(who, bag, point[0])
    assert error.value.code == "sold_out"


def test_online_payment_through_the_adapter(bag, member, point, settings):
    settings.PRODUCE_PAYMENT_ADAPTER = "nuanjia.produce.tests.fake_payments.FakeAdapter"
    fake_payments.CHARGES.clear()
    client, who = member
    order = services.member_order_bag(who, bag, point[0])
    fake_payments.REFUSED_FEN.add(100)
    with pytest.raises(RuleViolation) as error:
        services.pay_online(order, who)
    assert error.value.code == "payment_failed"
    fake_payments.REFUSED_FEN.clear()
    client.post("/m/produce/bags/", {"action": "pay", "order": order.pk})
    order.refresh_from_db()
    assert order.status == BagOrderStatus.PAID and order.pay_method == "online"
    assert order.payment_reference == "FAKE-0001" and fake_payments.CHARGES[0][1] == 100


def test_without_an_adapter_online_payment_is_refused(bag, member, point):
    _client, who = member
    order = services.member_order_bag(who, bag, point[0])
    with pytest.raises(RuleViolation):
        services.pay_online(order, who)


def test_a_member_cancels_before_paying(bag, member, point):
    client, who = member
    order = services.member_order_bag(who, bag, point[0])
    client.post("/m/produce/bags/", {"action": "cancel", "order": order.pk})
    order.refresh_from_db()
    assert order.status == BagOrderStatus.CANCELLED
    services.member_order_bag(who, bag, point[0])  # may order again


def test_the_staff_bag_pages(bag, zz_caseworker):
    from conftest import verified_login

    client = Client()
    verified_login(client, zz_caseworker)
    assert client.get("/produce/bags/").status_code == 200
    assert client.get("/produce/bags/new/").status_code == 200
    page = client.get(f"/produce/bags/{bag.pk}/").content.decode()
    assert 'data-testid="stock">10<' in page
    client.post(f"/produce/bags/{bag.pk}/", {"bags": 5})
    bag.refresh_from_db()
    assert bag.stock == 15
