"""The auditor exports the audit trail with its filters: exactly the events they select, only
of the auditor's subtree, and the export is itself an event."""

import pytest

from nuanjia.core.audit import record_event
from nuanjia.core.tests.exports import export_rows, last_export_event
from nuanjia.orgs.models import Org

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(tree, caseworker, outsider):
    huiji, gulou = Org.objects.get(code="410108"), Org.objects.get(code="410204")
    return {
        "ok": record_event(huiji, "org.updated", by=caseworker, label="惠济区事件"),
        "failed": record_event(
            None, "login.failed", success=False, actor_label="hj_caseworker", org=huiji
        ),
        "other": record_event(huiji, "org.updated", by=outsider, label="=cmd|' /C calc'!A0"),
        "gulou": record_event(gulou, "org.updated", by=outsider, label="鼓楼区事件"),
    }


def test_the_export_holds_the_filtered_events_of_the_subtree(login, make_staff, events):
    zhengzhou_auditor = make_staff("410100", "audit_admin")
    client = login(zhengzhou_auditor)
    assert (
        "/audit/export.xlsx?action=org.updated"
        in client.get("/audit/", {"action": "org.updated"}).content.decode()
    )
    rows = export_rows(client.get("/audit/export.xlsx", {"action": "org.updated"}))
    assert [row[0] for row in rows[1:]] == [events["other"].pk, events["ok"].pk]
    assert rows[2][2] == "hj_caseworker" and rows[2][4] == "惠济区事件"
    assert rows[1][4] == "=cmd|' /C calc'!A0"  # kept as text
    assert "鼓楼区事件" not in str(rows)
    event = last_export_event()
    assert event.actor_id == zhengzhou_auditor.pk and event.org_id == zhengzhou_auditor.org_id
    assert event.changes["filters"] == {"action": "org.updated"} and event.changes["rows"] == 2


def test_a_failure_filter_exports_the_failures_only(login, auditor, events):
    rows = export_rows(login(auditor).get("/audit/export.xlsx", {"result": "failed"}))
    assert [row[0] for row in rows[1:]] == [events["failed"].pk]


def test_only_the_auditor_exports_the_trail(login, caseworker, events):
    assert login(caseworker).get("/audit/export.xlsx").status_code == 403
