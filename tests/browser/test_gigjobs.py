"""A member on the phone (390×844) signs up at 郑州's 零工客栈, sees a job near them, is
proposed for it by the corner and consents; the corner's caseworker then sees the match
completed in the corner's figures and opens the rows behind them."""

import datetime

import pytest
from django.utils import timezone

from conftest import PASSWORD
from nuanjia.gigjobs import services
from nuanjia.gigjobs.models import GigWorker, Match
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.standards.models import MinimumWage

from .conftest import PHONE, screenshot, sign_in
from .test_members import sign_in_by_code, sms_file  # noqa: F401 -- sms_file is a fixture

MEMBER_PHONE = "13700005555"


@pytest.fixture
def corner_with_post(transactional_db, make_staff):
    staff = make_staff("410100", Role.CASEWORKER, username="zz_gig_browser")
    MinimumWage.objects.get_or_create(
        region_code="410100", effective_on=datetime.date(2020, 1, 1),
        defaults={"monthly_fen": 210_000},
    )  # fmt: skip
    corner = services.create_corner(
        Org.objects.get(code="410100"), by=staff, name="二七零工客栈", region_code="410100",
        address="郑州市二七区二七广场东", lat=34.7466, lng=113.6254,
    )  # fmt: skip
    today = timezone.localdate()
    post = services.create_post(
        corner, by=staff, employer_name="郑州建工三公司", work="小工（搬运）", pay_unit="day",
        pay_fen=200_00, address="郑州市金水区农业路", lat=34.79, lng=113.66,
        starts_on=today, ends_on=today + datetime.timedelta(days=4), workers_wanted=2,
        contact_name="李经理", contact_phone="13800001234",
    )  # fmt: skip
    return staff, corner, post


def test_member_consents_staff_see_corner_figures(new_page, sms_file, corner_with_post):  # noqa: F811
    staff, corner, post = corner_with_post
    page = new_page(PHONE)
    sign_in_by_code(page, sms_file, MEMBER_PHONE)
    page.goto("/m/gigjobs/")
    form = page.get_by_test_id("sign-up")
    form.locator("input[name=name]").fill("赵师傅")
    form.locator("input[name=skills]").fill("搬运")
    today = timezone.localdate()
    form.locator("input[name=available_from]").fill(f"{today}")
    form.locator("input[name=available_until]").fill(f"{today + datetime.timedelta(days=30)}")
    form.locator("button[type=submit]").click()
    page.get_by_test_id("flash").wait_for()
    screenshot(page, "gigjobs-member-signed-up")
    page.get_by_test_id("near-job").first.wait_for()
    assert "小工（搬运）" in page.get_by_test_id("near-job").first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    gig = GigWorker.objects.get(name="赵师傅")
    match = services.propose_match(post, gig, by=staff)
    page.goto("/m/gigjobs/")
    screenshot(page, "gigjobs-member-near-job")
    page.get_by_test_id("consent").click()
    page.get_by_test_id("flash").wait_for()
    match.refresh_from_db()
    assert match.status == "consented"

    services.start_match(match, by=staff)
    services.complete_match(match, by=staff, days_worked=3)
    desk = new_page()
    sign_in(desk, staff.username, PASSWORD)
    desk.goto(f"/gigjobs/corners/{corner.pk}/")
    figures = desk.get_by_test_id("corner-figures")
    figures.wait_for()
    values = [cell.inner_text() for cell in figures.locator("td").all()]
    assert values == ["1", "2", "1", "1", "3"]  # posts, wanted, matches, completed, days
    screenshot(desk, "gigjobs-corner-figures")
    desk.get_by_test_id("figure-4").click()
    desk.get_by_test_id("matches").wait_for()
    assert str(Match.objects.get()) in desk.get_by_test_id("matches").inner_text()
