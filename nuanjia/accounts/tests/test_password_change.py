"""Changing one's own password: the policy applies, the current password is checked, all audited."""

import json

from django.test import Client

from conftest import PASSWORD
from nuanjia.core.models import AuditEvent

from .support import events, page_text, sign_in

NEW = "Xin#Mima2026"


def change(client, old: str, new: str, again: str | None = None):
    return client.post(
        "/accounts/password/",
        {
            "old_password": old,
            "new_password": new,
            "new_password_again": new if again is None else again,
        },
    )


def test_the_page_states_the_policy_in_chinese(login, caseworker):
    text = page_text(login(caseworker).get("/accounts/password/"))
    assert "修改密码" in text
    assert "至少 10 个字符，且至少包含小写字母、大写字母、数字、符号中的 3 类。" in text


def test_a_weak_new_password_is_refused_in_chinese(login, caseworker):
    response = change(login(caseworker), PASSWORD, "short1A")
    assert response.status_code == 200 and "密码至少需要 10 个字符。" in page_text(response)
    response = change(login(caseworker), PASSWORD, "onlylowercase1")
    assert "密码须至少包含小写字母、大写字母、数字、符号中的 3 类（汉字按符号计）。" in page_text(
        response
    )
    caseworker.refresh_from_db()
    assert caseworker.check_password(PASSWORD)


def test_the_two_new_passwords_must_match(login, caseworker):
    response = change(login(caseworker), PASSWORD, NEW, again=NEW + "x")
    assert "两次输入的新密码不一致。" in page_text(response)


def test_a_wrong_current_password_is_refused_and_audited(login, caseworker):
    response = change(login(caseworker), "Not#The2026pw", NEW)
    assert "当前密码错误。" in page_text(response)
    assert events("password.change_failed", actor=caseworker).get().success is False


def test_a_good_change_keeps_the_session_and_replaces_the_password(login, caseworker, tree):
    client = login(caseworker)
    response = change(client, PASSWORD, NEW)
    assert response.status_code == 302
    assert "密码已修改。" in page_text(client.get("/"))
    assert events("password.changed", actor=caseworker).count() == 1
    assert sign_in(Client(), caseworker.username, PASSWORD).status_code == 200  # refused
    assert sign_in(Client(), caseworker.username, NEW).status_code == 302
    trail = json.dumps(
        list(AuditEvent.objects.values_list("changes", flat=True)), ensure_ascii=False
    )
    assert NEW not in trail and PASSWORD not in trail
