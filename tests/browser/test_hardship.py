"""One family from application to filed to exit with a gradual exit, by a caseworker, a
reviewer and an approver (who signs in with a TOTP code), each in their own browser."""

import datetime

import pytest
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD
from nuanjia.hardship.models import HardshipFile
from nuanjia.hardship.tests.conftest import build_household
from nuanjia.standards.models import DibaoStandard, MinimumWage

from .conftest import screenshot, sign_in


@pytest.fixture
def family(transactional_db, tree, caseworker, reviewer, approver):
    DibaoStandard.objects.create(
        region_code="410108", effective_on=datetime.date(2020, 1, 1), monthly_fen=80_000
    )
    MinimumWage.objects.create(
        region_code="410108", effective_on=datetime.date(2020, 1, 1), monthly_fen=210_000
    )
    household = build_household(
        name="王建国", phone="13912345678", health="尿毒症", monthly_per_capita_yuan=500
    )
    TOTPDevice.objects.create(user=approver, name="手机", confirmed=True)
    return household


def _open(new_page, user, *, device=None):
    page = new_page()
    sign_in(page, user.username, PASSWORD)
    if device is not None:
        page.wait_for_url("**/accounts/2fa/**")
        page.fill("input[name=code]", f"{totp(device.bin_key):06d}")
        page.click("main form button.primary")  # not the header's sign-out button
    page.get_by_test_id("todo").wait_for()  # the desk: signed in with every factor needed
    return page


def _step(page, file_pk: int, step: str, fields: dict | None = None):
    """Open a step from the file page, fill its form and submit it; back on the file page."""
    page.goto(f"/hardship/files/{file_pk}/")
    page.get_by_test_id(f"step-{step}").click()
    for selector, value in (fields or {}).items():
        page.fill(selector, value)
    page.click("form button.primary")
    page.wait_for_url(f"**/hardship/files/{file_pk}/")


def test_a_family_goes_from_application_to_filing_and_out_with_a_gradual_exit(
    new_page, family, caseworker, reviewer, approver
):
    today = timezone.localdate().isoformat()

    # The caseworker finds the household, opens its file, confirms the check and visits.
    desk = _open(new_page, caseworker)
    desk.get_by_role("link", name="困难职工档案").first.click()
    desk.goto("/hardship/new/?q=王建国")
    desk.fill("input[name=note]", "本人尿毒症长期透析，家庭收入微薄")
    desk.click("[data-testid=households] button.primary")
    desk.wait_for_url("**/hardship/files/*/")
    hardship_file = HardshipFile.objects.get(household=family)
    assert desk.get_by_test_id("file-status").inner_text() == "已申请"
    _step(desk, hardship_file.pk, "check", {"textarea[name=note]": "单位和社区证明属实"})
    _step(
        desk,
        hardship_file.pk,
        "visit",
        {"input[name=consent_signed_on]": today, "input[name=consent_evidence]": "授权书-2026-018"},
    )
    assert desk.get_by_test_id("file-status").inner_text() == "已入户调查"
    assert (
        "深度困难" in desk.get_by_test_id("assessment").inner_text()
        or "深度困难" in desk.get_by_test_id("file-facts").inner_text()
    )
    assert desk.get_by_test_id("step-review").count() == 0  # not the caseworker's step

    # The county reviewer reviews with the civil-affairs check and starts publicity.
    county = _open(new_page, reviewer)
    _step(
        county,
        hardship_file.pk,
        "review",
        {"textarea[name=civil_affairs_note]": "民政核对：无低保记录，无房产车辆"},
    )
    _step(county, hardship_file.pk, "publish")
    assert county.get_by_test_id("file-status").inner_text() == "公示中"
    county.goto("/hardship/publicity/")
    publicity = county.get_by_test_id("publicity-list").inner_text()
    assert "王**" in publicity and "深度困难" in publicity and "800.00" in publicity
    assert (
        "王建国" not in publicity and "13912345678" not in publicity and "尿毒症" not in publicity
    )
    screenshot(county, "hardship-publicity")

    # Seven days of publicity pass without objection.
    past = timezone.localdate() - datetime.timedelta(days=8)
    HardshipFile.objects.filter(pk=hardship_file.pk).update(
        publicity_starts_on=past, publicity_ends_on=past + datetime.timedelta(days=6)
    )

    # The approver (with the second factor) approves; the caseworker files the family.
    decider = _open(new_page, approver, device=TOTPDevice.objects.get(user=approver))
    _step(decider, hardship_file.pk, "approve")
    assert decider.get_by_test_id("file-status").inner_text() == "已审批"
    _step(desk, hardship_file.pk, "file")
    assert desk.get_by_test_id("file-status").inner_text() == "已建档"
    screenshot(desk, "hardship-filed")

    # Income rose: the approver exits the family with a 3-month gradual exit at 60%.
    decider.goto(f"/hardship/files/{hardship_file.pk}/")
    decider.get_by_test_id("step-exit").click()
    decider.select_option("select[name=exit_reason]", "income")
    decider.fill("input[name=gradual_exit_months]", "3")
    decider.fill("input[name=gradual_exit_monthly]", "480.01")
    decider.click("form button.primary")
    assert "480.00" in decider.locator(".error").inner_text()  # more than 60% is refused
    decider.fill("input[name=gradual_exit_monthly]", "480.00")
    decider.click("form button.primary")
    decider.wait_for_url(f"**/hardship/files/{hardship_file.pk}/")
    assert decider.get_by_test_id("file-status").inner_text() == "渐退期"
    assert "3 个月，每月 480.00 元" in decider.get_by_test_id("gradual-exit").inner_text()
    timeline = decider.get_by_test_id("timeline").inner_text()
    for label in ("新建档案", "核实", "入户调查", "审核", "开始公示", "审批", "建档", "脱困"):
        assert label in timeline
    screenshot(decider, "hardship-gradual-exit")

    decider.goto("/hardship/watch/")
    assert "王建国" in decider.get_by_test_id("watch-list").inner_text()
    hardship_file.refresh_from_db()
    assert (
        hardship_file.status == "gradual_exit" and hardship_file.gradual_exit_monthly_fen == 48_000
    )


def test_a_caseworker_attaches_an_income_proof_on_a_phone(new_page, family, caseworker):
    from nuanjia.core.tests.uploads import JPEG
    from nuanjia.hardship import services
    from nuanjia.hardship.models import FileAttachment

    from .conftest import PHONE

    hardship_file = services.open_file(family, by=caseworker, note="申请")
    page = new_page(PHONE)
    sign_in(page, caseworker.username, PASSWORD)
    page.get_by_test_id("todo").wait_for()
    page.goto(f"/hardship/files/{hardship_file.pk}/#attachments")
    form = page.get_by_test_id("attachment-form")
    form.locator("select[name=kind]").select_option("income")
    proof = {"name": "收入证明.jpg", "mimeType": "image/jpeg", "buffer": JPEG}
    form.locator("input[name=file]").set_input_files(files=[proof])
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/hardship/files/{hardship_file.pk}/#attachments")
    listed = page.get_by_test_id("attachments")
    assert "收入证明.jpg" in listed.inner_text() and "收入证明" in listed.inner_text()
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], "the file page scrolls sideways on a phone"
    screenshot(page, "hardship-attachments-phone")
    assert FileAttachment.objects.get().kind == "income"
