"""The auditor exports the audit trail with its filters: exactly the events they select, only
of the auditor's subtree, and the export is itself an event."""

import pytest

from nuanjia.core.audit import record_event
from nuanjia.core.tests.exports import export_rows, last_export_event
from nuanjia.orgs.models import Org

pytestmark = pytest.mark.django_db


@pytest.fixture
def formula(events, outsider):
    """An event whose label Excel would run as a formula (a 鼓楼 user acting in 惠济区)."""
    huiji = Org.objects.get(code="410108")
    return record_event(huiji, "org.updated", by=outsider, label="=cmd|' /C calc'!A0")


def test_the_export_holds_the_filtered_events_of_the_subtree(login, make_staff, events, formula):
    zhengzhou_auditor = make_staff("410100", "audit_admin")
    client = login(zhengzhou_auditor)
    assert (
        "/audit/export.xlsx?action=org.updated"
        in client.get("/audit/", {"action": "org.updated"}).content.decode()
    )
    rows = export_rows(client.get("/audit/export.xlsx", {"action": "org.updated"}))
    assert [row[0] for row in rows[1:]] == [formula.pk, events["huiji_ok"].pk]
    assert rows[2][2] == "hj_caseworker" and rows[2][4] == "惠济区事件"
    assert rows[1][4] == "=cmd|' /C calc'!A0"  # kept as text
    assert "鼓楼区事件" not in str(rows)
    event = last_export_event()
    assert event.actor_id == zhengzhou_auditor.pk and event.org_id == zhengzhou_auditor.org_id
    assert event.changes["filters"] == {"action": "org.updated"} and event.changes["rows"] == 2


def test_a_failure_filter_exports_the_failures_only(login, auditor, events):
    rows = export_rows(login(auditor).get("/audit/export.xlsx", {"result": "failed"}))
    assert [row[0] for row in rows[1:]] == [events["huiji_failed"].pk]


def test_only_the_auditor_exports_the_trail(login, caseworker, events):
    assert login(caseworker).get("/audit/export.xlsx").status_code == 403
