"""Rent relief in the browser: a caseworker applies the campaign's 3 + 12 policy to a lease on
the lease's page, another person approves it on the relief's page."""

import pytest
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from nuanjia.enterprises.models import RentRelief
from nuanjia.enterprises.rules import ReliefStatus
from nuanjia.enterprises.tests.support import make_firm, make_lease, make_policy
from nuanjia.orgs.rules import Role

from .conftest import screenshot, sign_in


@pytest.fixture
def people(transactional_db, make_staff):
    caseworker = make_staff("410108", Role.CASEWORKER, username="hj_rent_caseworker")
    approver = make_staff("410108", Role.APPROVER, username="hj_rent_approver")
    TOTPDevice.objects.create(user=approver, name="手机", confirmed=True)
    return caseworker, approver


def test_apply_rent_relief_to_a_lease_and_approve_it(new_page, people):
    caseworker, approver = people
    lease = make_lease(caseworker, make_firm(caseworker))
    policy = make_policy(caseworker, 3, 12)
    page = new_page()
    sign_in(page, caseworker.username, PASSWORD)
    page.goto(f"/enterprises/leases/{lease.pk}/")
    page.select_option("select[name=policy]", str(policy.pk))
    page.get_by_test_id("relief-propose").click()
    page.get_by_test_id("relief-total").wait_for()
    assert "45,000.00" in page.get_by_test_id("relief-total").inner_text()
    screenshot(page, "enterprises-relief-proposed")
    relief = RentRelief.objects.get()
    assert relief.status == ReliefStatus.PROPOSED
    other = new_page()
    sign_in(other, approver.username, PASSWORD)
    other.wait_for_url("**/accounts/2fa/**")
    device = TOTPDevice.objects.get(user=approver)
    other.fill("input[name=code]", f"{totp(device.bin_key):06d}")
    other.click("main form button.primary")
    other.get_by_test_id("todo").wait_for()
    other.goto(f"/enterprises/reliefs/{relief.pk}/")
    other.get_by_test_id("step-approve").click()
    other.get_by_test_id("relief-status").wait_for()
    with translation.override("zh-hans"):
        approved = str(ReliefStatus.APPROVED.label)
    assert approved in other.get_by_test_id("relief-status").inner_text()
    screenshot(other, "enterprises-relief-approved")
    relief.refresh_from_db()
    assert relief.status == ReliefStatus.APPROVED and relief.approved_by == approver
