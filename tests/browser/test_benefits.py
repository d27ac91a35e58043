"""Member benefits on phones: a car wash's person scans a member card, sees 五元洗车 with the
uses left and confirms one (green, one left); the member sees the offer and the use left."""

import pytest

from nuanjia.benefits.tests.support import LAST4, member, merchant, offer_for, terms_for
from nuanjia.members.auth import PARTNER_DOOR
from nuanjia.members.models import Device, Member, PartnerDevice
from nuanjia.members.services.devices import open_key
from nuanjia.members.services.partners import PARTNER_API_PREFIX
from nuanjia.orgs.rules import Role
from nuanjia.people.membership import member_number

from .conftest import PHONE, screenshot
from .test_members import sign_in_by_code, sms_file  # noqa: F401 -- sms_file is a fixture

GREEN = "rgb(27, 127, 59)"
MEMBER_PHONE = "13855556666"


@pytest.fixture
def car_wash(transactional_db, make_staff):
    planner = make_staff("410000", Role.CASEWORKER, Role.APPROVER, username="bf_planner")
    partner, _outlet, person = merchant(planner)
    offer = offer_for(terms_for(partner, planner), planner, limits={"month": 2})
    return person, offer, member(name="王洗车")


def test_a_merchant_scans_and_confirms_on_a_phone(new_page, car_wash, live_server):
    person, offer, worker = car_wash
    key = open_key(PartnerDevice, user=person, kind=Device.Kind.PAGES, user_agent="browser test",
                   api_prefix=PARTNER_API_PREFIX)  # fmt: skip
    page = new_page(PHONE)
    page.context.add_cookies(
        [{"name": PARTNER_DOOR.cookie, "value": key, "url": live_server.url + "/p/"}]
    )
    page.goto("/p/")
    page.locator("a.tile[href='/p/benefits/']").click()
    page.wait_for_url("**/p/benefits/")
    page.fill("input[name=number]", member_number(worker.pk))
    page.fill("input[name=id_last4]", LAST4)
    page.click("[data-testid=benefit-scan-form] button[type=submit]")
    offered = page.get_by_test_id("benefit-offer")
    offered.wait_for()
    assert offer.name in offered.inner_text()
    assert "2" in offered.get_by_test_id("offer-left").inner_text()
    assert offered.locator("button").bounding_box()["height"] >= 44
    screenshot(page, "benefit-scan-offer-390")
    offered.locator("button").click()
    answer = page.get_by_test_id("benefit-answer")
    answer.wait_for()
    assert answer.get_attribute("data-status") == "redeemed"
    assert answer.evaluate("el => getComputedStyle(el).backgroundColor") == GREEN
    assert "1" in page.get_by_test_id("benefit-left").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "benefit-scan-done-390")


def test_a_member_sees_offers_and_uses_left(new_page, sms_file, car_wash):  # noqa: F811
    _person, offer, worker = car_wash
    page = new_page(PHONE)
    sign_in_by_code(page, sms_file, MEMBER_PHONE)
    Member.objects.filter(worker=None).update(worker=worker, bound_via="phone")
    page.goto("/m/benefits/")
    shown = page.get_by_test_id("my-offer")
    shown.wait_for()
    assert offer.name in shown.inner_text()
    assert "2" in page.get_by_test_id("my-offer-left").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "benefit-member-offers-390")
