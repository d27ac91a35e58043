"""The staff list exports to Excel with its search and status: the accounts they select in the
administrator's subtree, phones masked, and an audit event."""

import pytest

from nuanjia.core.tests.exports import export_rows, last_export_event
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.orgs.services import create_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(tree):
    def make(code, username, phone=""):
        return create_staff(
            org=Org.objects.get(code=code),
            username=username,
            full_name=f"职员{username}",
            password="Staff#Export2026",
            phone=phone,
            by=None,
        )

    return {
        "huiji": make("410108", "hj_export", phone="13812345678"),
        "zhengzhou": make("410100", "zz_export"),
        "gulou": make("410204", "kf_export"),
    }


def test_the_export_holds_the_searched_accounts_of_the_subtree(login, make_staff, accounts):
    admin = make_staff("410100", Role.SYSTEM_ADMIN, username="zz_sysadmin")
    client = login(admin)
    assert "/staff/export.xlsx?q=export" in client.get("/staff/", {"q": "export"}).content.decode()
    rows = export_rows(client.get("/staff/export.xlsx", {"q": "export"}))
    assert sorted(row[1] for row in rows[1:]) == ["hj_export", "zz_export"]
    huiji = next(row for row in rows[1:] if row[1] == "hj_export")
    assert huiji[:4] == ["职员hj_export", "hj_export", accounts["huiji"].org.name, "138****5678"]
    assert "13812345678" not in str(rows) and "kf_export" not in str(rows)
    event = last_export_event()
    assert event.changes["list"] == "orgs.staff" and event.changes["rows"] == 2
    assert event.changes["filters"] == {"q": "export"}


def test_a_status_filter_exports_those_accounts_only(login, system_admin, accounts):
    rows = export_rows(login(system_admin).get("/staff/export.xlsx", {"status": "roleless"}))
    names = {row[1] for row in rows[1:]}
    assert {"hj_export", "zz_export", "kf_export"} <= names and "sysadmin" not in names


def test_a_business_role_may_not_export_staff(login, caseworker, accounts):
    assert login(caseworker).get("/staff/export.xlsx").status_code == 403
