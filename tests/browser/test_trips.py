"""A travel partner's person opens the trip on a phone: the approved people listed (masked
without consent), the "went" and "did not go" buttons at least 44 px high, nothing wider
than the screen; tapping "went" records it."""

import datetime
from urllib.parse import urlparse

import pytest

from nuanjia.campaigns import services
from nuanjia.campaigns.models import Nomination, Trip
from nuanjia.campaigns.rules import ActivityKind, CampaignStatus, NominationStatus, NominationStep
from nuanjia.campaigns.tests.partner_support import partner_with_outlet
from nuanjia.campaigns.tests.trips_support import enrolled_workers
from nuanjia.campaigns.workflow import NOMINATION_FLOW
from nuanjia.core import clock
from nuanjia.core.masking import mask_name
from nuanjia.funds.models import Earmark
from nuanjia.members.auth import PARTNER_DOOR
from nuanjia.members.models import Partner
from nuanjia.members.services import partners
from nuanjia.members.tests.conftest import last_code
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role

from .conftest import PHONE, screenshot

TRAVEL_PHONE = "13700003339"


@pytest.fixture
def started_trip(settings, transactional_db, tree, make_staff):
    """A trip that left yesterday, with two approved people of 郑州 (dates around today)."""
    settings.SMS_BACKEND = "nuanjia.core.sms.MemoryBackend"
    today = clock.today()
    planner = make_staff("410000", Role.CASEWORKER, Role.APPROVER, username="sz_trip_planner")
    caseworker = make_staff("410100", Role.CASEWORKER, username="zz_trip_caseworker")
    approver = make_staff("410100", Role.APPROVER, username="zz_trip_approver")
    province, city = Org.objects.get(code="410000"), Org.objects.get(code="410100")
    campaign = services.create_campaign(
        code="trip-browser", name="疗休养行动", lead_org=province,
        starts_on=today - datetime.timedelta(days=60), ends_on=today + datetime.timedelta(days=300),
        earmarks=Earmark.objects.filter(code="warmth"), by=planner,
    )  # fmt: skip
    campaign = services.set_campaign_status(campaign, CampaignStatus.OPEN, by=planner)
    activity = services.create_activity(
        campaign, kind=ActivityKind.TRIP, name="一线职工疗休养", org=province, uses_places=True,
        by=planner,
    )  # fmt: skip
    partner, _outlet, _person = partner_with_outlet(
        planner, org=province, name="河南职工疗休养中心", kind=Partner.Kind.TRAVEL,
        outlet="登封基地", phone=TRAVEL_PHONE,
    )  # fmt: skip
    contract = services.sign_contract(
        activity, partner, org=province, earmark=Earmark.objects.get(code="warmth"),
        price_fen=180_000, starts_on=campaign.starts_on, ends_on=campaign.ends_on,
        payee_name=partner.name, bank_name="中国工商银行", bank_account="6222020200112233445",
        by=planner,
    )  # fmt: skip
    services.set_places(activity, 10, by=planner)
    services.allocate_places(activity, province, city, 5, by=planner)
    trip = services.create_trip(
        activity, contract, name="登封疗休养团", place="登封嵩山",
        starts_on=today + datetime.timedelta(days=10), ends_on=today + datetime.timedelta(days=14),
        places=4, by=planner,
    )  # fmt: skip
    for worker in enrolled_workers(activity, 2, name="吴疗养"):
        nomination = services.nominate(trip, worker, city, by=caseworker)
        NOMINATION_FLOW.take_step(nomination, NominationStep.APPROVE, by=approver)
    # The trip has since left (moved back by hand: nominations are made before it leaves).
    Trip.objects.filter(pk=trip.pk).update(
        starts_on=today - datetime.timedelta(days=1), ends_on=today + datetime.timedelta(days=3)
    )
    return trip


def _partner_page(new_page, live_server):
    partners.send_partner_code(TRAVEL_PHONE, ip="10.3.3.3", text="code %(code)s %(minutes)d")
    _user, key = partners.partner_sign_in(TRAVEL_PHONE, last_code(TRAVEL_PHONE))
    page = new_page(PHONE, is_mobile=True, has_touch=True)
    host = urlparse(live_server.url).hostname
    page.context.add_cookies(
        [{"name": PARTNER_DOOR.cookie, "value": key, "domain": host, "path": PARTNER_DOOR.path}]
    )
    return page


def test_the_partner_marks_who_went_on_a_phone(new_page, live_server, started_trip):
    page = _partner_page(new_page, live_server)
    page.goto("/p/campaigns/trips/")
    assert mask_name("吴疗养0") in page.inner_text("main")
    page.goto(f"/p/campaigns/trips/{started_trip.pk}/")
    people = page.get_by_test_id("partner-people").inner_text()
    assert "吴疗养0" not in people and mask_name("吴疗养0") in people
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    buttons = page.get_by_test_id("partner-went")
    assert buttons.count() == 2
    for test_id in ("partner-went", "partner-absent"):
        box = page.get_by_test_id(test_id).first.bounding_box()
        assert box is not None and box["height"] >= 44, (test_id, box)
    screenshot(page, "trip-partner-phone")
    buttons.first.click()
    page.wait_for_load_state()
    assert page.get_by_test_id("partner-went").count() == 1
    assert Nomination.objects.filter(status=NominationStatus.ATTENDED).count() == 1
