"""Signing in by phone and texted code: the code's life, the limits, the member session kept
apart from staff sessions, devices and signing out everywhere."""

import datetime

import pytest
import time_machine
from django.test import Client

from nuanjia.core.errors import RuleViolation
from nuanjia.core.ratelimit import RateLimited
from nuanjia.members import services
from nuanjia.members.auth import COOKIE
from nuanjia.members.models import Member, MemberDevice, PhoneCode
from nuanjia.members.services.devices import open_device
from nuanjia.people.tests.support import register

from .conftest import last_code, member_client, sign_in

PHONE = "13812345678"
TEXT = "code %(code)s %(minutes)d"


def send(phone=PHONE, ip="10.0.0.1"):
    services.send_code(phone, PhoneCode.Purpose.SIGN_IN, ip=ip, text=TEXT)


@pytest.mark.django_db
def test_a_texted_code_signs_in_and_opens_the_member_home(texts):
    client = Client()
    response = client.post("/m/sign-in/", {"send": "1", "phone": PHONE})
    assert response.status_code == 200
    assert texts[-1][0] == PHONE and "分钟内有效" in texts[-1][1]
    response = client.post(
        "/m/sign-in/",
        {
            "verify": "1",
            "phone": PHONE,
            "code": last_code(PHONE),
            "consent": "on",
            "next": "/m/card/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/m/card/"
    assert client.cookies[COOKIE]["path"] == "/m/"
    home = client.get("/m/")
    assert home.status_code == 200 and "138****5678" in home.content.decode()
    member = Member.objects.get()
    assert member.consent_version == services.PRIVACY_NOTICE_VERSION


@pytest.mark.django_db
def test_a_new_account_needs_the_privacy_notice_accepted():
    send()
    with pytest.raises(RuleViolation) as refused:
        services.sign_in(PHONE, last_code(PHONE))
    assert refused.value.field == "consent"
    assert not Member.objects.exists()
    # The code was not spent by the refusal: accepting the notice signs in with it.
    member, _raw = services.sign_in(
        PHONE, last_code(PHONE), consent_version=services.PRIVACY_NOTICE_VERSION
    )
    assert member.phone == PHONE


@pytest.mark.django_db
def test_a_code_expires_after_five_minutes():
    start = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        send()
        clock.shift(datetime.timedelta(minutes=5, seconds=1))
        with pytest.raises(RuleViolation) as refused:
            services.sign_in(PHONE, last_code(PHONE), consent_version="v")
    assert refused.value.field == "code"


@pytest.mark.django_db
def test_a_code_takes_five_tries_and_six_wrong_codes_lock_the_sign_in():
    send()
    right = last_code(PHONE)
    wrong = "000000" if right != "000000" else "111111"
    for _attempt in range(5):
        with pytest.raises(RuleViolation):
            services.sign_in(PHONE, wrong, consent_version="v")
    assert PhoneCode.objects.get().tries == 5
    with pytest.raises(RuleViolation):  # the code is used up: even the right one fails now
        services.sign_in(PHONE, right, consent_version="v")
    with pytest.raises(RateLimited):  # that was the sixth wrong code: locked
        services.sign_in(PHONE, right, consent_version="v")


@pytest.mark.django_db
def test_codes_are_limited_per_phone_and_per_address():
    send()
    with pytest.raises(RateLimited):
        send()  # a second text to the same phone within the minute
    for index in range(20):  # twenty an hour from one address
        services.send_code(
            f"1391234{index:04d}", PhoneCode.Purpose.SIGN_IN, ip="10.0.0.9", text=TEXT
        )
    with pytest.raises(RateLimited):
        services.send_code("13700000001", PhoneCode.Purpose.SIGN_IN, ip="10.0.0.9", text=TEXT)


@pytest.mark.django_db
def test_the_sign_in_page_answers_429_when_limited():
    client = Client()
    client.post("/m/sign-in/", {"send": "1", "phone": PHONE})
    response = client.post("/m/sign-in/", {"send": "1", "phone": PHONE})
    assert response.status_code == 429
    assert "请在" in response.content.decode() or "分钟" in response.content.decode()


@pytest.mark.django_db
def test_signing_in_with_the_registered_phone_binds_the_record(caseworker):
    worker = register(caseworker, name="王芳", phone=PHONE)
    member, _raw = sign_in(PHONE)
    assert member.worker == worker and member.bound_via == Member.BoundVia.PHONE


@pytest.mark.django_db
def test_member_pages_refuse_a_staff_session_and_staff_pages_refuse_a_member(client, caseworker):
    client.force_login(caseworker)
    response = client.get("/m/")
    assert response.status_code == 302 and response["Location"].startswith("/m/sign-in/")
    member_browser, _member = member_client(PHONE)
    staff_page = member_browser.get("/people/workers/")
    assert staff_page.status_code == 302 and "/accounts/login/" in staff_page["Location"]
    assert member_browser.get("/api/v1/people/workers/").status_code == 401


@pytest.mark.django_db
def test_sign_out_everywhere_ends_every_device():
    first, member = member_client(PHONE)
    second = Client()
    second.cookies[COOKIE] = open_device(member, kind=MemberDevice.Kind.PAGES)
    second.cookies[COOKIE]["path"] = "/m/"
    assert MemberDevice.objects.filter(member=member, ended_at=None).count() == 2
    response = first.post("/m/devices/", {"everywhere": "1"})
    assert response.status_code == 302
    assert second.get("/m/").status_code == 302
    assert not MemberDevice.objects.filter(member=member, ended_at=None).exists()


@pytest.mark.django_db
def test_a_device_lasts_thirty_days():
    start = datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as clock:
        client, _member = member_client(PHONE)
        clock.shift(datetime.timedelta(days=29))
        assert client.get("/m/").status_code == 200  # no idle logout on /m/
        clock.shift(datetime.timedelta(days=1, seconds=1))
        assert client.get("/m/").status_code == 302
