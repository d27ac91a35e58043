"""Skills in the browser: a caseworker opens a course, enrols a registry worker by ID number
and name, records the exam as passed with the certificate number, and sees the certificate
on the worker's record page; the worker sees it on the phone under 我的证书."""

import datetime

import pytest
from django.utils import timezone

from conftest import PASSWORD
from nuanjia.funds.models import Earmark
from nuanjia.members.auth import MEMBER_DOOR
from nuanjia.members.models import Device, Member, MemberDevice
from nuanjia.members.services.devices import open_key
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.people.tests.support import id_number, register
from nuanjia.skills import services

from .conftest import PHONE, screenshot, sign_in


@pytest.fixture
def course(transactional_db, make_staff):
    caseworker = make_staff("410100", Role.CASEWORKER, username="zz_skills_browser_cw")
    zhengzhou = Org.objects.get(code="410100")
    provider = services.add_provider(zhengzhou, name="郑州市职业技能培训学校", by=caseworker)
    today = timezone.localdate()
    course = services.create_course(
        zhengzhou, provider=provider, name="电工（四级）培训班", occupation="电工", level="4",
        starts_on=today - datetime.timedelta(days=20), ends_on=today - datetime.timedelta(days=1),
        places=20, subsidy_fen=30_000, earmark=Earmark.objects.get(code="skills-training"),
        by=caseworker,
    )  # fmt: skip
    number = id_number("410102", sequence=777)
    worker = register(caseworker, name="王电工", id_number=number, phone="13912347777")
    return caseworker, course, worker, number


def test_staff_enrols_a_worker_records_a_pass_and_sees_the_certificate(
    new_page, course, live_server
):
    caseworker, course, worker, number = course
    page = new_page()
    sign_in(page, caseworker.username, PASSWORD)
    page.goto(f"/skills/courses/{course.pk}/")
    page.fill("input[name=enrol-id_number]", number)
    page.fill("input[name=enrol-name]", "王电工")
    page.get_by_test_id("enrol").click()
    page.get_by_test_id("trainees").get_by_text("王电工").wait_for()
    screenshot(page, "skills-course-enrolled")
    page.get_by_test_id("trainees").locator("a[data-testid^=exam-]").click()
    page.select_option("select[name=result]", "passed")
    page.fill("input[name=score_value]", "86")
    page.fill("input[name=examined_on]", (timezone.localdate()).isoformat())
    page.fill("input[name=number]", "S4101260000777")
    page.fill("input[name=issuer]", "郑州市职业技能鉴定中心")
    page.get_by_test_id("exam-save").click()
    page.wait_for_url(f"**/skills/courses/{course.pk}/")
    page.goto(f"/people/workers/{worker.pk}/")
    panel = page.get_by_test_id("panel-skills-certificates")
    panel.wait_for()
    assert "S4101260000777" in panel.inner_text() and "电工" in panel.inner_text()
    screenshot(page, "skills-certificate-on-record")

    member = Member.objects.create(
        phone_masked="139****7777", phone_index="skills-browser", phone_last4_index="x",
        worker=worker, bound_at=timezone.now(), consent_version="1", consent_at=timezone.now(),
    )  # fmt: skip
    key = open_key(MemberDevice, member=member, kind=Device.Kind.PAGES, user_agent="browser test",
                   api_prefix="njm_")  # fmt: skip
    phone = new_page(PHONE)
    phone.context.add_cookies(
        [{"name": MEMBER_DOOR.cookie, "value": key, "url": live_server.url + "/m/"}]
    )
    phone.goto("/m/skills/certificates/")
    card = phone.get_by_test_id("my-certificate")
    card.wait_for()
    assert "S4101260000777" in card.inner_text()
    screenshot(phone, "skills-my-certificates-phone")
