"""The list pages' filter bars wrap cleanly on a 1366 px desktop and on a phone: no control
sticks out of its bar or the page, no control is squeezed, and a bar's controls share rows."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD

from .conftest import PHONE, screenshot, sign_in

WIDE = {"width": 1366, "height": 900}
PAGES = {  # persona → list pages with a filter bar
    "caseworker": [
        "/stations/",
        "/relief/grants/",
        "/hardship/",
        "/hardship/reviews/",
        "/hardship/watch/",
    ],
    "agent": ["/hotline/tickets/", "/hotline/kpis/"],
    "finance": ["/funds/transactions/"],
    "auditor": ["/audit/"],
}
MEASURE = """() => [...document.querySelectorAll('form.filters, form.searchbar')].map(bar => {
  const box = bar.getBoundingClientRect();
  const controls = [...bar.querySelectorAll('input:not([type=hidden]):not([type=checkbox]), select, button')]
    .map(c => c.getBoundingClientRect());
  return {
    left: box.left, right: box.right, pageWidth: document.documentElement.clientWidth,
    pageScroll: document.documentElement.scrollWidth,
    controls: controls.map(c => ({left: c.left, right: c.right, top: c.top, width: c.width})),
  };
})"""


@pytest.fixture
def personas(transactional_db, tree, caseworker, hotline_agent, finance, auditor):
    devices = {
        user: TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
        for user in (finance, auditor)
    }
    return {
        "caseworker": (caseworker, None),
        "agent": (hotline_agent, None),
        "finance": (finance, devices[finance]),
        "auditor": (auditor, devices[auditor]),
    }


def _sign_in(page, user, device):
    sign_in(page, user.username, PASSWORD)
    if device is not None:
        page.wait_for_url("**/accounts/2fa/**")
        page.fill("input[name=code]", f"{totp(device.bin_key):06d}")
        page.click("main form button.primary")
    page.get_by_test_id("todo").wait_for()


def _check_bars(page, url: str, viewport: dict) -> None:
    bars = page.evaluate(MEASURE)
    assert bars, f"{url}: no filter bar"
    for bar in bars:
        assert bar["pageScroll"] <= bar["pageWidth"], f"{url}: the page scrolls sideways"
        rows = {round(control["top"]) for control in bar["controls"]}
        for control in bar["controls"]:
            assert bar["left"] - 1 <= control["left"] and control["right"] <= bar["right"] + 1, url
            assert control["width"] >= 40, f"{url}: a squeezed control"
        if viewport["width"] >= 1366:
            assert len(rows) <= 2, f"{url}: the bar breaks into {len(rows)} rows at 1366 px"


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1366", "phone"])
def test_filter_bars_wrap_cleanly(new_page, personas, viewport):
    for name, urls in PAGES.items():
        page = new_page(viewport)
        _sign_in(page, *personas[name])
        for url in urls:
            page.goto(url)
            screenshot(page, f"filters-{url.strip('/').replace('/', '-')}-{viewport['width']}")
            _check_bars(page, url, viewport)
