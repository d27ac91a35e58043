"""An agent takes a call on the 12351 desk: the caller's worker record appears from the phone
number, the agent picks it, and the ticket is created and routed to 惠济区."""

import pytest

from conftest import PASSWORD
from nuanjia.core.tests.uploads import JPEG
from nuanjia.hotline import services
from nuanjia.hotline.models import Ticket
from nuanjia.hotline.rules import Kind
from nuanjia.orgs.models import Org
from nuanjia.people import services as people

from .conftest import PHONE, screenshot, sign_in


@pytest.fixture(autouse=True)
def fresh_hotline_caches():
    """Routing and the calendar are cached per process; each test reloads the union tree."""
    from nuanjia.hotline import deadlines, queries

    deadlines.clear_caches()
    queries.clear_route_cache()
    yield
    deadlines.clear_caches()
    queries.clear_route_cache()


@pytest.fixture
def caller(transactional_db, tree, caseworker):
    huiji = Org.objects.get(code="410108")
    return people.register_worker(org=huiji, by=caseworker, name="黄晓东", phone="13812345678")


def test_an_agent_takes_a_call_and_the_ticket_is_routed(new_page, caller, hotline_agent):
    page = new_page()
    sign_in(page, hotline_agent.username, PASSWORD)
    page.get_by_test_id("todo").wait_for()
    page.goto("/hotline/")
    # The caller's records appear in a live region: a screen reader announces the match.
    assert page.get_attribute("#caller", "aria-live") == "polite"
    page.fill("#id_phone", "13812345678")
    workers = page.get_by_test_id("caller-workers")
    workers.wait_for()
    assert "黄晓东" in workers.inner_text()
    page.click(f"[data-pick-worker='{caller.pk}']")
    assert page.input_value("#id_caller_name") == "黄晓东"
    page.fill("#id_region_code", "410108")
    page.get_by_test_id("proposed-org").wait_for()
    assert "惠济区" in page.get_by_test_id("proposed-org").inner_text()
    page.select_option("#id_kind", "complaint")
    page.check("#id_is_urgent")
    page.fill("#id_description", "餐厅拖欠工资三个月，和5名同事一起求助")
    screenshot(page, "hotline-desk")
    page.get_by_test_id("take-call").click()
    page.get_by_test_id("ticket-number").wait_for()
    ticket = Ticket.objects.get()
    assert page.get_by_test_id("ticket-number").inner_text() == ticket.number
    assert "惠济区" in page.get_by_test_id("ticket-org").inner_text()
    assert ticket.worker_id == caller.pk and ticket.org.code == "410108"
    assert ticket.status == "dispatched"
    screenshot(page, "hotline-ticket")


def test_the_public_page_works_on_a_phone(new_page, tree):
    page = new_page(PHONE)
    page.goto("/12351/")
    page.fill("#id_phone", "13912345678")
    page.select_option("#id_region_code", "410108")
    page.fill("#id_description", "工资被拖欠三个月，附工资条")
    photo = {
        "name": "工资条.jpg",
        "mimeType": "image/jpeg",
        "buffer": JPEG,
    }
    page.set_input_files("#id_files", files=[photo])
    screenshot(page, "hotline-public-form")
    page.get_by_test_id("public-form").locator("button[type=submit]").click()
    number = page.get_by_test_id("public-ticket-number").inner_text()
    ticket = Ticket.objects.get()
    assert number == ticket.number
    assert list(ticket.attachments.values_list("name", flat=True)) == ["工资条.jpg"]
    screenshot(page, "hotline-public")


def test_a_caller_follows_a_request_and_adds_a_pay_slip_on_a_phone(new_page, tree):
    from nuanjia.hotline import services

    ticket, _ = services.submit_request(
        caller_name="", phone="13912345678", region_code="410108", kind="help",
        description="工资被拖欠",
    )  # fmt: skip
    page = new_page(PHONE)
    page.goto("/12351/follow/")
    page.fill("#id_number", ticket.number)
    page.fill("#id_last4", "5678")
    page.get_by_test_id("follow-form").locator("button[type=submit]").click()
    assert page.get_by_test_id("follow-status").inner_text()
    slip = {
        "name": "工资条.pdf",
        "mimeType": "application/pdf",
        "buffer": b"%PDF-1.7\n" + bytes(300),
    }
    page.get_by_test_id("follow-attach-form").locator("input[type=file]").set_input_files([slip])
    page.get_by_test_id("follow-attach-form").locator("button[type=submit]").click()
    page.get_by_test_id("follow-attached").wait_for()
    assert list(ticket.attachments.values_list("name", flat=True)) == ["工资条.pdf"]
    screenshot(page, "hotline-follow-attached")


def test_an_agent_takes_and_releases_a_ticket_on_a_phone(new_page, caller, hotline_agent):
    ticket = services.open_ticket(
        by=hotline_agent, phone="13812345678", region_code="410108", kind=Kind.HELP,
        description="求助", dispatch=True,
    )  # fmt: skip
    page = new_page(PHONE)
    sign_in(page, hotline_agent.username, PASSWORD)
    page.get_by_test_id("todo").wait_for()
    page.goto(f"/hotline/tickets/{ticket.pk}/")
    page.get_by_test_id("take").click()
    release = page.get_by_test_id("release")
    release.wait_for()
    # A button to tap, the same size as the one that took the ticket, not a line of text.
    assert release.bounding_box()["height"] >= 40
    page.goto("/hotline/tickets/?mine=1")
    assert ticket.number in page.get_by_test_id("ticket-list").inner_text()
    screenshot(page, "hotline-mine-phone")
    page.goto(f"/hotline/tickets/{ticket.pk}/")
    page.get_by_test_id("release").click()
    page.get_by_test_id("take").wait_for()
