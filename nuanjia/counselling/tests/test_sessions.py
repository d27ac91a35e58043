"""Sessions: notes sealed at rest and read only by the counsellor and a supervisor; a
high-risk session alerts the supervisor, records 110/120 and, not followed up in time, is
escalated by the scheduler's chore to the parent union's supervisor. Classes and columns."""

import datetime

import pytest
from django.db import connection
from django.test import Client

from conftest import verified_login
from nuanjia.core import schedule
from nuanjia.core.audit import AuditEvent
from nuanjia.core.errors import RuleViolation
from nuanjia.counselling import services
from nuanjia.counselling.models import Session

from .conftest import at

pytestmark = pytest.mark.django_db
SECRET = "来电者提到了轻生的念头，家住某小区"


def _high(people, by, **extra):
    counsellor, _volunteers = people
    return services.log_session(
        counsellor, by=by, channel="call", started_at=at(10, 1), minutes=40, risk="high",
        notes=SECRET, police_called=True, **extra,
    )  # fmt: skip


def test_notes_are_sealed_at_rest_and_opened_only_for_counsellor_and_supervisor(
    people, counsellor_staff, supervisor, caseworker
):
    session = _high(people, counsellor_staff)
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes_encrypted FROM counselling_session")
        (stored,) = cursor.fetchone()
    assert SECRET not in stored and stored
    assert services.notes_for(counsellor_staff, session) == SECRET
    assert services.notes_for(supervisor, session) == SECRET
    assert services.notes_for(caseworker, session) is None
    for event in AuditEvent.objects.all():
        assert SECRET not in str(event.changes)
    client = Client()
    verified_login(client, caseworker)
    page = client.get(f"/counselling/sessions/{session.pk}/").content.decode()
    assert SECRET not in page
    verified_login(client, supervisor)
    assert SECRET in client.get(f"/counselling/sessions/{session.pk}/").content.decode()


def test_a_high_risk_session_alerts_the_supervisor_at_once(people, counsellor_staff, supervisor):
    session = _high(people, counsellor_staff)
    assert session.police_called and not session.ambulance_called
    assert session.follow_up_due_at == at(11, 1)
    client = Client()
    verified_login(client, supervisor)
    assert (
        "高风险" in client.get("/").content.decode()
        or "High-risk" in client.get("/").content.decode()
    )


def test_an_overdue_follow_up_escalates_to_the_parent_union_supervisor(
    people, counsellor_staff, supervisor, province_supervisor, clock
):
    session = _high(people, counsellor_staff)
    assert services.escalate_overdue() == 0
    clock.move_to(at(11, 2))
    schedule.run_ticks()
    session.refresh_from_db()
    assert session.escalated_to == province_supervisor and session.escalated_at is not None
    assert services.escalate_overdue() == 0  # once
    assert AuditEvent.objects.filter(action="counselling.escalated").count() == 1
    client = Client()
    verified_login(client, province_supervisor)
    home = client.get("/").content.decode()
    assert "/counselling/sessions/?follow_up=open" in home
    assert services.notes_for(province_supervisor, session) == SECRET


def test_a_follow_up_in_time_is_not_escalated(people, counsellor_staff, supervisor, clock):
    session = _high(people, counsellor_staff)
    clock.move_to(at(10, 20))
    services.follow_up(session, by=supervisor, note="已回访，情绪平稳")
    clock.move_to(at(12, 0))
    assert services.escalate_overdue() == 0
    with pytest.raises(RuleViolation):
        services.follow_up(session, by=supervisor)


def test_110_and_120_are_kept_only_for_a_high_risk_session(people, counsellor_staff):
    counsellor, _ = people
    low = services.log_session(
        counsellor, by=counsellor_staff, channel="chat", started_at=at(10, 9), minutes=10,
        risk="low", police_called=True,
    )  # fmt: skip
    assert not low.police_called and low.follow_up_due_at is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("risk", "extreme"), ("channel", "fax"), ("minutes", 5000), ("started_at", "昨天"),
     ("notes", "x" * 501)],
)  # fmt: skip
def test_bad_input_names_the_field(people, counsellor_staff, field, value):
    counsellor, _ = people
    data = {"channel": "call", "started_at": at(10, 9), "minutes": 10, "risk": "low"}
    data[field] = value
    with pytest.raises(RuleViolation) as refused:
        services.log_session(counsellor, by=counsellor_staff, **data)
    assert refused.value.field == field
    assert not Session.objects.exists()


def test_a_class_with_attendance(caseworker, line):
    event = services.create_event(
        line.org, kind="class", series="心灵护航", title="压力与睡眠", held_at=at(12, 19),
        place="郑州市职工服务中心", by=caseworker,
    )  # fmt: skip
    services.add_attendance(event, name="张三", workplace="郑州宇通", by=caseworker)
    with pytest.raises(RuleViolation):
        services.add_attendance(event, name="张三", workplace="郑州宇通", by=caseworker)
    assert event.attendance.count() == 1
    assert event.held_at - at(12, 19) == datetime.timedelta(0)
