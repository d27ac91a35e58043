"""A 郑州 caseworker sets who is eligible for the winter visits, previews the count per
county, enrols them, and sees the list drawn up; on a phone the same page still works."""

import datetime

import pytest

from conftest import PASSWORD
from nuanjia.campaigns import services
from nuanjia.campaigns.models import Enrolment, Roster
from nuanjia.campaigns.rules import ActivityKind, CampaignStatus
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.people.models import OccupationTag
from nuanjia.relief.tests.conftest import make_worker

from .conftest import PHONE, screenshot, sign_in


@pytest.fixture
def city_caseworker(transactional_db, make_staff):
    return make_staff("410100", Role.CASEWORKER, username="zz_caseworker")


@pytest.fixture
def visit_activity(transactional_db, make_staff):
    planner = make_staff("410000", Role.CASEWORKER, username="sz_planner")
    campaign = services.create_campaign(
        code="2026-winter",
        name="2026年送温暖",
        lead_org=Org.objects.get(code="410000"),
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2027, 2, 28),
        by=planner,
    )
    services.set_campaign_status(campaign, CampaignStatus.OPEN, by=planner)
    return services.create_activity(
        campaign,
        kind=ActivityKind.VISIT,
        name="送温暖慰问",
        org=campaign.lead_org,
        rule={"all": [{"fact": "occupation", "op": "in", "value": ["环卫工人"]}]},
        by=planner,
    )


@pytest.fixture
def sanitation(transactional_db, tree):
    tag = OccupationTag.objects.get(name="环卫工人")
    workers = [make_worker(code) for code in ("410108", "410108", "410102")]
    for worker in workers:
        worker.occupations.add(tag)
    make_worker("410108")  # not a sanitation worker
    return workers


def test_preview_then_enrol_on_the_enrolment_page(
    new_page, visit_activity, sanitation, city_caseworker
):
    page = new_page()
    sign_in(page, city_caseworker.username, PASSWORD)
    page.goto(f"/campaigns/activities/{visit_activity.pk}/enrolment/")
    assert "环卫工人" in page.get_by_test_id("rule-text").inner_text()
    page.select_option("#preview-org", "410100")
    page.get_by_test_id("preview-button").click()
    assert "3" in page.get_by_test_id("preview-total").inner_text()
    rows = page.get_by_test_id("preview").locator("tbody tr")
    assert rows.count() == 2  # 惠济区 and 中原区
    screenshot(page, "campaign-preview")
    page.get_by_test_id("enrol").click()
    page.get_by_test_id("run-progress").first.wait_for()
    assert Enrolment.objects.filter(activity=visit_activity).count() == 3
    roster = Roster.objects.get(activity=visit_activity)
    page.goto(f"/campaigns/lists/{roster.pk}/")
    assert page.get_by_test_id("roster-count").inner_text() == "3"
    screenshot(page, "campaign-roster")


def test_the_enrolment_page_fits_a_phone(new_page, visit_activity, sanitation, city_caseworker):
    page = new_page(PHONE)
    sign_in(page, city_caseworker.username, PASSWORD)
    page.goto(f"/campaigns/activities/{visit_activity.pk}/enrolment/?preview=1&org=410100")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1
    screenshot(page, "campaign-preview-phone")
