"""Two factors (TOTP) for approvers, finance and the three administrator roles."""

import base64
import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, verified_login

from .support import code_for, events, form_errors, is_signed_in, page_text, sign_in, wrong_code_for

WRONG_CODE = "验证码错误或已过期。"
LOCKED_NOW = "登录失败次数过多，该账号已被锁定 15 分钟。"


def enrolled_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="手机", confirmed=True)


def give_wrong_codes(client, device, clock, count: int) -> None:
    """`count` wrong codes on the two-factor page, 20 seconds apart."""
    for _ in range(count):
        client.post("/accounts/2fa/", {"code": wrong_code_for(device)})
        clock.shift(timedelta(seconds=20))


def code_error(response) -> str:
    match = re.search(r'<p class="error"[^>]*>(.*?)</p>', page_text(response))
    return match.group(1) if match else ""


def enrol(client, user) -> TOTPDevice:
    """Sign in for the first time and confirm the authenticator app."""
    sign_in(client, user.username, PASSWORD)
    client.get("/accounts/2fa/enrol/")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    client.post("/accounts/2fa/enrol/", {"code": code_for(device)})
    return TOTPDevice.objects.get(user=user, confirmed=True)


@pytest.mark.parametrize(
    "persona", ["approver", "finance", "system_admin", "security_admin", "auditor"]
)
def test_roles_that_need_two_factors_are_sent_to_the_second_step(request, client, persona, clock):
    user = request.getfixturevalue(persona)
    response = sign_in(client, user.username, PASSWORD)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/")
    assert client.get("/").status_code == 302
    # The audit trail does not call the password step alone a successful sign-in.
    assert events("login.password_accepted", actor=user).count() == 1
    assert not events("login.succeeded").exists()


def test_a_caseworker_needs_no_second_factor(client, caseworker):
    response = sign_in(client, caseworker.username, PASSWORD)
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_first_sign_in_goes_to_enrolment_with_a_qr_code_and_the_secret(client, approver, clock):
    response = sign_in(client, approver.username, PASSWORD)
    response = client.get(response["Location"])
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/enrol/"
    page = client.get("/accounts/2fa/enrol/")
    text = page_text(page)
    device = TOTPDevice.objects.get(user=approver)
    assert device.confirmed is False
    assert "设置双因素登录" in text and "<svg" in text
    assert base64.b32encode(device.bin_key).decode() in text
    assert "no-store" in page["Cache-Control"]  # the secret stays out of every cache
    # Reloading the page keeps the same secret: the app the person just scanned stays valid.
    client.get("/accounts/2fa/enrol/")
    assert TOTPDevice.objects.filter(user=approver).count() == 1


def test_confirming_a_valid_code_lets_the_approver_in(client, approver, clock):
    sign_in(client, approver.username, PASSWORD)
    client.get("/accounts/2fa/enrol/")
    device = TOTPDevice.objects.get(user=approver)
    response = client.post("/accounts/2fa/enrol/", {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert "双因素登录已设置完成。" in page_text(client.get("/"))
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get("/orgs/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200
    assert events("two_factor.enrolled", actor=approver).count() == 1


def test_a_wrong_enrolment_code_is_refused_and_audited(client, approver, clock):
    sign_in(client, approver.username, PASSWORD)
    client.get("/accounts/2fa/enrol/")
    device = TOTPDevice.objects.get(user=approver)
    response = client.post("/accounts/2fa/enrol/", {"code": wrong_code_for(device)})
    assert response.status_code == 200 and code_error(response) == WRONG_CODE
    device.refresh_from_db()
    assert device.confirmed is False
    assert client.get("/").status_code == 302
    assert events("two_factor.enrol_failed", actor=approver).get().success is False


def test_later_sign_ins_require_the_code(client, approver, clock):
    enrol(client, approver)
    client.post("/accounts/logout/")
    clock.shift(timedelta(minutes=1))
    response = sign_in(client, approver.username, PASSWORD, next="/orgs/")
    assert unquote(response["Location"]) == "/accounts/2fa/?next=/orgs/"
    page = client.get(response["Location"])
    assert page.status_code == 200 and "请输入身份验证器应用显示的 6 位验证码。" in page_text(page)
    assert client.get("/").status_code == 302
    device = TOTPDevice.objects.get(user=approver)
    response = client.post("/accounts/2fa/", {"code": code_for(device), "next": "/orgs/"})
    assert response.status_code == 302 and response["Location"] == "/orgs/"
    assert client.get("/").status_code == 200
    assert [event.action for event in events("login.password_accepted", actor=approver)] == [
        "login.password_accepted"
    ] * 2
    assert [event.changes for event in events("login.succeeded", actor=approver)] == [
        {"second_factor": "totp"}
    ] * 2


def test_an_enrolled_account_cannot_enrol_a_new_device_before_giving_its_code(
    client, approver, clock
):
    """Otherwise a stolen password alone would let an attacker replace the person's app."""
    device = enrolled_device(approver)
    sign_in(client, approver.username, PASSWORD)
    response = client.get("/accounts/2fa/enrol/")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/"
    assert list(TOTPDevice.objects.filter(user=approver)) == [device]


def test_a_wrong_code_is_refused_in_chinese_and_counted(client, approver, clock):
    device = enrolled_device(approver)
    sign_in(client, approver.username, PASSWORD)
    response = client.post("/accounts/2fa/", {"code": wrong_code_for(device)})
    assert response.status_code == 200 and code_error(response) == WRONG_CODE
    approver.refresh_from_db()
    assert approver.failed_login_count == 1
    failure = events("login.failed").get()
    assert failure.success is False and failure.changes["reason"] == "bad_totp"


def test_a_used_code_cannot_be_replayed(client, approver, clock):
    device = enrolled_device(approver)
    sign_in(client, approver.username, PASSWORD)
    code = code_for(device)
    client.post("/accounts/2fa/", {"code": code})
    other = Client()
    sign_in(other, approver.username, PASSWORD)
    response = other.post("/accounts/2fa/", {"code": code})
    assert code_error(response) == WRONG_CODE
    assert other.get("/").status_code == 302


def test_five_wrong_codes_lock_the_account(client, approver, clock):
    device = enrolled_device(approver)
    sign_in(client, approver.username, PASSWORD)
    for _ in range(4):
        assert (
            code_error(client.post("/accounts/2fa/", {"code": wrong_code_for(device)}))
            == WRONG_CODE
        )
        clock.shift(timedelta(seconds=20))
    response = client.post("/accounts/2fa/", {"code": wrong_code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert LOCKED_NOW in page_text(client.get("/accounts/login/"))
    assert not is_signed_in(client)
    assert "请 15 分钟后再试" in form_errors(sign_in(client, approver.username, PASSWORD))
    assert events("account.locked").count() == 1


def test_the_password_alone_does_not_reset_the_failure_count(client, approver, clock):
    """Signing in again with the password must not buy four more guesses at the code."""
    device = enrolled_device(approver)
    sign_in(client, approver.username, PASSWORD)
    give_wrong_codes(client, device, clock, 4)
    client.post("/accounts/logout/")
    sign_in(client, approver.username, PASSWORD)
    response = client.post("/accounts/2fa/", {"code": wrong_code_for(device)})
    assert response["Location"] == "/accounts/login/"
    approver.refresh_from_db()
    assert approver.is_locked


def test_the_right_code_resets_the_failure_count(client, approver, clock):
    device = enrolled_device(approver)
    sign_in(client, approver.username, PASSWORD)
    give_wrong_codes(client, device, clock, 4)
    client.post("/accounts/2fa/", {"code": code_for(device)})
    approver.refresh_from_db()
    assert approver.failed_login_count == 0 and client.get("/").status_code == 200


def test_a_session_opened_before_the_lock_cannot_keep_guessing(client, approver, clock):
    device = enrolled_device(approver)
    earlier = Client()
    sign_in(earlier, approver.username, PASSWORD)
    sign_in(client, approver.username, PASSWORD)
    give_wrong_codes(client, device, clock, 5)
    response = earlier.post("/accounts/2fa/", {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "请 15 分钟后再试" in page_text(earlier.get("/accounts/login/"))
    assert not is_signed_in(earlier)
    assert earlier.get("/").status_code == 302


def test_a_session_cannot_finish_enrolment_once_the_account_is_locked(client, approver, clock):
    sign_in(client, approver.username, PASSWORD)
    client.get("/accounts/2fa/enrol/")
    device = TOTPDevice.objects.get(user=approver)
    elsewhere = Client()
    for _ in range(5):
        sign_in(elsewhere, approver.username, "Wrong#2026pw")
    response = client.post("/accounts/2fa/enrol/", {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "请 15 分钟后再试" in page_text(client.get("/accounts/login/"))
    device.refresh_from_db()
    assert device.confirmed is False and not is_signed_in(client)


@pytest.mark.parametrize(
    "path", ["/", "/orgs/", "/staff/", "/audit/", "/accounts/tokens/", "/accounts/password/"]
)
def test_until_verified_every_page_redirects_to_the_two_factor_page(client, system_admin, path):
    enrolled_device(system_admin)
    sign_in(client, system_admin.username, PASSWORD)
    response = client.get(path)
    assert response.status_code == 302
    assert unquote(response["Location"]) == f"/accounts/2fa/?next={path}"


def test_until_verified_a_post_is_refused_too(client, system_admin, caseworker):
    enrolled_device(system_admin)
    sign_in(client, system_admin.username, PASSWORD)
    response = client.post(f"/staff/{caseworker.pk}/unlock/")
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/"
    assert not events("staff.unlocked").exists()


def test_until_verified_the_api_answers_401_to_the_session(client, approver):
    enrolled_device(approver)
    sign_in(client, approver.username, PASSWORD)
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


def test_until_verified_the_page_shows_no_navigation(client, approver):
    enrolled_device(approver)
    sign_in(client, approver.username, PASSWORD)
    assert 'id="mainnav"' not in page_text(client.get("/accounts/2fa/"))


def test_system_admin_reset_makes_the_account_enrol_again(client, approver, system_admin, clock):
    enrol(client, approver)
    assert client.get("/").status_code == 200
    admin = Client()
    verified_login(admin, system_admin)
    response = admin.post(f"/staff/{approver.pk}/two-factor/reset/")
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=approver).exists()
    event = events("staff.two_factor_reset").get()
    assert event.actor_id == system_admin.pk and event.object_id == str(approver.pk)
    # The session verified with the removed device is no longer verified…
    assert client.get("/").status_code == 302
    # …and the next sign-in enrols a new device.
    client.post("/accounts/logout/")
    sign_in(client, approver.username, PASSWORD)
    assert client.get("/accounts/2fa/")["Location"] == "/accounts/2fa/enrol/"


@pytest.mark.parametrize("persona", ["security_admin", "auditor", "caseworker"])
def test_only_the_system_administrator_resets_two_factor(request, login, approver, persona):
    device = enrolled_device(approver)
    user = request.getfixturevalue(persona)
    assert login(user).post(f"/staff/{approver.pk}/two-factor/reset/").status_code == 403
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
