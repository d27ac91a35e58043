"""A courier on the approved list of the province's free health checks signs in on a phone
(390×844), finds the check on their page, picks the hospital's outlet and a day, books it
within their county's places, and sees the booking; every button is a 44px target."""

import datetime

import pytest

from nuanjia.campaigns import services
from nuanjia.campaigns.models import Booking, Quota, Roster
from nuanjia.campaigns.rules import ActivityKind, BookedVia, BookingStatus, CampaignStatus
from nuanjia.core import clock
from nuanjia.funds.models import Earmark
from nuanjia.members.models import Member, Partner
from nuanjia.members.services import partners
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.relief.tests.conftest import make_worker

from .conftest import PHONE, screenshot
from .test_members import sign_in_by_code, sms_file  # noqa: F401 -- sms_file is a fixture

COURIER_PHONE = "13700004444"


@pytest.fixture
def health_check(transactional_db, make_staff):
    """The province's open health-check activity: 5 places at 惠济区, a hospital taking 20
    checks a day for the next two months, and a courier of 惠济区 on its approved list."""
    planner = make_staff("410000", Role.CASEWORKER, Role.APPROVER, username="sz_planner")
    caseworker = make_staff("410100", Role.CASEWORKER, username="zz_caseworker")
    approver = make_staff("410100", Role.APPROVER, username="zz_approver")
    province, city, county = (Org.objects.get(code=c) for c in ("410000", "410100", "410108"))
    campaign = services.create_campaign(
        code="2026-checks", name="2026年职工免费体检", lead_org=province,
        starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2030, 12, 31),
        earmarks=Earmark.objects.filter(code="warmth"), by=planner,
    )  # fmt: skip
    campaign = services.set_campaign_status(campaign, CampaignStatus.OPEN, by=planner)
    activity = services.create_activity(
        campaign, kind=ActivityKind.HEALTH_CHECK, name="新就业形态劳动者免费体检", org=province,
        uses_places=True, by=planner,
    )  # fmt: skip
    services.set_places(activity, 10, by=planner)
    services.allocate_places(activity, province, city, 5, by=planner)
    services.allocate_places(activity, city, county, 5, by=planner)
    hospital = partners.register_partner(
        org=province, name="郑州市第一人民医院", kind=Partner.Kind.HOSPITAL, by=planner
    )
    outlet = partners.add_outlet(hospital, name="健康管理中心", address="二七路", by=planner)
    today = clock.today()
    services.sign_contract(
        activity, hospital, org=province, earmark=Earmark.objects.get(code="warmth"),
        price_fen=26_000, starts_on=today, ends_on=today + datetime.timedelta(days=60),
        payee_name="郑州市第一人民医院", bank_name="中国工商银行郑州分行",
        bank_account="6222020200112233445", capacity_per_day=20, by=planner,
    )  # fmt: skip
    courier = make_worker("410108", name="王快递")
    services.add_by_hand(activity, city, courier, by=caseworker, reason="新就业形态劳动者")
    roster = Roster.objects.get(activity=activity, org=city)
    services.submit_roster(roster, by=caseworker)
    services.approve_roster(Roster.objects.get(pk=roster.pk), by=approver)
    return activity, outlet, courier


def test_a_member_books_a_health_check_on_the_phone(new_page, sms_file, health_check):  # noqa: F811
    activity, outlet, courier = health_check
    page = new_page(PHONE)
    sign_in_by_code(page, sms_file, COURIER_PHONE)
    # The union confirmed the courier's record for this phone (the binding queue's work).
    Member.objects.filter(worker=None).update(worker=courier, bound_via="phone")

    page.goto("/m/campaigns/checks/")
    form = page.get_by_test_id("book-form")
    form.wait_for()
    assert activity.name in page.get_by_test_id("check-activity").inner_text()
    form.locator("select[name=outlet]").select_option(str(outlet.pk))
    day = clock.today() + datetime.timedelta(days=1)
    form.locator("select[name=day]").select_option(day.isoformat())
    for control in form.locator("select, button").all():
        assert control.bounding_box()["height"] >= 44
    form.locator("button[type=submit]").click()

    booked = page.get_by_test_id("my-booking")
    booked.wait_for()
    assert day.isoformat() in booked.inner_text() and outlet.name in booked.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "health-check-booked-phone")
    booking = Booking.objects.get(worker=courier)
    assert (booking.status, booking.booked_via, booking.appointment_on) == (
        BookingStatus.BOOKED,
        BookedVia.MEMBER,
        day,
    )
    assert Quota.objects.get(activity=activity, org__code="410108").used == 1
