"""Signing in: the lockout after 5 failures, its 15 minutes, and the audit trail of every attempt."""

import json
import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.utils import timezone

from conftest import PASSWORD
from nuanjia.core.models import AuditEvent
from nuanjia.orgs.models import Staff

from .support import events, form_errors, is_signed_in, page_text, sign_in

WRONG = "Wrong#2026pw"
WRONG_CREDENTIALS = "用户名或密码错误。"
LOCKED_NOW = "登录失败次数过多，该账号已被锁定 15 分钟。"


def locked_for(minutes: int) -> str:
    return f"该账号因登录失败次数过多已被锁定，请 {minutes} 分钟后再试，或联系系统管理员解锁。"


def without_csrf(text: str) -> str:
    return re.sub(r'(name="csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+', r"\1", text)


def fail(client, user, times: int) -> list[str]:
    return [form_errors(sign_in(client, user.username, WRONG)) for _ in range(times)]


def test_the_right_password_signs_in_and_goes_home(client, caseworker, clock):
    response = sign_in(client, caseworker.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert is_signed_in(client)
    assert client.get("/").status_code == 200
    assert events("login.succeeded", actor=caseworker).count() == 1


def test_the_user_name_is_not_case_sensitive(client, caseworker):
    assert sign_in(client, caseworker.username.upper(), PASSWORD).status_code == 302


def test_four_failures_only_say_the_credentials_are_wrong(client, caseworker, clock):
    assert fail(client, caseworker, 4) == [WRONG_CREDENTIALS] * 4
    caseworker.refresh_from_db()
    assert caseworker.failed_login_count == 4 and not caseworker.is_locked


def test_the_fifth_consecutive_failure_locks_the_account_for_fifteen_minutes(
    client, caseworker, clock
):
    assert fail(client, caseworker, 5)[-1] == LOCKED_NOW
    caseworker.refresh_from_db()
    assert caseworker.locked_until == timezone.now() + timedelta(minutes=15)


def test_locked_account_refuses_even_the_right_password(client, caseworker, clock):
    fail(client, caseworker, 5)
    response = sign_in(client, caseworker.username, PASSWORD)
    assert response.status_code == 200 and form_errors(response) == locked_for(15)
    assert not is_signed_in(client)
    clock.shift(timedelta(minutes=10, seconds=30))
    assert form_errors(sign_in(client, caseworker.username, PASSWORD)) == locked_for(5)
    assert not is_signed_in(client)


def test_the_lock_opens_after_fifteen_minutes(client, caseworker, clock):
    fail(client, caseworker, 5)
    clock.shift(timedelta(minutes=14, seconds=59))
    assert form_errors(sign_in(client, caseworker.username, PASSWORD)) == locked_for(1)
    clock.shift(timedelta(seconds=1))
    response = sign_in(client, caseworker.username, PASSWORD)
    assert response.status_code == 302 and is_signed_in(client)


def test_after_the_lock_five_new_failures_are_needed_to_lock_again(client, caseworker, clock):
    fail(client, caseworker, 5)
    clock.shift(timedelta(minutes=15))
    assert fail(client, caseworker, 5) == [WRONG_CREDENTIALS] * 4 + [LOCKED_NOW]


def test_a_successful_sign_in_resets_the_counter(client, caseworker, clock):
    fail(client, caseworker, 4)
    assert sign_in(client, caseworker.username, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    assert fail(client, caseworker, 4) == [WRONG_CREDENTIALS] * 4
    caseworker.refresh_from_db()
    assert not caseworker.is_locked and caseworker.failed_login_count == 4


def test_attempts_while_locked_do_not_extend_the_lock(client, caseworker, clock):
    fail(client, caseworker, 5)
    caseworker.refresh_from_db()
    locked_until = caseworker.locked_until
    clock.shift(timedelta(minutes=5))
    fail(client, caseworker, 3)
    caseworker.refresh_from_db()
    assert caseworker.locked_until == locked_until


def test_unknown_user_names_get_the_same_message_as_a_wrong_password(client, caseworker):
    unknown = sign_in(client, "nobody_here", WRONG)
    wrong = sign_in(client, caseworker.username, WRONG)
    assert unknown.status_code == wrong.status_code == 200
    assert form_errors(unknown) == form_errors(wrong) == WRONG_CREDENTIALS
    # Apart from the user name typed back into the form and the masked CSRF token, the
    # two pages are byte for byte the same.
    assert without_csrf(page_text(unknown)).replace(
        "nobody_here", caseworker.username
    ) == without_csrf(page_text(wrong))


def test_an_inactive_account_gets_the_wrong_credentials_message(client, caseworker):
    Staff.objects.filter(pk=caseworker.pk).update(is_active=False)
    assert form_errors(sign_in(client, caseworker.username, PASSWORD)) == WRONG_CREDENTIALS
    assert not is_signed_in(client)


def test_every_failure_is_an_audit_event_and_so_is_the_lock(client, caseworker, clock):
    sign_in(client, "nobody_here", WRONG)
    fail(client, caseworker, 5)
    sign_in(client, caseworker.username, PASSWORD)  # refused: locked
    failures = list(events("login.failed"))
    assert len(failures) == 7 and all(event.success is False for event in failures)
    assert failures[0].actor_label == "nobody_here" and failures[0].changes == {
        "reason": "bad_credentials"
    }
    assert [event.changes["reason"] for event in failures[1:]] == ["bad_credentials"] * 5 + [
        "locked"
    ]
    assert all(
        event.object_id == str(caseworker.pk) and event.org_path == caseworker.org.path
        for event in failures[1:]
    )
    assert [event.changes["failures"] for event in failures[1:6]] == [1, 2, 3, 4, 5]
    lock = events("account.locked").get()
    assert lock.object_id == str(caseworker.pk) and lock.id == failures[5].id + 1
    assert not events("login.succeeded").exists()


def test_no_password_ever_reaches_the_audit_trail(client, caseworker, clock):
    sign_in(client, "nobody_here", WRONG)
    fail(client, caseworker, 5)
    clock.shift(timedelta(minutes=15))
    sign_in(client, caseworker.username, PASSWORD)
    trail = json.dumps([event.changes for event in AuditEvent.objects.all()], ensure_ascii=False)
    assert WRONG not in trail and PASSWORD not in trail


def test_failed_sign_ins_record_the_client_address(client, caseworker):
    client.post(
        "/accounts/login/",
        {"username": caseworker.username, "password": WRONG},
        REMOTE_ADDR="10.1.2.3",
    )
    assert events("login.failed").get().ip == "10.1.2.3"


def test_signing_in_gives_a_new_session_key(client, caseworker):
    session = client.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    sign_in(client, caseworker.username, PASSWORD)
    assert client.cookies["sessionid"].value != before


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_sign_in_never_redirects_off_site(client, caseworker, target):
    response = sign_in(client, caseworker.username, PASSWORD, next=target)
    assert response["Location"] == "/"


def test_sign_in_follows_a_local_next(client, caseworker):
    response = sign_in(client, caseworker.username, PASSWORD, next="/orgs/?q=惠济")
    assert unquote(response["Location"]) == "/orgs/?q=惠济"


def test_signing_out_needs_a_post_and_is_audited(client, caseworker):
    sign_in(client, caseworker.username, PASSWORD)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/", follow=True)
    assert "您已退出登录。" in page_text(response)
    assert not is_signed_in(client)
    assert events("logout", actor=caseworker).count() == 1


def test_the_login_page_is_in_chinese(client, tree):
    text = page_text(client.get("/accounts/login/"))
    assert "登录暖家" in text and "用户名" in text and "密码" in text


def test_the_admin_sites_own_login_form_cannot_be_used_to_guess_passwords(client, system_admin):
    """/djadmin/login/ would authenticate without lockout, audit or second factor."""
    Staff.objects.filter(pk=system_admin.pk).update(is_staff=True, is_superuser=True)
    response = client.post(
        "/djadmin/login/", {"username": system_admin.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert unquote(response["Location"]) == "/accounts/login/?next=/djadmin/"
    assert not is_signed_in(client)


def test_the_admin_site_sends_visitors_to_our_login_page(client, tree):
    response = client.get("/djadmin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert "登录暖家" in page_text(response)


def test_a_signed_in_non_staff_account_is_refused_the_admin_site_without_a_loop(login, caseworker):
    assert login(caseworker).get("/djadmin/login/").status_code == 403


def test_an_unknown_user_name_is_answered_exactly_like_a_real_one(client, caseworker, clock):
    """Otherwise the lock message after 5 tries would tell which names exist."""
    ghost = Staff(username="no_such_user")
    assert fail(client, ghost, 5) == [WRONG_CREDENTIALS] * 4 + [LOCKED_NOW]
    assert fail(client, caseworker, 5) == [WRONG_CREDENTIALS] * 4 + [LOCKED_NOW]
    assert fail(client, ghost, 1) == [locked_for(15)]
    assert fail(client, caseworker, 1) == [locked_for(15)]


def test_an_address_with_too_many_failures_is_refused_for_a_while(
    client, caseworker, clock, settings
):
    settings.NUANJIA_SIGNIN_FAILURES_PER_ADDRESS = 6
    for number in range(6):  # six names, one try each: no account is locked
        fail(client, Staff(username=f"guess{number}"), 1)
    refused = form_errors(sign_in(client, caseworker.username, PASSWORD))
    assert refused == "该地址登录失败次数过多，请 15 分钟后再试。"
    assert not is_signed_in(client)
    assert events("login.failed").filter(changes__reason="address_throttled").exists()
    clock.shift(timedelta(minutes=15, seconds=1))
    assert sign_in(client, caseworker.username, PASSWORD).status_code == 302
