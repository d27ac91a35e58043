"""A courier on a phone: signs in with a texted code, says who they are (not yet in the
registry), applies to join the county's holding pool, is accepted by the county approver
(a second browser, staff, with the second factor), shows the member card, files a 12351
request and follows it."""

import json
import re
import time

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from nuanjia.hotline import services as hotline
from nuanjia.hotline.models import Ticket
from nuanjia.members.models import Join
from nuanjia.people.models import Worker
from nuanjia.people.tests.support import id_number

from .conftest import PHONE, screenshot, sign_in

COURIER_PHONE = "13700001111"
COURIER_ID = id_number(region="410108", sequence=731)


@pytest.fixture(autouse=True)
def fresh_hotline_caches():
    """Routing and deadlines are cached per process; a flushed database needs them reloaded."""
    from nuanjia.hotline import deadlines, queries

    deadlines.clear_caches()
    queries.clear_route_cache()
    yield
    deadlines.clear_caches()
    queries.clear_route_cache()


@pytest.fixture
def sms_file(settings, tmp_path):
    """Texts go to a file, as on a demo server: the test reads the code there."""
    settings.SMS_BACKEND = "nuanjia.core.sms.FileBackend"
    settings.SMS_FILE = tmp_path / "sms.log"
    return settings.SMS_FILE


def texted_code(sms_file, phone: str) -> str:
    """The code of the newest text to `phone` in the file backend's log."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = sms_file.read_text(encoding="utf-8").splitlines() if sms_file.exists() else []
        for line in reversed(lines):
            text = json.loads(line)
            if text["to"] == phone:
                return re.search(r"\b\d{6}\b", text["text"]).group()
        time.sleep(0.1)
    raise AssertionError(f"no text to {phone} in {sms_file}")


def sign_in_by_code(page, sms_file, phone: str) -> None:
    page.goto("/m/")
    page.wait_for_url("**/m/sign-in/**")  # a stranger is sent to sign in
    page.get_by_label("手机号码").fill(phone)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_test_id("code-form").wait_for()
    page.get_by_label("短信验证码").fill(texted_code(sms_file, phone))
    page.get_by_label("我已阅读并同意个人信息保护说明").check()
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/m/")


def open_staff(new_page, user, device):
    page = new_page()
    sign_in(page, user.username, PASSWORD)
    page.wait_for_url("**/accounts/2fa/**")
    page.fill("input[name=code]", f"{totp(device.bin_key):06d}")
    page.click("main form button.primary")
    page.get_by_test_id("todo").wait_for()
    return page


def test_a_courier_joins_on_a_phone_shows_the_card_and_follows_a_request(
    new_page, sms_file, tree, approver, hotline_agent
):
    device = TOTPDevice.objects.create(user=approver, name="手机", confirmed=True)
    phone = new_page(PHONE, has_touch=True, is_mobile=True)

    # Signs in with the texted code; a new account agrees to the privacy notice.
    sign_in_by_code(phone, sms_file, COURIER_PHONE)
    assert "137****1111" in phone.locator("main").inner_text()

    # Not in the registry: tells who they are and is registered in the county's pool.
    phone.get_by_test_id("tile-identify").click()
    phone.get_by_label("您的姓名").fill("赵小勇")
    phone.get_by_label("身份证号").fill(COURIER_ID)
    phone.get_by_label("居住地（县区）").select_option("410108")
    phone.get_by_test_id("identify-form").get_by_role("button").click()
    phone.wait_for_url("**/m/")
    assert "您好，赵小勇" in phone.get_by_role("heading", level=1).inner_text()
    worker = Worker.objects.get(name="赵小勇")
    assert worker.org.code == "410108-P" and not worker.is_member

    # Joins: first the county, then the application (to the county's pool, no workplace union).
    phone.get_by_test_id("tile-join").click()
    phone.get_by_label("职业").select_option(label="快递员")
    phone.get_by_label("所在平台或单位").fill("顺丰速运")
    phone.get_by_label("居住地（县区）").select_option("410108")
    phone.get_by_role("button", name="继续").click()
    phone.get_by_role("button", name="提交入会申请").wait_for()
    assert phone.get_by_label("职业").locator("option:checked").inner_text() == "快递员"
    screenshot(phone, "members-join-apply")
    phone.get_by_role("button", name="提交入会申请").click()
    phone.wait_for_url("**/m/")
    assert "惠济区" in phone.get_by_test_id("join-pending").inner_text()
    join = Join.objects.get(worker=worker)
    assert join.status == Join.Status.POOL_REVIEW and join.org.code == "410108-P"

    # The county approver, in a browser of their own, finds it in the queue and accepts it.
    staff = open_staff(new_page, approver, device)
    staff.goto("/members/joins/")
    queue = staff.get_by_test_id("joins")
    assert "赵小勇" in queue.inner_text() and "快递员" in queue.inner_text()
    queue.get_by_role("link", name="赵小勇").click()
    assert staff.get_by_test_id("join-status").inner_text() == "待县区总工会审批"
    screenshot(staff, "members-join-detail-staff")
    staff.get_by_test_id("step-accept").get_by_role("button").click()
    staff.wait_for_url(f"**/members/joins/{join.pk}/")
    assert staff.get_by_test_id("join-status").inner_text() == "已同意"
    worker.refresh_from_db()
    assert worker.is_member

    # The courier sees the card: the QR whole on the screen, the member number beside it.
    phone.reload()
    assert phone.get_by_test_id("tile-messages").locator(".badge").inner_text() == "1"
    phone.get_by_test_id("tile-card").click()
    card = phone.get_by_test_id("member-card")
    assert phone.get_by_test_id("member-number").inner_text() == worker.member_number
    assert "赵小勇" in card.inner_text()
    qr = card.locator(".qr svg path").bounding_box()  # what is drawn, not only its box
    assert qr["width"] >= 160 and qr["x"] >= 0 and qr["x"] + qr["width"] <= PHONE["width"]
    assert qr["y"] + qr["height"] <= PHONE["height"]  # on the first screen, nothing to scroll
    screenshot(phone, "members-card")
    phone.goto("/m/messages/")
    assert worker.member_number in phone.get_by_test_id("message-list").inner_text()

    # Files a 12351 request from the phone pages: the phone is the signed-in one.
    phone.goto("/m/")
    phone.get_by_role("link", name="提交 12351 诉求").click()
    form = phone.get_by_test_id("my-request-form")
    assert form.get_by_label("手机号码").count() == 0
    form.get_by_label("工作地").select_option("410108")
    form.get_by_label("诉求类型").select_option("help")
    form.get_by_label("您的诉求").fill("站点拖欠两个月派件费，想问怎么维权")
    form.get_by_role("button", name="提交").click()
    phone.wait_for_url("**/m/requests/*/")
    ticket = Ticket.objects.get()
    assert phone.get_by_role("heading", level=1).inner_text().endswith(ticket.number)
    assert phone.get_by_test_id("my-request-status").inner_text() == "已受理"
    assert "派件费" in phone.get_by_test_id("my-request").inner_text()

    # The hotline classifies and dispatches it; the courier follows it from their list.
    ticket = hotline.classify_ticket(ticket, by=hotline_agent, kind="help", ticket_class="general")
    hotline.dispatch_ticket(ticket, by=hotline_agent)
    phone.goto("/m/requests/")
    phone.get_by_test_id("my-requests").get_by_role("link", name=ticket.number).click()
    assert phone.get_by_test_id("my-request-status").inner_text() == "已派单"
    assert "惠济区" in phone.get_by_test_id("my-request").inner_text()
    screenshot(phone, "members-request-followed")
