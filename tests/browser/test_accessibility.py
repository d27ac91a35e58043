"""Accessibility (issue #26, docs/accessibility.md) beyond the axe check every browser test gets:
the public pages' targets at 390 × 844, a failed submit that says so, the skip link, the language
switch with its own button, the statement page reachable without signing in."""

import pytest

from conftest import PASSWORD
from nuanjia.orgs.models import Org
from nuanjia.stations import services as stations
from nuanjia.stations.models import Visit
from nuanjia.stations.services import StationFields

from .conftest import DESKTOP, PHONE, assert_accessible, screenshot, sign_in
from .test_member_layout import MEASURE

# The public pages a worker reaches without signing in (the member pages are measured by
# test_member_layout at 360, 390 and 430 px wide).
PUBLIC_PAGES = ["/12351/", "/12351/follow/", "/accessibility/", "/s/"]


@pytest.fixture
def station(transactional_db, tree):
    return stations.create_station(
        StationFields(
            code="ZZ-08-001", name="惠济区暖心驿站", org=Org.objects.get(code="410108"),
            address="郑州市惠济区天河路1号", region_code="410108", lat=34.86, lng=113.62,
            facilities={"饮水": None, "热饭": None},
        ),
        by=None,
    )  # fmt: skip


def _small_targets(page) -> list[str]:
    return page.evaluate(MEASURE)["small"]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_every_public_page_passes_axe_and_has_44_px_targets(new_page, station, viewport):
    page = new_page(viewport)
    for url in [*PUBLIC_PAGES, f"/s/{station.code}/"]:
        page.goto(url)  # axe runs after every goto (conftest)
        if viewport == PHONE:
            assert _small_targets(page) == [], url
    screenshot(page, f"a11y-checkin-{'phone' if viewport == PHONE else 'desktop'}")


def test_a_failed_submit_is_announced_and_each_error_is_its_fields_description(new_page, tree):
    page = new_page(PHONE)
    page.goto("/12351/")
    page.get_by_test_id("public-form").locator("button[type=submit]").click()
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert page.title().startswith("错误：")
    described = page.evaluate(
        """() => [...document.querySelectorAll('[aria-invalid=true]')].map((field) => [
            field.id,
            (field.getAttribute('aria-describedby') || '').split(' ').filter(Boolean)
              .map((id) => document.getElementById(id)?.innerText.trim() || '<missing ' + id + '>'),
        ])"""
    )
    assert described, "no field is marked invalid"
    for field_id, texts in described:
        assert texts and not any(text.startswith("<missing") for text in texts), field_id
    assert _small_targets(page) == []
    assert_accessible(page)
    screenshot(page, "a11y-public-errors-phone")


def test_the_station_check_in_refuses_a_card_that_is_not_one(new_page, station):
    page = new_page(PHONE)
    page.goto(f"/s/{station.code}/")
    page.fill("#id_card_or_phone", "abc")
    page.get_by_test_id("checkin-form").locator("button[type=submit]").click()
    error = page.locator("#id_card_or_phone_error")
    error.wait_for()
    assert page.title().startswith("错误：")
    described = page.get_attribute("#id_card_or_phone", "aria-describedby").split()
    assert "id_card_or_phone_error" in described
    assert not Visit.objects.exists()


def test_the_header_the_footer_and_the_statement_on_a_public_page(new_page, tree):
    page = new_page(PHONE)
    page.goto("/12351/")
    assert page.locator(".brand").get_attribute("href") == "/12351/"
    assert page.locator("a[href='tel:037112351']").count() == 1
    page.locator("footer a[href='/accessibility/']").click()
    page.wait_for_url("**/accessibility/")
    assert page.locator("h1").inner_text()
    assert page.locator("a[href^='tel:']").count() >= 1


def test_the_language_switches_only_with_its_button(new_page, tree):
    page = new_page(DESKTOP)
    page.goto("/12351/")
    page.fill("#id_description", "工资被拖欠")
    page.focus("#lang")
    page.keyboard.press("ArrowDown")
    page.wait_for_timeout(300)
    assert page.input_value("#id_description") == "工资被拖欠"  # nothing reloaded
    page.select_option("#lang", "en")
    page.locator("footer button[type=submit]").click()
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == "en"


def test_a_staff_page_starts_with_a_skip_link(new_page, caseworker):
    page = new_page(DESKTOP)
    sign_in(page, caseworker.username, PASSWORD)
    page.get_by_test_id("todo").wait_for()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
