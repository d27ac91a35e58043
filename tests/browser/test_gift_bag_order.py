"""A member of 惠济区 signs in on a phone (390×844), finds 郑州's 1元 gift bag on their page,
picks the collection point and orders it; the order shows with its state, every control is a
44px target, and the page does not scroll sideways."""

import pytest

from nuanjia.funds.models import Earmark
from nuanjia.members.models import Member, Partner
from nuanjia.members.services import partners
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.produce import services
from nuanjia.produce.models import BagOrder
from nuanjia.produce.rules import BagOrderStatus
from nuanjia.relief.tests.conftest import make_worker

from .conftest import PHONE, screenshot
from .test_members import sign_in_by_code, sms_file  # noqa: F401 -- sms_file is a fixture

MEMBER_PHONE = "13700006666"


@pytest.fixture
def gift_bag(transactional_db, make_staff):
    caseworker = make_staff("410100", Role.CASEWORKER, username="zz_produce")
    city = Org.objects.get(code="410100")
    point = partners.register_partner(
        org=city, name="金水区爱心集采点", kind=Partner.Kind.COLLECTION_POINT, by=caseworker
    )
    producer = services.register_producer(
        city, kind="cooperative", name="兰考县惠民果蔬专业合作社", region_code="410225",
        by=caseworker,
    )  # fmt: skip
    bag = services.create_bag(
        city, producer, Earmark.objects.get(code="warmth"), name="1元购爱心蔬菜礼包",
        grams=5000, member_price_fen=100, subsidy_fen=1076, points=[point], by=caseworker,
    )  # fmt: skip
    services.add_bag_stock(bag, 50, by=caseworker)
    return bag, point, make_worker("410108", name="李环卫")


def test_a_member_orders_a_gift_bag_on_the_phone(new_page, sms_file, gift_bag):  # noqa: F811
    bag, point, worker = gift_bag
    page = new_page(PHONE)
    sign_in_by_code(page, sms_file, MEMBER_PHONE)
    Member.objects.filter(worker=None).update(worker=worker, bound_via="phone")

    page.goto("/m/produce/bags/")
    form = page.get_by_test_id("order-form")
    form.wait_for()
    assert bag.name in page.get_by_test_id("bag").inner_text()
    assert "10.0" in page.get_by_test_id("bag").inner_text()  # 5,000 g = 10 斤
    form.locator("select[name=point]").select_option(str(point.pk))
    for control in form.locator("select, button").all():
        assert control.bounding_box()["height"] >= 44
    form.locator("button[type=submit]").click()

    ordered = page.get_by_test_id("my-bag-order")
    ordered.wait_for()
    assert point.name in ordered.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "gift-bag-ordered-phone")
    order = BagOrder.objects.get(worker=worker)
    assert (order.status, order.point_id, order.grams) == (BagOrderStatus.ORDERED, point.pk, 5000)
