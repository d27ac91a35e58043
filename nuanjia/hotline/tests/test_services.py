"""Ticket services: intake and routing, the lifecycle with return/transfer, the pause rule,
call-backs and reopening, escalation and the sweep, public submissions and follow-up."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from nuanjia.core.audit import verify_chain
from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.core.sms import MemoryBackend
from nuanjia.hotline import services
from nuanjia.hotline.models import DayCounter, Ticket
from nuanjia.hotline.rules import Channel, Kind, Satisfaction, Status, TicketClass
from nuanjia.hotline.workflow import FLOW
from nuanjia.orgs.models import Org
from nuanjia.orgs.services import create_grassroots_union
from nuanjia.people.models import Employer

from .conftest import at

pytestmark = pytest.mark.django_db
PHONE = "13812345678"


def take_call(agent, **overrides):
    values = {
        "by": agent, "phone": PHONE, "caller_name": "李师傅", "region_code": "410108",
        "kind": Kind.COMPLAINT, "description": "餐厅拖欠工资三个月",
    }  # fmt: skip
    values.update(overrides)
    return services.open_ticket(**values)


def test_an_agent_takes_a_call_and_it_is_routed_to_the_county_union_of_the_place(
    hotline_agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ticket = take_call(hotline_agent, dispatch=True)
    assert ticket.number.startswith("12351-") and len(ticket.number) == len("12351-20261128-0001")
    assert ticket.status == Status.DISPATCHED
    assert ticket.org.code == "410108" and ticket.proposed_org.code == "410108"
    assert ticket.first_contact_due_at and ticket.resolution_due_at
    assert [event.action for event in ticket.events.all()] == ["received", "dispatched"]
    assert AuditEvent.objects.filter(action="hotline.dispatched", object_id=str(ticket.pk)).exists()
    assert verify_chain() is None
    assert MemoryBackend.outbox and ticket.number in MemoryBackend.outbox[-1][1]


def test_routing_prefers_the_employers_grassroots_union(hotline_agent, caseworker):
    huiji = Org.objects.get(code="410108")
    union = create_grassroots_union(
        parent=huiji, name="惠济饭店工会", kind=Org.Kind.ENTERPRISE, by=None
    )
    Employer.objects.create(name="惠济饭店", region_code="410108", union=union)
    ticket = take_call(hotline_agent, employer_name="惠济饭店")
    assert ticket.proposed_org == union


def test_an_unknown_county_falls_back_to_its_city_then_the_province(hotline_agent):
    assert take_call(hotline_agent, region_code="410199").proposed_org.code == "410100"
    assert (
        take_call(hotline_agent, region_code="419999", description="x").proposed_org.code
        == "410000"
    )


def test_ticket_numbers_count_per_day(hotline_agent):
    with time_machine.travel(at(2026, 11, 27, 10), tick=False):
        first = take_call(hotline_agent)
        second = take_call(hotline_agent, description="另一件事")
    with time_machine.travel(at(2026, 11, 28, 10), tick=False):
        third = take_call(hotline_agent, description="第三件")
    assert first.number == "12351-20261127-0001"
    assert second.number == "12351-20261127-0002"
    assert third.number == "12351-20261128-0001"
    assert DayCounter.objects.get(day=datetime.date(2026, 11, 27)).last == 2


def test_overriding_the_proposed_union_needs_a_reason(hotline_agent):
    ticket = take_call(hotline_agent)
    zhengzhou = Org.objects.get(code="410100")
    with pytest.raises(RuleViolation) as refused:
        services.dispatch_ticket(ticket, by=hotline_agent, org=zhengzhou)
    assert refused.value.field == "reason"
    ticket = services.dispatch_ticket(ticket, by=hotline_agent, org=zhengzhou, reason="涉及多区")
    assert ticket.org == zhengzhou


def test_full_lifecycle_with_return_transfer_and_satisfied_callback(
    hotline_agent, caseworker, make_staff
):
    ticket = take_call(hotline_agent, dispatch=True)
    ticket = services.return_ticket(ticket, by=caseworker, reason="不是本区")
    assert ticket.status == Status.CLASSIFIED and ticket.org.code == "410108"
    ticket = services.dispatch_ticket(ticket, by=hotline_agent)
    ticket = services.accept_ticket(ticket, by=caseworker)
    ticket = services.start_ticket(ticket, by=caseworker)
    ticket = services.answer_ticket(ticket, by=caseworker, answer="已协调企业补发工资")
    assert ticket.status == Status.ANSWERED and ticket.callback_due_at and not ticket.is_late
    ticket = services.record_callback(ticket, by=hotline_agent, satisfaction=Satisfaction.SATISFIED)
    ticket = services.close_ticket(ticket, by=hotline_agent)
    assert ticket.status == Status.CLOSED
    assert [event.action for event in ticket.events.all()] == [
        "received", "dispatched", "returned", "dispatched", "accepted", "started", "answered",
        "called_back", "closed",
    ]  # fmt: skip


def test_transfer_needs_a_reason_and_another_union(hotline_agent, caseworker):
    ticket = take_call(hotline_agent, dispatch=True)
    services.accept_ticket(ticket, by=caseworker)
    with pytest.raises(RuleViolation) as refused:
        services.transfer_ticket(ticket, by=caseworker, org=ticket.org, reason="x")
    assert refused.value.field == "org"
    with pytest.raises(RuleViolation):
        services.transfer_ticket(
            ticket, by=caseworker, org=Org.objects.get(code="410100"), reason=""
        )
    huiji = Org.objects.get(code="410108")
    union = create_grassroots_union(
        parent=huiji, name="某公司工会", kind=Org.Kind.ENTERPRISE, by=None
    )
    ticket = services.transfer_ticket(ticket, by=caseworker, org=union, reason="企业工会办理")
    assert ticket.status == Status.DISPATCHED and ticket.org == union


def test_unsatisfied_callback_reopens_or_escalates(hotline_agent, caseworker):
    ticket = take_call(hotline_agent, dispatch=True)
    services.accept_ticket(ticket, by=caseworker)
    services.answer_ticket(ticket, by=caseworker, answer="已答复")
    with pytest.raises(RuleViolation) as refused:
        services.record_callback(ticket, by=hotline_agent, satisfaction=Satisfaction.UNSATISFIED)
    assert refused.value.field == "comment"
    ticket = services.record_callback(
        ticket, by=hotline_agent, satisfaction=Satisfaction.UNSATISFIED, comment="工资仍未发",
        escalate=True,
    )  # fmt: skip
    assert ticket.status == Status.IN_PROGRESS and ticket.reopen_count == 1
    assert ticket.escalated_to.code == "410100"


def test_roles_and_scope_are_enforced(hotline_agent, caseworker, outsider):
    ticket = take_call(hotline_agent, dispatch=True)
    with pytest.raises(PermissionDenied):
        services.accept_ticket(ticket, by=outsider)
    with pytest.raises(PermissionDenied):
        services.close_ticket(ticket, by=caseworker)  # closing is the line's job
    with pytest.raises(PermissionDenied):
        services.classify_ticket(
            ticket, by=caseworker, kind=Kind.HELP, ticket_class=TicketClass.GENERAL
        )


def test_wrong_step_is_refused_with_a_message(hotline_agent, caseworker):
    ticket = take_call(hotline_agent)
    with pytest.raises(RuleViolation) as refused:
        services.close_ticket(ticket, by=hotline_agent)
    assert refused.value.code == "invalid_transition"


def test_bad_input_names_the_field(hotline_agent):
    for overrides, field in [
        ({"phone": "12345"}, "phone"),
        ({"description": "   "}, "description"),
        ({"description": "字" * 2001}, "description"),
        ({"region_code": "abc"}, "region_code"),
        ({"kind": "nonsense"}, "kind"),
    ]:
        with pytest.raises(RuleViolation) as refused:
            take_call(hotline_agent, **overrides)
        assert refused.value.field == field, overrides
    assert not Ticket.objects.exists()


def test_a_landline_is_accepted_at_the_desk_but_not_on_the_public_form(hotline_agent, tree):
    assert take_call(hotline_agent, phone="0371-66668888").caller_phone == "0371-66668888"
    with pytest.raises(RuleViolation):
        services.submit_request(caller_name="", phone="0371-66668888", region_code="410108",
                                kind=Kind.CONSULT, description="问")  # fmt: skip


# ---- The pause rule ---------------------------------------------------------------------


def test_pausing_stops_the_resolution_clock_across_the_festival(hotline_agent, caseworker):
    with time_machine.travel(at(2026, 2, 11, 9, 0), tick=False):  # Wednesday before the festival
        ticket = take_call(hotline_agent, kind=Kind.HELP, dispatch=True)
        assert ticket.resolution_due_at == at(2026, 2, 14, 17, 30)  # Thu 12, Fri 13, Sat 14
        services.accept_ticket(ticket, by=caseworker)
    with time_machine.travel(at(2026, 2, 13, 17, 0), tick=False):
        services.pause_ticket(ticket, by=caseworker, reason="等待来电人提供工资条")
        with pytest.raises(RuleViolation):
            services.answer_ticket(ticket, by=caseworker, answer="x")
    with time_machine.travel(at(2026, 2, 24, 10, 0), tick=False):  # after the festival
        ticket = services.resume_ticket(ticket, by=caseworker)
    # Paused 30 min on Fri 13, all of Sat 14 (worked, 540 min), 90 min on Tue 24: 660 minutes.
    assert ticket.paused_minutes == 660
    # The 17:30 deadline of Sat 14 moves on by 660 office minutes: all 540 of Tue 24, then
    # 120 more on Wed 25 from 08:30.
    assert ticket.resolution_due_at == at(2026, 2, 25, 10, 30)


def test_a_paused_ticket_is_not_overdue(hotline_agent, caseworker):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        ticket = take_call(hotline_agent, kind=Kind.HELP, dispatch=True)
        services.accept_ticket(ticket, by=caseworker)
        services.pause_ticket(ticket, by=caseworker, reason="等待材料")
    with time_machine.travel(at(2026, 3, 20, 9, 0), tick=False):
        ticket.refresh_from_db()
        assert not ticket.is_overdue
        assert services.sweep_deadlines() == 0


# ---- Escalation -------------------------------------------------------------------------


def by_list(items):
    """To-do items keyed by the list they open ("queue=to_accept", "escalated=1")."""
    return {item.url.split("?", 1)[1]: item for item in items if "/hotline/" in item.url}


def test_the_sweep_escalates_overdue_tickets_to_the_parent_once(hotline_agent, caseworker, leader):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):  # Monday
        ticket = take_call(hotline_agent, kind=Kind.HELP, dispatch=True)
    with time_machine.travel(at(2026, 3, 2, 14, 0), tick=False):  # first contact (4 h) missed
        assert services.sweep_deadlines() == 1
        assert services.sweep_deadlines() == 0
    ticket.refresh_from_db()
    assert ticket.escalated_to.code == "410100"
    assert ticket.events.filter(action="escalated").count() == 1

    from nuanjia.core.todo import items_for

    mine = by_list(items_for(caseworker))
    theirs = by_list(items_for(leader))
    assert mine["queue=to_accept"].overdue == 1
    assert theirs == {}  # a leader acts on no queue


def test_escalated_ticket_shows_in_both_to_do_lists(hotline_agent, city_agent):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        take_call(hotline_agent, kind=Kind.HELP)
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        services.sweep_deadlines()
        from nuanjia.core.todo import items_for

        county = by_list(items_for(hotline_agent))
        city = by_list(items_for(city_agent))
    assert county["queue=to_dispatch"].overdue == 1
    assert city["escalated=1"].count == 1
    assert city["queue=to_dispatch"].count == 1


# ---- Public side ------------------------------------------------------------------------


def submit(**overrides):
    values = {"caller_name": "张三", "phone": PHONE, "region_code": "410108",
              "kind": Kind.HELP, "description": "工资被拖欠"}  # fmt: skip
    values.update(overrides)
    return services.submit_request(**values)


def test_public_submission_is_received_and_routed(tree):
    ticket, is_new = submit()
    assert is_new and ticket.status == Status.RECEIVED and ticket.channel == Channel.WEB
    assert ticket.org.code == "410108" and ticket.first_contact_due_at


def columns(row, *skip: str) -> dict:
    """A row's stored values, without its id, number, times and hashes (which differ per write)."""
    skipped = {"id", "seq", "at", "hash", "prev_hash", *skip}
    return {field.attname: getattr(row, field.attname)
            for field in type(row)._meta.concrete_fields if field.attname not in skipped}  # fmt: skip


def written_the_ordinary_way(ticket, action, changes):
    """The timeline row and audit event the ORM path (`FLOW.record`) writes for the same step."""
    event = FLOW.record(ticket, action, "" if action == "received" else ticket.status,
                            by=None, changes=changes)  # fmt: skip
    return event, AuditEvent.objects.latest("id")


def test_a_public_submission_writes_its_ticket_timeline_and_chained_audit_event(
    tree, django_capture_on_commit_callbacks
):
    """The public path builds its rows before the writers' queue; they must be the rows the
    ORM would have written, read back field by field; and so must a merged twin's."""
    with django_capture_on_commit_callbacks(execute=True):
        ticket, _ = submit(channel=Channel.MINIPROGRAM, employer_name="  ")
    stored = Ticket.objects.get(pk=ticket.pk)
    for field in Ticket._meta.concrete_fields:
        assert getattr(stored, field.attname) == getattr(ticket, field.attname), field.name
    assert stored.number.startswith("12351-") and stored.updated_at is not None
    [event] = stored.events.all()
    assert (event.action, event.to_status, event.changes) == (
        "received", Status.RECEIVED, {"channel": Channel.MINIPROGRAM}
    )  # fmt: skip
    audit = AuditEvent.objects.get(action="hotline.received", object_id=str(ticket.pk))
    assert audit.object_type == "hotline.ticket" and audit.object_label == stored.number
    assert audit.org_path == stored.org.path and audit.changes["channel"] == "miniprogram"
    assert verify_chain() is None
    assert MemoryBackend.outbox == [(PHONE, MemoryBackend.outbox[0][1])]
    assert stored.number in MemoryBackend.outbox[0][1]
    reference_event, reference_audit = written_the_ordinary_way(
        stored, "received", {"channel": Channel.MINIPROGRAM}
    )
    assert columns(event) == columns(reference_event)
    assert columns(audit) == columns(reference_audit)


def test_a_merged_twin_writes_its_timeline_row_and_audit_event_like_the_orm_path(tree):
    first, _ = submit()
    city = Org.objects.get(code="410100")
    Ticket.objects.filter(pk=first.pk).update(org=city)  # handled elsewhere since
    again, is_new = submit(channel=Channel.MINIPROGRAM)
    assert not is_new and again.pk == first.pk and again.number == first.number
    stored = Ticket.objects.select_related("org").get(pk=first.pk)
    assert stored.merged_count == 1
    [event] = stored.events.filter(action="merged")
    audit = AuditEvent.objects.get(action="hotline.merged", object_id=str(first.pk))
    assert audit.org_path == city.path and audit.object_label == stored.number
    reference_event, reference_audit = written_the_ordinary_way(
        stored, "merged", {"channel": Channel.MINIPROGRAM}
    )
    assert columns(event) == columns(reference_event)
    assert columns(audit) == columns(reference_audit)
    assert verify_chain() is None


def test_duplicates_within_ten_minutes_are_merged(tree):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        first, _ = submit()
    with time_machine.travel(at(2026, 3, 2, 9, 9), tick=False):
        again, is_new = submit(description=" 工资被 拖欠 ")
    with time_machine.travel(at(2026, 3, 2, 9, 21), tick=False):
        later, later_new = submit()
    assert not is_new and again.pk == first.pk
    first.refresh_from_db()
    assert first.merged_count == 1
    assert later_new and later.pk != first.pk


def test_follow_needs_number_and_last_four_and_answers_alike_for_unknown(tree):
    ticket, _ = submit()
    assert services.follow_ticket(ticket.number, "5678") == ticket
    assert services.follow_ticket(ticket.number.lower(), "5678") == ticket
    assert services.follow_ticket(ticket.number, "0000") is None
    assert services.follow_ticket("12351-20000101-0001", "5678") is None
    assert services.follow_ticket(ticket.number, "") is None


def test_the_file_sms_backend_writes_one_json_line_per_message(
    tree, settings, tmp_path, django_capture_on_commit_callbacks
):
    import json

    settings.SMS_BACKEND = "nuanjia.core.sms.FileBackend"
    settings.SMS_FILE = tmp_path / "sms.log"
    with django_capture_on_commit_callbacks(execute=True):
        ticket, _ = submit()
    line = json.loads((tmp_path / "sms.log").read_text(encoding="utf-8").splitlines()[0])
    assert line["to"] == PHONE and ticket.number in line["text"]


def test_a_failing_sms_provider_never_breaks_the_request(
    tree, settings, django_capture_on_commit_callbacks
):
    settings.SMS_BACKEND = "nuanjia.hotline.no_such.Backend"
    with django_capture_on_commit_callbacks(execute=True):
        _ticket, is_new = submit()
    assert is_new
