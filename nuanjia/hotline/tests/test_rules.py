"""Deadlines on Chinese working days and office hours: holidays, adjusted working weekends,
a year the calendar library does not know, and the pause rule's arithmetic."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone

from nuanjia.core.models import CalendarDay, CalendarYear
from nuanjia.hotline import deadlines, rules
from nuanjia.hotline.models import Ticket
from nuanjia.hotline.rules import Kind, TicketClass
from nuanjia.hotline.workflow import FLOW, offered_now

from .conftest import at

pytestmark = pytest.mark.django_db
OFFICE = rules.OfficeHours()


def test_defaults_follow_12345_enquiries_three_days_complaints_thirteen_callback_next_day():
    assert rules.default_deadlines(Kind.CONSULT, TicketClass.GENERAL).resolution_days == 3
    assert rules.default_deadlines(Kind.HELP, TicketClass.GENERAL).resolution_days == 3
    assert rules.default_deadlines(Kind.COMPLAINT, TicketClass.GENERAL).resolution_days == 13
    assert rules.default_deadlines(Kind.COMPLAINT, TicketClass.COMPLEX).resolution_days == 30
    assert rules.default_deadlines(Kind.HELP, TicketClass.GENERAL).callback_days == 1
    assert (
        rules.default_deadlines(Kind.HELP, TicketClass.GENERAL, is_urgent=True).first_contact_hours
        == 1
    )


def test_office_hours_parse_and_refuse_nonsense():
    assert rules.OfficeHours.parse("09:00-17:00").minutes == 480
    with pytest.raises(ValueError):
        rules.OfficeHours.parse("17:00-09:00")


def test_ticket_numbers_have_the_day_and_at_least_four_digits():
    assert rules.ticket_number(datetime.date(2026, 11, 28), 1) == "12351-20261128-0001"
    assert rules.ticket_number(datetime.date(2026, 11, 28), 12345) == "12351-20261128-12345"


def test_duplicate_key_ignores_spacing_and_case():
    assert rules.duplicate_key("13800000000", "工资 没发") == rules.duplicate_key(
        "13800000000", "工资没发 "
    )
    assert rules.duplicate_key("13800000000", "a") != rules.duplicate_key("13900000000", "a")


# ---- Two years of Spring Festival and National Day -------------------------------------


@pytest.mark.parametrize(
    ("received", "days", "due_day"),
    [
        # 2025 Spring Festival: off 28 Jan – 4 Feb; Sunday 26 Jan and Saturday 8 Feb worked.
        (at(2025, 1, 24, 10), 2, datetime.date(2025, 1, 27)),  # Fri → Sun 26 (worked), Mon 27
        (at(2025, 1, 24, 10), 3, datetime.date(2025, 2, 5)),  # … then the festival, Wed 5 Feb
        (at(2025, 1, 27, 10), 3, datetime.date(2025, 2, 7)),  # Mon 27 → 5, 6, 7 Feb
        (at(2025, 2, 7, 10), 1, datetime.date(2025, 2, 8)),  # Saturday 8 Feb is a working day
        # 2025 National Day: off 1–8 Oct; Sunday 28 Sep and Saturday 11 Oct worked.
        (at(2025, 9, 26, 10), 1, datetime.date(2025, 9, 28)),
        (at(2025, 9, 30, 10), 3, datetime.date(2025, 10, 11)),  # 9, 10, Sat 11 Oct
        (at(2025, 9, 30, 10), 13, datetime.date(2025, 10, 24)),  # a complaint over the holiday
        # 2026 Spring Festival: off 15–23 Feb; Saturdays 14 and 28 Feb worked.
        (at(2026, 2, 13, 10), 3, datetime.date(2026, 2, 25)),
        (at(2026, 2, 26, 10), 2, datetime.date(2026, 2, 28)),  # Fri 27, Sat 28 (worked)
        # 2026 National Day: off 1–7 Oct; Sunday 20 Sep and Saturday 10 Oct worked.
        (at(2026, 9, 18, 10), 1, datetime.date(2026, 9, 20)),
        (at(2026, 9, 30, 10), 3, datetime.date(2026, 10, 10)),  # Thu 8, Fri 9, Sat 10
    ],
)
def test_resolution_deadline_counts_working_days_across_holidays(received, days, due_day):
    due = deadlines.days_due(received, days)
    assert due.date() == due_day
    assert due.time() == datetime.time(17, 30)


def test_first_contact_counts_office_hours_and_skips_the_festival():
    # Friday 13 Feb 2026, 16:30: one office hour left that day, then Saturday 14 (worked).
    assert deadlines.first_contact_due(at(2026, 2, 13, 16, 30), 4) == at(2026, 2, 14, 11, 30)
    # Saturday 14 Feb 17:00: the festival runs to the 23rd, so the rest falls on Tuesday 24th.
    assert deadlines.first_contact_due(at(2026, 2, 14, 17, 0), 1) == at(2026, 2, 24, 9, 0)
    # A call at night counts from the next opening.
    assert deadlines.first_contact_due(at(2025, 9, 30, 22, 0), 1) == at(2025, 10, 9, 9, 30)


def test_a_deadline_ending_at_closing_time_stays_on_that_day():
    assert rules.add_working_minutes(at(2026, 3, 2, 16, 30), 60, OFFICE, lambda d: True) == at(
        2026, 3, 2, 17, 30
    )


def test_working_minutes_between_skips_nights_and_holidays():
    # National Day 2025: from Tuesday 30 Sep 17:00 to Thursday 9 Oct 09:00 is 30 + 30 minutes.
    assert deadlines.working_minutes(at(2025, 9, 30, 17, 0), at(2025, 10, 9, 9, 0)) == 60
    assert deadlines.working_minutes(at(2025, 10, 2, 9), at(2025, 10, 5, 9)) == 0


def test_extending_a_deadline_by_paused_time_crosses_the_festival():
    due = at(2026, 2, 13, 17, 30)
    # Paused one and a half office days: Saturday 14 Feb (worked, 9 hours) and 4.5 hours more.
    assert deadlines.extend(due, 9 * 60 + 270) == at(2026, 2, 24, 13, 0)


def test_a_2027_deadline_counts_weekdays_until_the_schedule_is_entered():
    # The library does not know 2027: no crash, Monday to Friday count.
    due = deadlines.days_due(at(2026, 12, 30, 10), 3)
    assert due.date() == datetime.date(2027, 1, 4)  # Thu 31, Fri 1 Jan, Mon 4
    CalendarDay.objects.create(day=datetime.date(2027, 1, 1), is_workday=False, name="元旦")
    CalendarYear.objects.create(year=2027, source="test")
    deadlines.clear_caches()
    assert deadlines.days_due(at(2026, 12, 30, 10), 3).date() == datetime.date(2027, 1, 5)
    assert deadlines.first_contact_due(at(2026, 12, 31, 17, 0), 1) == at(2027, 1, 4, 9, 0)


def test_deadline_table_overrides_the_defaults(db):
    from nuanjia.hotline.models import DeadlinePolicy

    DeadlinePolicy.objects.create(
        kind=Kind.COMPLAINT, ticket_class=TicketClass.GENERAL, first_contact_hours=2,
        urgent_first_contact_hours=1, resolution_days=10, callback_days=2,
    )  # fmt: skip
    values = deadlines.deadlines_for(Kind.COMPLAINT, TicketClass.GENERAL, is_urgent=False)
    assert (values.first_contact_hours, values.resolution_days, values.callback_days) == (2, 10, 2)


def test_steps_offered_follow_roles_status_and_pause():
    def offered(status, roles, *, is_paused=False):
        ticket = Ticket(status=status, paused_at=timezone.now() if is_paused else None)
        person = SimpleNamespace(is_active=True, roles=frozenset(roles))
        return FLOW.steps_for(ticket, person, available=offered_now)

    agent = {"hotline_agent"}
    assert offered("received", agent) == ["classify"]
    assert "accept" in offered("dispatched", {"caseworker"})
    assert "dispatch" not in offered("classified", {"caseworker"})
    assert offered("in_progress", {"caseworker"}, is_paused=True) == ["transfer", "resume"]
    assert offered("in_progress", {"caseworker"}) == ["transfer", "pause", "answer"]
