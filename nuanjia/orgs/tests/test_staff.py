"""Staff accounts and the three administrator roles (等保 三权分立).

The system administrator manages accounts, the security administrator assigns roles, the
audit administrator reads the audit trail; none of them holds a business role or opens a
business page. Every account change is an audit event, and no password ever enters one.
"""

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext
from hypothesis import given
from hypothesis import strategies as st

from conftest import PASSWORD
from nuanjia.accounts.tests.support import events, form_errors, page_text, sign_in
from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.core.todo import items_for
from nuanjia.orgs.models import Org, Staff
from nuanjia.orgs.rules import (
    ADMIN_ROLES,
    BUSINESS_PERMISSIONS,
    BUSINESS_ROLES,
    Role,
    role_conflict,
    roles_grant,
)
from nuanjia.orgs.services import set_roles

ADMIN_PERSONAS = ["system_admin", "security_admin", "auditor"]
NEW_PASSWORD = "Chongzhi#2026"
PASSWORD_TOO_SHORT = "密码至少需要 10 个字符。"


def zh(msgid: str, **params) -> str:
    """A message as a Chinese-speaking user sees it (the catalogue's translation of `msgid`)."""
    with translation.override("zh-hans"):
        text = gettext(msgid)
    return text % params if params else text


TWO_ADMIN_ROLES = zh(
    "The system, security and audit administrator roles must be held by different accounts."
)
ADMIN_WITH_BUSINESS = zh("An administrator role cannot be combined with business roles.")


def roles_of(user) -> set[str]:
    return set(Staff.objects.get(pk=user.pk).role_assignments.values_list("role", flat=True))


def audit_trail_text() -> str:
    return json.dumps(
        list(AuditEvent.objects.values_list("changes", flat=True)), ensure_ascii=False
    )


# --- the rule: an administrator role stands alone -------------------------------------


@pytest.mark.parametrize(
    "roles",
    [
        {Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN},
        {Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN},
        {Role.SECURITY_ADMIN, Role.AUDIT_ADMIN},
        set(ADMIN_ROLES),
    ],
)
def test_role_conflict_refuses_two_administrator_roles(roles):
    with translation.override("zh-hans"):
        assert role_conflict(roles) == TWO_ADMIN_ROLES


@pytest.mark.parametrize("admin", sorted(ADMIN_ROLES))
@pytest.mark.parametrize("business", sorted(BUSINESS_ROLES))
def test_role_conflict_refuses_an_administrator_role_beside_a_business_role(admin, business):
    with translation.override("zh-hans"):
        assert role_conflict({admin, business}) == ADMIN_WITH_BUSINESS


@given(st.sets(st.sampled_from(list(Role))))
def test_role_conflict_accepts_exactly_business_roles_or_one_administrator_role(roles):
    allowed = not (roles & ADMIN_ROLES) or len(roles) == 1
    assert (role_conflict(roles) is None) is allowed


@pytest.mark.parametrize("admin", sorted(ADMIN_ROLES))
def test_no_administrator_role_grants_a_business_permission(admin):
    assert not any(roles_grant({admin}, perm) for perm in BUSINESS_PERMISSIONS)


# --- assigning roles: the service -----------------------------------------------------


def test_set_roles_refuses_an_administrator_role_with_a_business_role(security_admin, caseworker):
    with translation.override("zh-hans"), pytest.raises(RuleViolation) as caught:
        set_roles(caseworker, {Role.SYSTEM_ADMIN, Role.CASEWORKER}, by=security_admin)
    assert caught.value.message == ADMIN_WITH_BUSINESS and caught.value.field == "roles"
    assert roles_of(caseworker) == {Role.CASEWORKER}
    assert not events("staff.roles_changed", actor=security_admin).exists()


def test_set_roles_refuses_two_administrator_roles(security_admin, system_admin):
    with translation.override("zh-hans"), pytest.raises(RuleViolation) as caught:
        set_roles(system_admin, {Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN}, by=security_admin)
    assert caught.value.message == TWO_ADMIN_ROLES
    assert roles_of(system_admin) == {Role.SYSTEM_ADMIN}


def test_a_security_administrator_cannot_change_their_own_roles(security_admin):
    with translation.override("zh-hans"), pytest.raises(RuleViolation) as caught:
        set_roles(security_admin, set(), by=security_admin)
    assert caught.value.message == zh("You cannot change your own roles.")
    assert roles_of(security_admin) == {Role.SECURITY_ADMIN}


@pytest.mark.parametrize("persona", ["system_admin", "auditor", "caseworker"])
def test_only_a_security_administrator_assigns_roles(request, persona, reviewer):
    actor = request.getfixturevalue(persona)
    with translation.override("zh-hans"), pytest.raises(RuleViolation) as caught:
        set_roles(reviewer, {Role.APPROVER}, by=actor)
    assert caught.value.message == zh("Only a security administrator can assign roles.")
    assert roles_of(reviewer) == {Role.REVIEWER}


def test_a_security_administrator_assigns_roles_and_it_is_audited(security_admin, reviewer):
    set_roles(reviewer, {Role.REVIEWER, Role.APPROVER}, by=security_admin)
    assert roles_of(reviewer) == {Role.REVIEWER, Role.APPROVER}
    event = events("staff.roles_changed", actor=security_admin).get()
    assert event.actor_id == security_admin.pk
    assert event.changes == {"roles": [["reviewer"], ["approver", "reviewer"]]}


# --- assigning roles: the page --------------------------------------------------------


def test_the_roles_page_refuses_a_conflicting_set(login, security_admin, caseworker):
    client = login(security_admin)
    response = client.post(
        f"/staff/{caseworker.pk}/roles/",
        {"roles": [Role.SYSTEM_ADMIN, Role.CASEWORKER]},
        follow=True,
    )
    assert ADMIN_WITH_BUSINESS in page_text(response)
    assert roles_of(caseworker) == {Role.CASEWORKER}


def test_the_roles_page_refuses_two_administrator_roles(login, security_admin, auditor):
    client = login(security_admin)
    response = client.post(
        f"/staff/{auditor.pk}/roles/", {"roles": [Role.AUDIT_ADMIN, Role.SYSTEM_ADMIN]}, follow=True
    )
    assert TWO_ADMIN_ROLES in page_text(response)
    assert roles_of(auditor) == {Role.AUDIT_ADMIN}


def test_the_security_administrator_cannot_change_their_own_roles_on_the_page(
    login, security_admin
):
    response = login(security_admin).post(
        f"/staff/{security_admin.pk}/roles/", {"roles": []}, follow=True
    )
    assert zh("You cannot change your own roles.") in page_text(response)
    assert roles_of(security_admin) == {Role.SECURITY_ADMIN}


def test_the_roles_page_saves_a_valid_set(login, security_admin, reviewer):
    response = login(security_admin).post(
        f"/staff/{reviewer.pk}/roles/", {"roles": [Role.APPROVER]}, follow=True
    )
    assert zh("Roles saved.") in page_text(response)
    assert roles_of(reviewer) == {Role.APPROVER}


@pytest.mark.parametrize("persona", ["system_admin", "auditor", "caseworker"])
def test_nobody_but_the_security_administrator_posts_roles(request, login, persona, reviewer):
    response = login(request.getfixturevalue(persona)).post(
        f"/staff/{reviewer.pk}/roles/", {"roles": [Role.APPROVER]}
    )
    assert response.status_code == 403
    assert roles_of(reviewer) == {Role.REVIEWER}


def test_the_system_administrator_gets_no_roles_form(login, system_admin, reviewer):
    page = page_text(login(system_admin).get(f"/staff/{reviewer.pk}/"))
    assert f"/staff/{reviewer.pk}/roles/" not in page


# --- what the administrators cannot open ----------------------------------------------


def test_the_auditor_cannot_see_staff_accounts(login, auditor, caseworker):
    client = login(auditor)
    assert client.get("/staff/").status_code == 403
    assert client.get(f"/staff/{caseworker.pk}/").status_code == 403


@pytest.mark.parametrize("persona", ADMIN_PERSONAS)
@pytest.mark.parametrize(
    "page",
    ["/orgs/{org}/new/", "/orgs/import/", "/orgs/import/template.xlsx", "/orgs/{org}/export.xlsx"],
)
def test_no_administrator_opens_a_business_page(request, login, persona, page):
    user = request.getfixturevalue(persona)
    huiji = Org.objects.get(code="410108")
    response = login(user).get(page.format(org=huiji.pk))
    assert response.status_code == 403
    assert events("access.denied", actor=user).get().success is False


@pytest.mark.parametrize("persona", ADMIN_PERSONAS)
def test_no_administrator_can_register_a_union(request, login, persona):
    user = request.getfixturevalue(persona)
    huiji = Org.objects.get(code="410108")
    response = login(user).post(
        f"/orgs/{huiji.pk}/new/", {"name": "某某公司工会", "kind": "enterprise"}
    )
    assert response.status_code == 403
    assert not Org.objects.filter(name="某某公司工会").exists()


@pytest.mark.parametrize("persona", ADMIN_PERSONAS)
def test_an_administrators_home_shows_no_business_to_do(request, login, persona, caseworker):
    user = request.getfixturevalue(persona)
    Staff.objects.filter(pk=caseworker.pk).update(
        locked_until=timezone.now() + timedelta(minutes=15)
    )
    assert login(user).get("/").status_code == 200
    for item in items_for(user):
        assert item.url.startswith("/staff/"), f"{persona} sees a business to-do: {item}"


# --- staff accounts: the system administrator -----------------------------------------


def new_account(client, **overrides):
    data = {
        "username": "zhang_wei",
        "full_name": "张伟",
        "phone": "13800000000",
        "org_code": "410108",
        "password": "Zhanghu#2026",
    }
    return client.post("/staff/new/", {**data, **overrides})


def test_the_system_administrator_creates_an_account(login, system_admin):
    response = new_account(login(system_admin))
    staff = Staff.objects.get(username="zhang_wei")
    assert response.status_code == 302 and response["Location"] == f"/staff/{staff.pk}/"
    assert staff.org.code == "410108" and staff.full_name == "张伟" and staff.roles == frozenset()
    assert staff.check_password("Zhanghu#2026") and staff.password.startswith("argon2")
    event = events("staff.created").get()
    assert event.actor_id == system_admin.pk and event.object_id == str(staff.pk)
    assert "Zhanghu#2026" not in json.dumps(event.changes) and "password" not in event.changes


def test_a_new_account_must_follow_the_password_policy(login, system_admin):
    response = new_account(login(system_admin), password="Short#1")
    assert response.status_code == 200 and PASSWORD_TOO_SHORT in page_text(response)
    assert not Staff.objects.filter(username="zhang_wei").exists()
    assert not events("staff.created").exists()


def test_a_new_password_like_the_user_name_is_refused(login, system_admin):
    response = new_account(login(system_admin), username="Zhangwei2026", password="Zhangwei2026!")
    assert response.status_code == 200
    assert not Staff.objects.filter(username="Zhangwei2026").exists()


def test_a_taken_user_name_is_refused_whatever_its_case(login, system_admin, caseworker):
    response = new_account(login(system_admin), username=caseworker.username.upper())
    assert response.status_code == 200
    assert zh("The user name %(name)s is taken.", name=caseworker.username.upper()) in page_text(
        response
    )
    assert Staff.objects.filter(username__iexact=caseworker.username).count() == 1


def test_accounts_are_opened_only_within_the_administrators_subtree(login, make_staff):
    zhengzhou_admin = make_staff("410100", Role.SYSTEM_ADMIN)
    response = new_account(login(zhengzhou_admin), org_code="410204")
    assert response.status_code == 200
    assert zh("No union with code %(code)s within your scope.", code="410204") in page_text(
        response
    )
    assert not Staff.objects.filter(username="zhang_wei").exists()


@pytest.mark.parametrize("persona", ["security_admin", "auditor", "caseworker"])
def test_only_the_system_administrator_creates_accounts(request, login, persona):
    response = new_account(login(request.getfixturevalue(persona)))
    assert response.status_code == 403
    assert not Staff.objects.filter(username="zhang_wei").exists()


def edit(client, staff, **overrides):
    data = {
        "full_name": staff.full_name,
        "phone": staff.phone,
        "org_code": staff.org.code,
        "is_active": "on",
    }
    data.update(overrides)
    return client.post(
        f"/staff/{staff.pk}/", {key: value for key, value in data.items() if value is not None}
    )


def test_the_system_administrator_edits_an_account(login, system_admin, caseworker):
    name_before = caseworker.full_name
    response = edit(login(system_admin), caseworker, full_name="李娜", org_code="410108-P")
    assert response.status_code == 302
    caseworker.refresh_from_db()
    assert caseworker.full_name == "李娜" and caseworker.org.code == "410108-P"
    event = events("staff.updated").get()
    assert event.actor_id == system_admin.pk
    assert event.changes == {"full_name": [name_before, "李娜"], "org": ["410108", "410108-P"]}


def test_deactivating_an_account_stops_its_sign_in(login, system_admin, caseworker):
    edit(login(system_admin), caseworker, is_active=None)
    caseworker.refresh_from_db()
    assert caseworker.is_active is False
    assert events("staff.updated").get().changes == {"is_active": [True, False]}
    assert form_errors(sign_in(Client(), caseworker.username, PASSWORD)) == "用户名或密码错误。"


def test_deactivating_an_account_ends_its_open_sessions(login, system_admin, caseworker):
    theirs = Client()
    sign_in(theirs, caseworker.username, PASSWORD)
    assert theirs.get("/").status_code == 200
    edit(login(system_admin), caseworker, is_active=None)
    assert theirs.get("/").status_code == 302
    assert theirs.get("/api/v1/me").status_code == 401


def test_the_system_administrator_cannot_deactivate_their_own_account(login, system_admin):
    response = edit(login(system_admin), Staff.objects.get(pk=system_admin.pk), is_active=None)
    assert response.status_code == 200
    assert zh("You cannot deactivate your own account.") in page_text(response)
    assert Staff.objects.get(pk=system_admin.pk).is_active is True
    assert not events("staff.updated").exists()


def test_the_system_administrator_resets_a_password(login, system_admin, caseworker):
    response = login(system_admin).post(
        f"/staff/{caseworker.pk}/password/", {"password": NEW_PASSWORD}, follow=True
    )
    assert zh("The password has been reset and the account unlocked.") in page_text(response)
    assert sign_in(Client(), caseworker.username, NEW_PASSWORD).status_code == 302
    assert form_errors(sign_in(Client(), caseworker.username, PASSWORD)) == "用户名或密码错误。"
    event = events("staff.password_reset").get()
    assert event.actor_id == system_admin.pk and event.changes == {"password": "***"}


def test_a_password_reset_ends_the_accounts_open_sessions(login, system_admin, caseworker):
    theirs = Client()
    sign_in(theirs, caseworker.username, PASSWORD)
    login(system_admin).post(f"/staff/{caseworker.pk}/password/", {"password": NEW_PASSWORD})
    assert theirs.get("/").status_code == 302


def test_a_weak_reset_password_is_refused_and_the_old_one_kept(login, system_admin, caseworker):
    response = login(system_admin).post(
        f"/staff/{caseworker.pk}/password/", {"password": "abc"}, follow=True
    )
    assert PASSWORD_TOO_SHORT in page_text(response)
    assert Staff.objects.get(pk=caseworker.pk).check_password(PASSWORD)
    assert not events("staff.password_reset").exists()


def test_the_system_administrator_unlocks_a_locked_account(login, system_admin, caseworker):
    other = Client()
    for _ in range(5):
        sign_in(other, caseworker.username, "Wrong#2026pw")
    assert Staff.objects.get(pk=caseworker.pk).is_locked
    response = login(system_admin).post(f"/staff/{caseworker.pk}/unlock/", follow=True)
    assert zh("The account has been unlocked.") in page_text(response)
    caseworker.refresh_from_db()
    assert caseworker.locked_until is None and caseworker.failed_login_count == 0
    assert sign_in(other, caseworker.username, PASSWORD).status_code == 302
    assert events("staff.unlocked").get().actor_id == system_admin.pk


def test_the_locked_accounts_list_shows_the_locked_account(
    login, system_admin, caseworker, reviewer
):
    Staff.objects.filter(pk=caseworker.pk).update(
        locked_until=timezone.now() + timedelta(minutes=15)
    )
    page = page_text(login(system_admin).get("/staff/", {"status": "locked"}))
    assert caseworker.username in page and reviewer.username not in page


@pytest.mark.parametrize("action", ["password/", "unlock/", "two-factor/reset/"])
@pytest.mark.parametrize("persona", ["security_admin", "auditor"])
def test_the_other_administrators_cannot_manage_accounts(
    request, login, persona, action, caseworker
):
    response = login(request.getfixturevalue(persona)).post(
        f"/staff/{caseworker.pk}/{action}", {"password": NEW_PASSWORD}
    )
    assert response.status_code == 403
    assert Staff.objects.get(pk=caseworker.pk).check_password(PASSWORD)


def test_an_account_outside_the_subtree_is_out_of_reach(login, make_staff, outsider):
    zhengzhou_admin = make_staff("410100", Role.SYSTEM_ADMIN)
    client = login(zhengzhou_admin)
    assert client.get(f"/staff/{outsider.pk}/").status_code == 404
    assert (
        client.post(f"/staff/{outsider.pk}/password/", {"password": NEW_PASSWORD}).status_code
        == 404
    )
    assert Staff.objects.get(pk=outsider.pk).check_password(PASSWORD)


def test_no_account_operation_puts_a_password_in_the_audit_trail(
    login, system_admin, security_admin, caseworker
):
    admin = login(system_admin)
    new_account(admin)
    staff = Staff.objects.get(username="zhang_wei")
    edit(admin, staff, full_name="张伟伟")
    admin.post(f"/staff/{staff.pk}/password/", {"password": NEW_PASSWORD})
    admin.post(f"/staff/{staff.pk}/unlock/")
    admin.post(f"/staff/{staff.pk}/two-factor/reset/")
    edit(admin, Staff.objects.get(pk=staff.pk), is_active=None)
    set_roles(caseworker, {Role.REVIEWER}, by=security_admin)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "staff.created",
        "staff.updated",
        "staff.password_reset",
        "staff.unlocked",
        "staff.two_factor_reset",
        "staff.roles_changed",
    } <= actions
    trail = audit_trail_text()
    staff.refresh_from_db()
    for secret in ("Zhanghu#2026", NEW_PASSWORD, staff.password, staff.password.split("$")[-1]):
        assert secret not in trail


def test_system_admin_cannot_take_over_the_security_or_audit_administrator(
    login, system_admin, security_admin, auditor
):
    """三权分立: resetting another admin's password or 2FA would hand over their powers."""
    from nuanjia.core.errors import RuleViolation
    from nuanjia.orgs import services

    for target in (security_admin, auditor):
        with pytest.raises(RuleViolation):
            services.reset_staff_password(target, password="Another#Pass2026", by=system_admin)
        with pytest.raises(RuleViolation):
            services.reset_two_factor(target, by=system_admin)
        client = login(system_admin)
        response = client.post(
            f"/staff/{target.pk}/password/", {"password": "Another#Pass2026"}, follow=True
        )
        assert "命令行" in response.content.decode()
        target.refresh_from_db()
        assert target.check_password("Another#Pass2026") is False
