"""API tokens end with the powers they were issued under (issue 12 #8).

A token kept working while its account was locked and after a password change, and a demoted
administrator's token came back. Locking the account, changing its password (by the user or an
administrator) and changing its roles, union or active state now revoke its tokens.
"""

from django.test import Client

from conftest import PASSWORD
from nuanjia.accounts.models import ApiToken
from nuanjia.accounts.services import issue_api_token
from nuanjia.orgs import services as org_services
from nuanjia.orgs.models import Org, Staff
from nuanjia.orgs.rules import Role

from .support import events, sign_in


def me(raw: str):
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")


def token_for(staff) -> str:
    _token, raw = issue_api_token(staff, name="手机", by=staff)
    assert me(raw).status_code == 200
    return raw


def assert_revoked(raw: str, staff, reason: str) -> None:
    assert me(raw).status_code == 401
    assert not ApiToken.objects.filter(staff=staff, revoked_at__isnull=True).exists()
    assert events("api_token.revoked_all").last().changes["reason"] == reason


def test_locking_the_account_revokes_its_tokens(caseworker):
    raw = token_for(caseworker)
    for _ in range(5):
        sign_in(Client(), caseworker.username, "Wrong#2026pw")
    assert Staff.objects.get(pk=caseworker.pk).is_locked
    assert_revoked(raw, caseworker, "locked")


def test_a_locked_account_s_token_is_refused_even_before_it_is_revoked(caseworker):
    raw = token_for(caseworker)
    Staff.objects.filter(pk=caseworker.pk).update(
        locked_until=caseworker.date_joined.replace(year=2999)
    )
    assert me(raw).status_code == 401


def test_changing_one_s_own_password_revokes_the_tokens(login, caseworker):
    raw = token_for(caseworker)
    new = "Xinmima#2026ab"
    response = login(caseworker).post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": new, "new_password_again": new},
    )
    assert response.status_code == 302
    assert_revoked(raw, caseworker, "password_changed")


def test_an_administrator_s_password_reset_revokes_the_tokens(system_admin, caseworker):
    raw = token_for(caseworker)
    org_services.reset_staff_password(caseworker, password="Linshi#Mima2026", by=system_admin)
    assert_revoked(raw, caseworker, "password_reset")


def test_a_demoted_administrator_s_token_does_not_come_back(security_admin, caseworker):
    raw = token_for(caseworker)
    org_services.set_roles(caseworker, {Role.SYSTEM_ADMIN}, by=security_admin)
    assert me(raw).status_code == 401
    org_services.set_roles(caseworker, {Role.CASEWORKER}, by=security_admin)
    assert_revoked(raw, caseworker, "roles_changed")


def test_any_role_change_revokes_the_tokens(security_admin, caseworker):
    raw = token_for(caseworker)
    org_services.set_roles(caseworker, {Role.CASEWORKER, Role.HOTLINE_AGENT}, by=security_admin)
    assert_revoked(raw, caseworker, "roles_changed")


def test_moving_the_account_to_another_union_revokes_the_tokens(system_admin, caseworker):
    raw = token_for(caseworker)
    org_services.update_staff(
        caseworker,
        full_name=caseworker.full_name,
        phone="",
        org=Org.objects.get(code="410102"),
        is_active=True,
        by=system_admin,
    )
    assert_revoked(raw, caseworker, "account_changed")


def test_unrelated_accounts_keep_their_tokens(security_admin, caseworker, reviewer):
    raw = token_for(reviewer)
    org_services.set_roles(caseworker, {Role.HOTLINE_AGENT}, by=security_admin)
    assert me(raw).status_code == 200
