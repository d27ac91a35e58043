"""工人先锋号 in the browser: a grassroots union's caseworker nominates its team; the city's
reviewer reviews it with the publicity already held and the city's approver awards it; the
title shows on the team's page. Phone-sized for the nomination, desktop for the city."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.orgs.services import create_grassroots_union
from nuanjia.pioneers import services

from .conftest import PHONE, screenshot, sign_in


@pytest.fixture
def people(transactional_db, make_staff):
    union = create_grassroots_union(
        parent=Org.objects.get(code="410108"), name="郑州热电厂工会", kind=Org.Kind.ENTERPRISE,
        by=None,
    )  # fmt: skip
    nominator = make_staff(union.code, Role.CASEWORKER, username="rd_browser_cw")
    reviewer = make_staff("410100", Role.REVIEWER, username="zz_browser_reviewer")
    approver = make_staff("410100", Role.APPROVER, username="zz_browser_approver")
    TOTPDevice.objects.create(user=approver, name="手机", confirmed=True)
    team = services.create_team(union, name="一号机组运行班", members_count=12, by=nominator)
    return nominator, reviewer, approver, team


def _sign_out(page):
    page.context.clear_cookies()


def test_a_team_nominated_reviewed_and_awarded_shows_its_title(new_page, people):
    nominator, reviewer, approver, team = people
    page = new_page(PHONE)
    sign_in(page, nominator.username, PASSWORD)
    page.goto(f"/pioneers/teams/{team.pk}/")
    page.fill("textarea[name=deeds]", "连续三年安全生产零事故")
    page.get_by_test_id("nominate").click()
    page.get_by_test_id("title-status").wait_for()
    assert page.get_by_test_id("title-status").get_attribute("data-status") == "nominated"
    screenshot(page, "pioneers-nominated-phone")
    title_url = page.url
    _sign_out(page)

    page = new_page()
    sign_in(page, reviewer.username, PASSWORD)
    page.goto(title_url)
    page.fill("input[name=publicity_starts_on]", "2026-01-05")
    page.fill("input[name=publicity_ends_on]", "2026-01-11")
    page.get_by_test_id("step-review").click()
    page.get_by_test_id("title-status").wait_for()
    assert page.get_by_test_id("title-status").get_attribute("data-status") == "publicity"
    _sign_out(page)

    sign_in(page, approver.username, PASSWORD)
    page.wait_for_url("**/accounts/2fa/**")
    device = TOTPDevice.objects.get(user=approver)
    page.fill("input[name=code]", f"{totp(device.bin_key):06d}")
    page.click("main form button.primary")
    page.get_by_test_id("todo").wait_for()
    page.goto(title_url)
    page.select_option("select[name=level]", "city")
    page.fill("input[name=certificate_number]", "ZZGRXFH-2026-001")
    page.get_by_test_id("step-award").click()
    page.get_by_test_id("title-status").wait_for()
    assert page.get_by_test_id("title-status").get_attribute("data-status") == "awarded"
    screenshot(page, "pioneers-awarded-desktop")
    page.goto(f"/pioneers/teams/{team.pk}/")
    titles = page.get_by_test_id("team-titles").inner_text()
    assert "ZZGRXFH-2026-001" in titles
    screenshot(page, "pioneers-team-desktop")
