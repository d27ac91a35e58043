"""A breakfast shop scanning on a phone (390×844): the first scan of a worker is a big green
answer, the second the same day a big red one; the targets are at least 44 px."""

import datetime

import pytest

from nuanjia.campaigns import services
from nuanjia.campaigns.rules import ActivityKind, CampaignStatus
from nuanjia.campaigns.tests.breakfast_support import LAST4, enrolled_worker, number_of
from nuanjia.campaigns.tests.conftest import _contract
from nuanjia.campaigns.tests.partner_support import partner_with_outlet
from nuanjia.funds.models import Earmark
from nuanjia.members.auth import PARTNER_DOOR
from nuanjia.members.models import Device, Partner, PartnerDevice
from nuanjia.members.services.devices import open_key
from nuanjia.members.services.partners import PARTNER_API_PREFIX
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role

from .conftest import PHONE, screenshot

GREEN, RED = "rgb(27, 127, 59)", "rgb(179, 38, 30)"


@pytest.fixture
def breakfast_shop(transactional_db, make_staff):
    planner = make_staff("410000", Role.CASEWORKER, Role.APPROVER, username="sz_planner")
    campaign = services.create_campaign(
        code="2026-winter", name="2026年关爱行动", lead_org=Org.objects.get(code="410000"),
        starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2027, 2, 28),
        earmarks=Earmark.objects.filter(code__in=["warmth"]), by=planner,
    )  # fmt: skip
    services.set_campaign_status(campaign, CampaignStatus.OPEN, by=planner)
    activity = services.create_activity(
        campaign, kind=ActivityKind.BREAKFAST, name="环卫工人爱心早餐", org=campaign.lead_org,
        by=planner,
    )  # fmt: skip
    partner, _outlet, person = partner_with_outlet(
        planner, org=Org.objects.get(code="410000"), name="郑州爱心早餐店",
        kind=Partner.Kind.SHOP, outlet="金水路店", phone="13700002222",
    )  # fmt: skip
    _contract(activity, partner, planner, price_fen=800)
    return activity, person


def _tall_enough(page, selector: str) -> None:
    for box in page.locator(selector).evaluate_all(
        "els => els.map(el => el.getBoundingClientRect().height)"
    ):
        assert box >= 44, (selector, box)


def test_a_shop_scans_a_card_green_then_red_on_a_phone(new_page, breakfast_shop, live_server):
    activity, person = breakfast_shop
    worker = enrolled_worker(activity, name="张环卫")
    key = open_key(PartnerDevice, user=person, kind=Device.Kind.PAGES, user_agent="browser test",
                   api_prefix=PARTNER_API_PREFIX)  # fmt: skip
    page = new_page(PHONE)
    page.context.add_cookies(
        [{"name": PARTNER_DOOR.cookie, "value": key, "url": live_server.url + "/p/"}]
    )
    page.goto("/p/")
    page.locator("a.tile[href='/p/campaigns/breakfast/']").click()
    page.wait_for_url("**/p/campaigns/breakfast/")
    _tall_enough(
        page,
        "[data-testid=breakfast-form] input:not([type=hidden]), [data-testid=breakfast-form] select, "
        "button, a.tile",
    )

    def scan():
        page.fill("input[name=number]", number_of(worker))
        page.fill("input[name=id_last4]", LAST4)
        page.click("[data-testid=breakfast-form] button[type=submit]")
        result = page.locator("[data-testid=breakfast-result]")
        result.wait_for()
        return result

    first = scan()
    assert first.get_attribute("data-status") == "recorded"
    assert first.evaluate("el => getComputedStyle(el).backgroundColor") == GREEN
    assert "张**" in first.inner_text()
    assert page.locator("[data-testid=breakfast-count] b").inner_text() == "1"
    screenshot(page, "breakfast-scan-green-390")

    second = scan()
    assert second.get_attribute("data-status") == "already"
    assert second.evaluate("el => getComputedStyle(el).backgroundColor") == RED
    assert page.locator("[data-testid=breakfast-count] b").inner_text() == "1"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "the page scrolls sideways on a phone"
    screenshot(page, "breakfast-scan-red-390")
