"""A help line's supervisor signs in and sees, on the home page today, the roster's gap of
tomorrow 03:00–07:00, then opens the gaps page that lists it."""

import datetime

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from nuanjia.counselling import services
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role

from .conftest import screenshot, sign_in


@pytest.fixture
def roster(transactional_db, make_staff):
    caseworker = make_staff("410100", Role.CASEWORKER, username="zz_psy_browser_cw")
    supervisor = make_staff("410100", Role.APPROVER, username="zz_psy_browser_sup")
    TOTPDevice.objects.create(user=supervisor, name="手机", confirmed=True)
    line = services.create_line(
        Org.objects.get(code="410100"), name="郑州职工心理援助热线", supervisor=supervisor,
        by=caseworker,
    )  # fmt: skip
    helpers = [
        services.add_helper(line, kind="volunteer", name=f"志愿者{n}", by=caseworker)
        for n in range(3)
    ]
    today = timezone.localdate()
    midnight = timezone.make_aware(datetime.datetime.combine(today, datetime.time()))
    gap = (
        midnight + datetime.timedelta(days=1, hours=3),
        midnight + datetime.timedelta(days=1, hours=7),
    )
    start, n = midnight, 0
    while start < midnight + datetime.timedelta(days=9):
        end = start + datetime.timedelta(hours=8)
        helper = helpers[n % 3]
        if start < gap[1] and end > gap[0]:
            services.add_shift(helper, start, gap[0], by=caseworker)
            services.add_shift(helper, gap[1], end, by=caseworker)
        else:
            services.add_shift(helper, start, end, by=caseworker)
        start, n = end, n + 1
    return supervisor, gap


def test_the_supervisor_sees_tomorrows_gap_on_the_home_page(new_page, roster):
    supervisor, gap = roster
    page = new_page()
    sign_in(page, supervisor.username, PASSWORD)
    page.wait_for_url("**/accounts/2fa/**")
    device = TOTPDevice.objects.get(user=supervisor)
    page.fill("input[name=code]", f"{totp(device.bin_key):06d}")
    page.click("main form button.primary")
    page.get_by_test_id("todo").wait_for()
    start = timezone.localtime(gap[0])
    todo = page.get_by_test_id("todo").inner_text()
    assert f"{start:%m-%d} 03:00–07:00" in todo
    screenshot(page, "counselling-gap-on-home")
    page.get_by_text(f"{start:%m-%d} 03:00–07:00").click()
    page.get_by_test_id("gap-rows").wait_for()
    assert f"{start:%Y-%m-%d} 03:00" in page.get_by_test_id("gap-rows").inner_text()
