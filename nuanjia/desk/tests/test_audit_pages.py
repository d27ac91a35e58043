"""The auditor reads and filters the audit trail of their subtree; nobody else reads it."""

import pytest


def test_provincial_auditor_sees_every_county(login, auditor, events):
    page = login(auditor).get("/audit/").content.decode()
    assert "惠济区事件" in page and "鼓楼区事件" in page


def test_city_auditor_sees_only_the_city_subtree(login, make_staff, events):
    zhengzhou_auditor = make_staff("410100", "audit_admin")
    page = login(zhengzhou_auditor).get("/audit/").content.decode()
    assert "惠济区事件" in page and "鼓楼区事件" not in page
    assert login(zhengzhou_auditor).get(f"/audit/{events['gulou'].pk}/").status_code == 404


def test_auditor_filters_failures_by_actor(login, auditor, events):
    page = login(auditor).get("/audit/", {"result": "failed", "actor": "hj_"}).content.decode()
    assert "login.failed" in page and "惠济区事件" not in page


def test_auditor_opens_one_event_with_its_hash(login, auditor, events):
    event = events["huiji_ok"]
    page = login(auditor).get(f"/audit/{event.pk}/").content.decode()
    assert event.hash in page and event.prev_hash in page


@pytest.mark.parametrize("persona", ["caseworker", "system_admin", "security_admin", "leader"])
def test_only_the_audit_administrator_reads_the_trail(request, login, persona, events):
    user = request.getfixturevalue(persona)
    assert login(user).get("/audit/").status_code == 403


def test_a_denied_page_is_itself_an_audit_event(login, caseworker):
    login(caseworker).get("/audit/")
    from nuanjia.core.models import AuditEvent

    denied = AuditEvent.objects.filter(action="access.denied", actor=caseworker).first()
    assert denied is not None and denied.success is False and denied.changes["where"] == "/audit/"


def test_system_admin_home_lists_locked_accounts(login, system_admin, caseworker):
    from datetime import timedelta

    from django.utils import timezone

    caseworker.locked_until = timezone.now() + timedelta(minutes=10)
    caseworker.save()
    page = login(system_admin).get("/").content.decode()
    assert "/staff/?status=locked" in page


def test_caseworker_home_has_no_account_admin_items(login, caseworker):
    page = login(caseworker).get("/").content.decode()
    assert "/staff/?status" not in page


def test_the_home_page_warns_when_next_years_holiday_schedule_is_missing(login, caseworker):
    """chinese-calendar 1.11 knows years through 2026: from late 2026 deadlines in 2027 count
    weekdays until the administrator enters the schedule, and every desk says so."""
    import time_machine

    from nuanjia.core.models import CalendarYear

    with time_machine.travel("2026-11-29 10:00 +0800"):
        page = login(caseworker).get("/").content.decode()
        assert "2027 年的节假日安排尚未录入" in page
        CalendarYear.objects.create(year=2027)
        assert "节假日安排尚未录入" not in login(caseworker).get("/").content.decode()
