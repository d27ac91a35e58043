"""The auditor reads names, not codes (issue 12 #22): every event type has a Chinese name, a
change reads field: before → after, the type filter is a list, and the chain is verified from
the page."""

import ast
import html
from pathlib import Path

import pytest
from django.db import connection
from django.utils import translation

from nuanjia.core.audit import record_event
from nuanjia.core.audit_names import EVENT_NAMES, event_name
from nuanjia.core.models import AuditEvent
from nuanjia.funds.services import ACTIONS as FUNDS_ACTIONS
from nuanjia.hardship.rules import Step as FileStep
from nuanjia.hotline.rules import ACTION_LABELS as TICKET_ACTIONS
from nuanjia.orgs.models import Org
from nuanjia.relief.rules import Step as GrantStep

APPS = Path(__file__).resolve().parents[2]
AUDIT_CALLS = {"record_event", "prepare_event"}


def recorded_codes() -> set[str]:
    """Every literal event code passed to record_event/prepare_event in our services."""
    codes = set()
    for path in APPS.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in AUDIT_CALLS and isinstance(node.args[1], ast.Constant):
                codes.add(str(node.args[1].value))
    return codes


def stepped_codes() -> set[str]:
    """The codes built from step names (f"relief.{step}" …) and the ledger's kinds."""
    return {
        *FUNDS_ACTIONS.values(),
        *(f"relief.{step}" for step in GrantStep.values),
        *(f"hardship.{step}" for step in FileStep.values),
        *(f"hotline.{action}" for action in TICKET_ACTIONS),
        "admin.added",
        "admin.changed",
    }


def zh_name(code: str) -> str:
    with translation.override("zh-hans"):
        return event_name(code)


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_every_event_type_our_services_record_has_a_name():
    codes = recorded_codes() | stepped_codes()
    assert len(codes) > 100
    assert sorted(codes - set(EVENT_NAMES)) == []


def test_an_unknown_event_type_shows_as_its_code():
    assert event_name("somebody.invented") == "somebody.invented"
    assert event_name("login.succeeded") != "login.succeeded"


def test_the_trail_shows_event_names_not_codes(login, auditor, caseworker):
    record_event(caseworker, "login.succeeded", by=caseworker, org=caseworker.org)
    record_event(None, "somebody.invented", by=caseworker, org=caseworker.org)
    page = text(login(auditor).get("/audit/"))
    assert zh_name("login.succeeded") in page
    assert "<code>login.succeeded</code>" not in page
    assert ">somebody.invented<" in page


def test_an_event_shows_its_changes_as_before_and_after(login, auditor, caseworker):
    huiji = Org.objects.get(code="410108")
    event = record_event(
        huiji,
        "org.updated",
        by=caseworker,
        changes={"name": ["惠济工会", "惠济区总工会"], "reason": "更名"},
    )
    page = text(login(auditor).get(f"/audit/{event.pk}/"))
    assert "惠济工会 → 惠济区总工会" in page
    assert "更名" in page
    assert "{'name'" not in page and "['惠济工会'" not in page
    assert zh_name("org.updated") in page


def test_the_auditor_filters_by_an_event_type_picked_from_a_list(login, auditor, caseworker):
    record_event(caseworker, "login.succeeded", by=caseworker, org=caseworker.org, label="甲")
    record_event(caseworker, "login.failed", by=caseworker, org=caseworker.org, label="乙")
    client = login(auditor)
    page = text(client.get("/audit/"))
    assert '<select name="action"' in page
    assert f'<option value="login.succeeded">{zh_name("login.succeeded")}</option>' in page
    filtered = text(client.get("/audit/", {"action": "login.failed"}))
    assert ">乙<" in filtered and ">甲<" not in filtered
    assert '<option value="login.failed" selected>' in filtered


def test_the_auditor_verifies_the_chain_from_the_page(login, auditor, caseworker):
    record_event(caseworker, "login.succeeded", by=caseworker, org=caseworker.org)
    client = login(auditor)
    response = client.post("/audit/verify/", follow=True)
    count = AuditEvent.objects.filter(action="audit.verified").get().changes["events"]
    with translation.override("zh-hans"):
        intact = translation.gettext("The audit chain is intact: %(count)d events checked.")
    assert intact % {"count": count} in text(response)


def test_verifying_from_the_page_names_the_first_tampered_event(login, auditor, caseworker):
    victim = record_event(caseworker, "login.succeeded", by=caseworker, org=caseworker.org)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_auditevent SET actor_label = %s WHERE id = %s", ["mallory", victim.id]
        )
    page = text(login(auditor).post("/audit/verify/", follow=True))
    assert f"#{victim.id}" in page
    check = AuditEvent.objects.filter(action="audit.verified").get()
    assert check.success is False and check.changes["event_id"] == victim.id
    assert (check.changes["chain"], check.changes["broken_at"]) == (victim.chain, victim.seq)


@pytest.mark.parametrize("persona", ["caseworker", "system_admin", "security_admin"])
def test_only_the_auditor_runs_the_verification(request, login, persona):
    user = request.getfixturevalue(persona)
    assert login(user).post("/audit/verify/").status_code == 403
    assert not AuditEvent.objects.filter(action="audit.verified").exists()
