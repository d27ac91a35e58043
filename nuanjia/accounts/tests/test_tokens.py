"""API tokens (/accounts/tokens/): shown once, stored as a hash, refused once revoked or expired."""

import hashlib
import json
import re
from datetime import timedelta

import pytest
from django.test import Client

from nuanjia.accounts.models import ApiToken
from nuanjia.accounts.services import issue_api_token, revoke_api_token
from nuanjia.core.models import AuditEvent
from nuanjia.orgs.models import Staff

from .support import events, page_text


def issue_on_the_page(client, name: str = "办公室电脑") -> str:
    response = client.post("/accounts/tokens/", {"name": name})
    assert response.status_code == 200
    match = re.search(r'data-testid="new-token">([^<]+)</code>', page_text(response))
    assert match, "the new token is shown on the page"
    return match.group(1)


def me(raw: str):
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_issuing_shows_the_token_once_and_stores_only_its_hash(login, caseworker):
    client = login(caseworker)
    raw = issue_on_the_page(client)
    assert raw.startswith("nj_") and len(raw) > 40
    assert "no-store" in client.get("/accounts/tokens/")["Cache-Control"]
    token = ApiToken.objects.get(staff=caseworker)
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = [str(value) for value in ApiToken.objects.filter(pk=token.pk).values().get().values()]
    assert raw not in stored
    later = page_text(client.get("/accounts/tokens/"))
    assert raw not in later and token.hint in later and "办公室电脑" in later
    assert "请立即复制此令牌，它不会再次显示：" not in later


def test_the_page_explains_tokens_in_chinese(login, caseworker):
    text = page_text(login(caseworker).get("/accounts/tokens/"))
    assert "令牌 90 天后到期" in text and "还没有令牌。" in text


def test_issuing_is_audited_without_the_token(login, caseworker):
    raw = issue_on_the_page(login(caseworker))
    event = events("api_token.issued").get()
    assert event.actor_id == caseworker.pk and event.changes["name"] == "办公室电脑"
    assert raw not in json.dumps(list(AuditEvent.objects.values_list("changes", flat=True)))


def test_a_token_needs_a_name(login, caseworker):
    response = login(caseworker).post("/accounts/tokens/", {"name": "   "})
    assert response.status_code == 200 and "这个字段是必填项。" in page_text(response)
    assert not ApiToken.objects.exists()


def test_a_valid_token_gets_200_from_the_api(login, caseworker):
    raw = issue_on_the_page(login(caseworker))
    response = me(raw)
    assert response.status_code == 200 and response.json()["username"] == caseworker.username
    assert ApiToken.objects.get().last_used_at is not None


def test_a_revoked_token_gets_401(login, caseworker):
    client = login(caseworker)
    raw = issue_on_the_page(client)
    token = ApiToken.objects.get()
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/", follow=True)
    assert "令牌已吊销。" in page_text(response)
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = me(raw)
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
    assert events("api_token.revoked", actor=caseworker).count() == 1


def test_an_expired_token_gets_401(caseworker, time_machine):
    token, raw = issue_api_token(caseworker, name="手机", by=caseworker)
    time_machine.move_to(token.expires_at - timedelta(seconds=1), tick=False)
    assert me(raw).status_code == 200
    time_machine.move_to(token.expires_at, tick=False)
    assert me(raw).status_code == 401


def test_tokens_expire_after_90_days(caseworker):
    token, _raw = issue_api_token(caseworker, name="手机", by=caseworker)
    assert token.expires_at - token.created_at == pytest.approx(
        timedelta(days=90), abs=timedelta(seconds=1)
    )


def test_the_token_of_a_deactivated_account_gets_401(caseworker):
    _token, raw = issue_api_token(caseworker, name="手机", by=caseworker)
    Staff.objects.filter(pk=caseworker.pk).update(is_active=False)
    assert me(raw).status_code == 401


@pytest.mark.parametrize("header", ["Bearer nj_forged", "Bearer ", "Token abc", "nj_abc"])
def test_made_up_credentials_get_401(tree, header):
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401


def test_one_user_cannot_revoke_anothers_token(login, caseworker, reviewer):
    token, raw = issue_api_token(reviewer, name="审核用手机", by=reviewer)
    response = login(caseworker).post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None and me(raw).status_code == 200


def test_one_user_does_not_see_anothers_tokens(login, caseworker, reviewer):
    issue_api_token(reviewer, name="审核用手机", by=reviewer)
    assert "审核用手机" not in page_text(login(caseworker).get("/accounts/tokens/"))


def test_revoking_needs_a_post(login, caseworker):
    token, _raw = issue_api_token(caseworker, name="手机", by=caseworker)
    assert login(caseworker).get(f"/accounts/tokens/{token.pk}/revoke/").status_code == 405


def test_revoking_twice_is_harmless(caseworker):
    token, _raw = issue_api_token(caseworker, name="手机", by=caseworker)
    revoke_api_token(token, by=caseworker)
    first = token.revoked_at
    revoke_api_token(token, by=caseworker)
    assert token.revoked_at == first and events("api_token.revoked").count() == 1


def test_administrators_get_no_api_token(make_staff):
    from nuanjia.core.errors import RuleViolation
    from nuanjia.orgs.rules import Role

    admin = make_staff("410000", Role.SYSTEM_ADMIN, username="token_admin")
    with pytest.raises(RuleViolation):
        issue_api_token(admin, name="脚本", by=admin)
    assert not ApiToken.objects.filter(staff=admin).exists()


def test_a_token_stops_working_when_its_owner_becomes_an_administrator(caseworker):
    from nuanjia.orgs.models import RoleAssignment
    from nuanjia.orgs.rules import Role

    _token, raw = issue_api_token(caseworker, name="手机", by=caseworker)
    assert me(raw).status_code == 200
    RoleAssignment.objects.filter(staff=caseworker).delete()
    RoleAssignment.objects.create(staff=caseworker, role=Role.AUDIT_ADMIN)
    assert me(raw).status_code == 401
