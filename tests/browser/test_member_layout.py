"""The member's phone pages in WeChat on small, middling and large phones, and at 200 % text:
no page scrolls sideways, nothing sticks out of the screen, every link, button and field is a
44 px target, and the card's QR is whole on the screen. The staff join pages on a desktop.

Each page is saved to test-artifacts/ (m-<page>-<width>[-text200].png) to be looked at."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from nuanjia.core.sms import MemoryBackend
from nuanjia.hotline import services as hotline
from nuanjia.members import services
from nuanjia.members.auth import COOKIE, COOKIE_PATH
from nuanjia.members.models import PhoneCode
from nuanjia.members.services import partners
from nuanjia.members.workflow import JOIN_FLOW, JoinStep
from nuanjia.people.models import OccupationTag
from nuanjia.people.tests.support import id_number, register

from .conftest import screenshot, sign_in

WECHAT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2f) NetType/WIFI "
    "Language/zh_CN"
)
PHONES = {360: 780, 390: 844, 430: 932}  # width → height
TARGET = 44  # px: the smallest link, button or field a thumb should have to hit
# The "larger text" setting, as far as a page can tell: the root font size doubled.
TEXT_200 = """new MutationObserver((changes, observer) => {
  if (document.documentElement) {
    document.documentElement.style.fontSize = '200%';
    observer.disconnect();
  }
}).observe(document, {childList: true});"""
MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const visible = el => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== 'hidden';
  };
  const name = el => (el.tagName.toLowerCase() + ' "' +
    (el.innerText || el.value || el.name || el.getAttribute('aria-label') || '').trim().slice(0, 30) + '"');
  const small = [], outside = [];
  for (const el of document.querySelectorAll('a[href], button, select, textarea, input:not([type=hidden])')) {
    if (!visible(el)) continue;
    // A checkbox is tapped through its label, which holds it.
    const target = el.matches('input[type=checkbox], input[type=radio]') ? (el.closest('label') || el) : el;
    const box = target.getBoundingClientRect();
    if (box.height < 43.5 || box.width < 43.5) small.push(`${name(el)} ${Math.round(box.width)}×${Math.round(box.height)}`);
  }
  for (const el of document.querySelectorAll('body *')) {
    if (!visible(el)) continue;
    const box = el.getBoundingClientRect();
    if (box.left < -0.5 || box.right > width + 0.5) outside.push(`${name(el)} ${Math.round(box.left)}…${Math.round(box.right)}`);
  }
  return {width, scrollWidth: document.documentElement.scrollWidth, small, outside};
}"""


def _sign_in_member(phone: str) -> tuple[object, str]:
    """(member, raw device key) for `phone`, through a texted code."""
    services.send_code(
        phone, PhoneCode.Purpose.SIGN_IN, ip="127.0.0.1", text="code %(code)s %(minutes)d"
    )
    code = next(text for to, text in reversed(MemoryBackend.outbox) if to == phone).split()[1]
    return services.sign_in(
        phone, code, user_agent=WECHAT, consent_version=services.PRIVACY_NOTICE_VERSION
    )


def _identify(member, name: str, sequence: int) -> None:
    services.identify(
        member, name=name, id_number=id_number(region="410108", sequence=sequence),
        region_code="410108",
    )  # fmt: skip
    member.refresh_from_db()


def _apply(member):
    return services.apply_to_join(
        member, occupation=OccupationTag.objects.get(name="快递员").pk,
        employer_name="美团外卖郑州惠济站点（众包）", region_code="410108",
    )  # fmt: skip


@pytest.fixture
def members(settings, transactional_db, tree, approver, caseworker, hotline_agent):
    """Five members, one in each state the home page knows: a newcomer nobody knows yet, an
    applicant who said who they are, one whose join waits, one whose binding to a registered
    worker waits, and a member with a card, a message and two 12351 requests (one already
    dispatched)."""
    settings.SMS_BACKEND = "nuanjia.core.sms.MemoryBackend"
    MemoryBackend.outbox.clear()
    register(caseworker, name="周丽", phone="13911112222", id_number=id_number(sequence=308))
    binding_member, binding_key = _sign_in_member("13700000005")
    binding = services.identify(binding_member, name="周丽", id_number=id_number(sequence=308))
    _newcomer, newcomer_key = _sign_in_member("13700000001")
    applicant, applicant_key = _sign_in_member("13700000002")
    _identify(applicant, "钱晓燕", 402)
    waiting, waiting_key = _sign_in_member("13700000003")
    _identify(waiting, "孙建军", 503)
    _apply(waiting)
    courier, courier_key = _sign_in_member("13700000004")
    _identify(courier, "欧阳小明", 605)
    JOIN_FLOW.take_step(_apply(courier), JoinStep.ACCEPT, by=approver)
    for name, kind in [("郑州市第七人民医院（惠济院区）", "hospital"), ("老张早餐", "shop")]:
        partner = partners.register_partner(org=tree["410108"], name=name, kind=kind, by=approver)
    courier.refresh_from_db()
    partners.give_partner_consent(courier, partner)
    short, _ = hotline.submit_request(
        caller_name="", phone="13700000004", region_code="410108", kind="help",
        description="站点拖欠两个月派件费",
    )  # fmt: skip
    long_text = "我在惠济区某快递站点送件三年，" * 12 + "请工会帮忙。"
    ticket, _ = hotline.submit_request(
        caller_name="欧阳小明", phone="13700000004", region_code="410108", kind="complaint",
        description=long_text, employer_name="某某快递惠济区第一分拣中心",
    )  # fmt: skip
    hotline.dispatch_ticket(
        hotline.classify_ticket(ticket, by=hotline_agent, kind="complaint", ticket_class="general"),
        by=hotline_agent,
    )
    return {
        "newcomer": newcomer_key,
        "applicant": applicant_key,
        "waiting": waiting_key,
        "courier": courier_key,
        "binding": binding_key,
        "binding_id": binding.pk,
        "tickets": [short.number, ticket.number],
    }


def _pages(members) -> list[tuple[str | None, str, str, object]]:
    """(who, page name, URL, what to do there first) in order."""
    short, long = members["tickets"]

    def ask_code(page):
        page.get_by_label("手机号码").fill("13700000009")
        page.get_by_test_id("phone-form").get_by_role("button").click()
        page.get_by_test_id("code-form").wait_for()

    def wrong_id(page):
        page.get_by_label("您的姓名").fill("李四")
        page.get_by_label("身份证号").fill("41010819850615000X")
        page.get_by_label("居住地（县区）").select_option("410108")
        page.get_by_test_id("identify-form").get_by_role("button").click()
        page.locator(".error").first.wait_for()

    def empty_request(page):
        page.get_by_label("工作地").select_option("410108")
        page.get_by_test_id("my-request-form").locator("button[type=submit]").click()
        page.locator(".error, .errors").first.wait_for()

    return [
        (None, "sign-in", "/m/sign-in/", None),
        (None, "sign-in-code", "/m/sign-in/", ask_code),
        (None, "privacy", "/m/privacy/", None),
        (None, "partner-sign-in", "/p/sign-in/", None),
        ("newcomer", "home-newcomer", "/m/", None),
        ("newcomer", "identify", "/m/me/", None),
        ("newcomer", "identify-error", "/m/me/", wrong_id),
        ("newcomer", "no-card", "/m/card/", None),
        ("applicant", "home-applicant", "/m/", None),
        ("applicant", "join-county", "/m/join/", None),
        ("applicant", "join-apply", "/m/join/?region_code=410108", None),
        ("waiting", "home-waiting", "/m/", None),
        ("binding", "home-binding", "/m/", None),
        ("courier", "home-member", "/m/", None),
        ("courier", "card", "/m/card/", None),
        ("courier", "messages", "/m/messages/", None),
        ("courier", "devices", "/m/devices/", None),
        ("courier", "partners", "/m/partners/", None),
        ("courier", "requests", "/m/requests/", None),
        ("courier", "request-new", "/m/requests/new/", None),
        ("courier", "request-error", "/m/requests/new/", empty_request),
        ("courier", "request-short", f"/m/requests/{short}/", None),
        ("courier", "request-long", f"/m/requests/{long}/", None),
    ]


def _phone_page(new_page, live_server, width: int, key: str | None, *, text200: bool):
    page = new_page(
        {"width": width, "height": PHONES[width]},
        user_agent=WECHAT,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=1,
    )
    if key:
        host = urlparse(live_server.url).hostname
        page.context.add_cookies(
            [{"name": COOKIE, "value": key, "domain": host, "path": COOKIE_PATH}]
        )
    if text200:
        page.context.add_init_script(TEXT_200)
    return page


def _inside(inner: dict, outer: dict) -> bool:
    return (
        outer["x"] - 0.5 <= inner["x"]
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5
        and outer["y"] - 0.5 <= inner["y"]
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 0.5
    )


def _check(page, label: str) -> list[str]:
    found = page.evaluate(MEASURE)
    problems = []
    if found["scrollWidth"] > found["width"]:
        problems.append(f"{label}: scrolls sideways ({found['scrollWidth']} > {found['width']})")
    problems += [f"{label}: sticks out: {item}" for item in found["outside"]]
    problems += [f"{label}: under {TARGET} px: {item}" for item in found["small"]]
    card = page.get_by_test_id("member-card")
    if card.count():
        # The drawing, not only its box: an SVG without a viewBox does not scale with its box.
        qr, drawn = (
            card.locator(".qr svg").bounding_box(),
            card.locator(".qr svg path").bounding_box(),
        )
        if not (_inside(qr, card.bounding_box()) and _inside(drawn, qr)):
            problems.append(f"{label}: the QR is not whole inside the card")
        if (
            drawn["width"] < 160
            or drawn["width"] < 0.8 * qr["width"]
            or abs(qr["width"] - qr["height"]) > 1
        ):
            problems.append(
                f"{label}: a QR of {drawn['width']:.0f} px in a box of {qr['width']:.0f}×{qr['height']:.0f}"
            )
    return problems


@pytest.mark.parametrize(
    ("width", "text200"),
    [(360, False), (390, False), (430, False), (360, True)],
    ids=["360", "390", "430", "360-text200"],
)
def test_member_pages_fit_a_phone_in_wechat(new_page, live_server, members, width, text200):
    pages: dict[str | None, object] = {}
    problems = []
    for who, name, url, before in _pages(members):
        if who not in pages:
            pages[who] = _phone_page(
                new_page, live_server, width, members.get(who) if who else None, text200=text200
            )
        page = pages[who]
        page.goto(url)
        if before:
            before(page)
        suffix = "-text200" if text200 else ""
        screenshot(page, f"m-{name}-{width}{suffix}")
        problems += _check(page, f"{name} @{width}{suffix}")
    assert not problems, "\n".join(problems)


def test_the_staff_join_pages_read_well_on_a_desktop(new_page, members, approver):
    device = TOTPDevice.objects.create(user=approver, name="手机", confirmed=True)
    page = new_page({"width": 1366, "height": 900})
    sign_in(page, approver.username, PASSWORD)
    page.wait_for_url("**/accounts/2fa/**")
    page.fill("input[name=code]", f"{totp(device.bin_key):06d}")
    page.click("main form button.primary")
    page.get_by_test_id("todo").wait_for()
    page.goto("/members/joins/")
    queue = page.get_by_test_id("joins")
    assert "孙建军" in queue.inner_text()
    screenshot(page, "members-staff-joins-1366")
    queue.get_by_role("link", name="孙建军").click()
    page.get_by_test_id("join-status").wait_for()
    screenshot(page, "members-staff-join-1366")
    # Each decision is a box of its own, its note above its button; the boxes do not overlap.
    boxes = []
    for step in ("accept", "refuse"):
        form = page.get_by_test_id(f"step-{step}")
        box, note = form.bounding_box(), form.locator("input[name=note]").bounding_box()
        button = form.get_by_role("button").bounding_box()
        assert _inside(note, box) and _inside(button, box), f"{step}: sticks out of its box"
        assert note["y"] + note["height"] <= button["y"], (
            f"{step}: the button is not under its note"
        )
        assert note["width"] <= 700, f"{step}: the note field runs across the whole page"
        boxes.append(box)
    first, second = boxes
    assert first["x"] + first["width"] <= second["x"] or first["y"] + first["height"] <= second["y"]
    history = page.locator("ol.timeline").inner_text()
    assert "join_submitted" not in history and "已申请" in history  # words, not codes
    page.goto("/members/joins/figures/")
    screenshot(page, "members-staff-figures-1366")
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1]
    page.goto(f"/members/bindings/{members['binding_id']}/")
    assert page.get_by_test_id("binding-status").inner_text() == "待工会确认"
    assert "binding_asked" not in page.locator("ol.timeline").inner_text()
    assert page.get_by_test_id("step-confirm").get_by_role("button").is_visible()
    screenshot(page, "members-staff-binding-1366")
