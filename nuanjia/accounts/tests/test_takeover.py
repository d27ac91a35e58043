"""An administrator's reset gives the administrator no usable session in the account (issue 12 #5).

The system administrator could reset an approver's password and authenticator, sign in as them
and approve grants. Now a password an administrator sets (a reset, a new account) only opens the
change-password page, an authenticator still asks for the user's code, and the two factors of
one account are never both reset by an administrator.
"""

import re

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, verified_login
from nuanjia.core.errors import RuleViolation
from nuanjia.demo import DEMO_PASSWORD, DEMO_STAFF, ensure_demo_staff
from nuanjia.orgs import services as org_services
from nuanjia.orgs.models import Org, Staff

from .support import code_for, events, page_text, sign_in

BOTH_FACTORS = (
    "An administrator cannot reset both sign-in factors of one account; the operator does it at "
    "the command line."
)
TEMPORARY = "Linshi#Mima2026"
OWN = "Ziji#Mima2026xy"


def zh(msgid: str) -> str:
    """A message as a Chinese-speaking user sees it (the catalogue's translation of `msgid`)."""
    with translation.override("zh-hans"):
        return gettext(msgid)


def admin_client(system_admin) -> Client:
    client = Client()
    verified_login(client, system_admin)
    return client


def change_password(client, old: str, new: str):
    return client.post(
        "/accounts/password/",
        {"old_password": old, "new_password": new, "new_password_again": new},
    )


def test_a_reset_password_opens_only_the_change_password_page(system_admin, caseworker):
    admin_client(system_admin).post(f"/staff/{caseworker.pk}/password/", {"password": TEMPORARY})
    client = Client()
    assert sign_in(client, caseworker.username, TEMPORARY).status_code == 302
    assert client.get("/")["Location"] == "/accounts/password/"
    assert client.get("/hardship/").status_code == 302
    assert client.get("/api/v1/me").status_code == 401
    page = page_text(client.get("/accounts/password/"))
    assert (
        zh("Your password was set by an administrator. Choose your own password to continue.")
        in page
    )
    # The user chooses their own password, and only then works.
    assert change_password(client, TEMPORARY, OWN)["Location"] == "/"
    assert client.get("/").status_code == 200
    assert Staff.objects.get(pk=caseworker.pk).must_change_password is False


def test_the_temporary_password_cannot_be_kept(system_admin, caseworker):
    admin_client(system_admin).post(f"/staff/{caseworker.pk}/password/", {"password": TEMPORARY})
    client = Client()
    sign_in(client, caseworker.username, TEMPORARY)
    response = change_password(client, TEMPORARY, TEMPORARY)
    assert response.status_code == 200 and zh(
        "The new password must differ from the current one."
    ) in page_text(response)
    assert client.get("/").status_code == 302


def test_the_administrator_cannot_sign_in_as_an_approver_after_resetting_the_password(
    system_admin, approver
):
    """The approver's authenticator stays: the temporary password alone reaches nothing."""
    device = TOTPDevice.objects.create(user=approver, name="手机", confirmed=True)
    admin = admin_client(system_admin)
    admin.post(f"/staff/{approver.pk}/password/", {"password": TEMPORARY})
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    as_approver = Client()
    sign_in(as_approver, approver.username, TEMPORARY)
    assert as_approver.get("/")["Location"].startswith("/accounts/2fa/")
    assert as_approver.get("/accounts/password/")["Location"].startswith("/accounts/2fa/")
    assert as_approver.get("/relief/").status_code == 302
    # Nor can the administrator now remove the authenticator to enrol their own.
    response = admin.post(f"/staff/{approver.pk}/two-factor/reset/", follow=True)
    assert zh(BOTH_FACTORS) in page_text(response)
    assert TOTPDevice.objects.filter(pk=device.pk, confirmed=True).exists()
    assert not events("staff.two_factor_reset").exists()


def test_after_an_authenticator_reset_the_administrator_cannot_reset_the_password(
    system_admin, approver
):
    TOTPDevice.objects.create(user=approver, name="手机", confirmed=True)
    org_services.reset_two_factor(approver, by=system_admin)
    with pytest.raises(RuleViolation) as refusal:
        org_services.reset_staff_password(approver, password=TEMPORARY, by=system_admin)
    assert zh(BOTH_FACTORS) in refusal.value.message
    approver.refresh_from_db()
    assert approver.check_password(PASSWORD) and not approver.must_change_password


def issue_enrolment_code(security_admin, staff) -> str:
    """The security administrator issues a 启用码 on the account page and reads it off."""
    client = Client()
    verified_login(client, security_admin)
    page = page_text(client.post(f"/staff/{staff.pk}/enrolment-code/"))
    return re.search(r'data-testid="enrolment-code">(\d{8})<', page).group(1)


def enrol(client, code: str | None, staff) -> None:
    """Give the enrolment code (when one is asked), then confirm the authenticator's first code."""
    if code is not None:
        client.post("/accounts/2fa/enrol/", {"enrolment_code": code})
    client.get("/accounts/2fa/enrol/")
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    client.post("/accounts/2fa/enrol/", {"code": code_for(device)})


def test_the_user_enrols_again_with_their_own_password(system_admin, security_admin, approver):
    TOTPDevice.objects.create(user=approver, name="旧手机", confirmed=True)
    admin_client(system_admin).post(f"/staff/{approver.pk}/two-factor/reset/")
    client = Client()
    sign_in(client, approver.username, PASSWORD)
    enrol(client, issue_enrolment_code(security_admin, approver), approver)
    assert client.get("/").status_code == 200


def new_approver_opened_by(system_admin, security_admin) -> Staff:
    """The system administrator opens an account, the security administrator makes it an
    approver (a role that needs two factors)."""
    admin_client(system_admin).post(
        "/staff/new/",
        {
            "username": "zhao_min",
            "full_name": "赵敏",
            "phone": "",
            "org_code": "410108",
            "password": TEMPORARY,
        },
    )
    staff = Staff.objects.get(username="zhao_min")
    org_services.set_roles(staff, {"approver"}, by=security_admin)
    return Staff.objects.get(pk=staff.pk)


def test_the_system_administrator_cannot_enrol_an_authenticator_for_a_new_account(
    system_admin, security_admin
):
    """Issue 12 #5: the administrator who typed the first password signs in first and would
    enrol an authenticator of their own, then choose the password — now the enrolment page asks for
    the security administrator's code and shows no secret without it."""
    staff = new_approver_opened_by(system_admin, security_admin)
    client = Client()
    sign_in(client, staff.username, TEMPORARY)
    page = page_text(client.get("/accounts/2fa/enrol/"))
    assert zh("Enrolment code") in page
    assert 'data-testid="totp-secret"' not in page
    assert not TOTPDevice.objects.filter(user=staff).exists()
    response = client.post("/accounts/2fa/enrol/", {"enrolment_code": "12345678"})
    assert zh(
        "The enrolment code is wrong or has expired. Ask your security administrator for a new one."
    ) in page_text(response)
    assert client.post("/accounts/2fa/enrol/", {"code": "123456"}).status_code == 200
    assert not TOTPDevice.objects.filter(user=staff, confirmed=True).exists()
    assert client.get("/").status_code == 302
    refusal = events("login.failed", object_id=str(staff.pk)).last()
    assert refusal.changes["reason"] == "bad_enrolment_code"


def test_with_the_security_administrators_code_the_user_enrols_once(system_admin, security_admin):
    staff = new_approver_opened_by(system_admin, security_admin)
    code = issue_enrolment_code(security_admin, staff)
    client = Client()
    sign_in(client, staff.username, TEMPORARY)
    enrol(client, code, staff)
    assert client.get("/")["Location"] == "/accounts/password/"
    change_password(client, TEMPORARY, OWN)
    assert client.get("/").status_code == 200
    staff.refresh_from_db()
    assert not staff.enrolment_code_required and staff.enrolment_code_hash == ""
    assert events("staff.enrolment_code_issued", object_id=str(staff.pk)).get().actor_id == (
        security_admin.pk
    )
    assert events("two_factor.enrolment_code_accepted", object_id=str(staff.pk)).exists()


def test_an_enrolment_code_expires_and_only_a_security_administrator_issues_one(
    system_admin, security_admin
):
    staff = new_approver_opened_by(system_admin, security_admin)
    with pytest.raises(RuleViolation):
        org_services.issue_enrolment_code(staff, by=system_admin)
    assert admin_client(system_admin).post(f"/staff/{staff.pk}/enrolment-code/").status_code == 403
    code = org_services.issue_enrolment_code(staff, by=security_admin)
    assert org_services.enrolment_code_matches(staff, code)
    Staff.objects.filter(pk=staff.pk).update(enrolment_code_expires_at=timezone.now())
    assert not org_services.enrolment_code_matches(Staff.objects.get(pk=staff.pk), code)


def test_once_the_user_chose_a_password_the_authenticator_can_be_reset(system_admin, caseworker):
    admin_client(system_admin).post(f"/staff/{caseworker.pk}/password/", {"password": TEMPORARY})
    client = Client()
    sign_in(client, caseworker.username, TEMPORARY)
    change_password(client, TEMPORARY, OWN)
    TOTPDevice.objects.create(user=caseworker, name="手机", confirmed=True)
    org_services.reset_two_factor(Staff.objects.get(pk=caseworker.pk), by=system_admin)
    assert not TOTPDevice.objects.filter(user=caseworker).exists()


def test_a_new_account_must_change_its_initial_password(system_admin):
    admin_client(system_admin).post(
        "/staff/new/",
        {
            "username": "li_na",
            "full_name": "李娜",
            "phone": "",
            "org_code": "410108",
            "password": TEMPORARY,
        },
    )
    assert Staff.objects.get(username="li_na").must_change_password
    client = Client()
    sign_in(client, "li_na", TEMPORARY)
    assert client.get("/")["Location"] == "/accounts/password/"
    change_password(client, TEMPORARY, OWN)
    assert client.get("/").status_code == 200
    assert events("password.changed").get().actor.username == "li_na"


def test_the_demo_accounts_keep_the_demo_password(tree):
    spec = next(spec for spec in DEMO_STAFF if spec.username == "zz_caseworker")
    staff = ensure_demo_staff(spec, Org.objects.get(code=spec.org_code))
    assert staff.must_change_password is False
    client = Client()
    assert sign_in(client, spec.username, DEMO_PASSWORD)["Location"] == "/"
    assert client.get("/").status_code == 200


def test_demo_accounts_made_with_one_hash_each_sign_in_with_the_demo_password(tree):
    password_hash = make_password(DEMO_PASSWORD)
    specs = [spec for spec in DEMO_STAFF if spec.username in ("zz_caseworker", "hj_reviewer")]
    for spec in specs:
        ensure_demo_staff(spec, Org.objects.get(code=spec.org_code), password_hash)
    for spec in specs:
        client = Client()
        assert sign_in(client, spec.username, DEMO_PASSWORD)["Location"] == "/"
    wrong = Client()
    assert sign_in(wrong, "hj_reviewer", "Wrong@2026pass").status_code == 200
