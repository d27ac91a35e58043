"""Working days: the official schedule (holidays, adjusted working weekends), its overrides,
and years the installed chinese-calendar release does not know."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nuanjia.core import workdays
from nuanjia.core.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db
D = datetime.date


def test_spring_festival_2026_and_its_adjusted_saturdays():
    assert workdays.is_workday(D(2026, 2, 14))  # Saturday worked before the festival
    assert not workdays.is_workday(D(2026, 2, 16))  # 除夕 week
    # Friday 13 Feb + 3 working days: Sat 14 (adjusted), then the holiday to 23 Feb, Tue 24, Wed 25.
    assert workdays.add_working_days(D(2026, 2, 13), 3) == D(2026, 2, 25)


def test_national_day_2025_with_the_sunday_worked_before_it():
    assert workdays.is_workday(D(2025, 9, 28))  # Sunday worked
    assert not workdays.is_workday(D(2025, 10, 8))
    assert workdays.add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert workdays.add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)


def test_a_2027_deadline_counts_weekdays_and_warns_until_the_schedule_is_entered():
    # 2027-01-01 is a Friday; the library raises for 2027, we do not.
    assert workdays.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 1)
    assert workdays.add_working_days(D(2027, 1, 1), 1) == D(2027, 1, 4)
    warnings = workdays.schedule_warnings(D(2026, 11, 29))
    assert len(warnings) == 1 and "2027" in warnings[0]
    # The system administrator enters New Year's Day 2027 and marks the year complete.
    CalendarDay.objects.create(day=D(2027, 1, 1), is_workday=False, name="元旦")
    CalendarYear.objects.create(year=2027, source="国办发明电〔2026〕")
    assert workdays.add_working_days(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert workdays.schedule_warnings(D(2026, 11, 29)) == []


def test_an_entered_day_overrides_the_library():
    CalendarDay.objects.create(day=D(2026, 6, 1), is_workday=False, name="本地调整")
    assert not workdays.is_workday(D(2026, 6, 1))
    assert workdays.add_working_days(D(2026, 5, 29), 1) == D(2026, 6, 2)


def test_working_days_between_counts_after_the_start_up_to_the_end():
    assert workdays.working_days_between(D(2026, 2, 13), D(2026, 2, 25)) == 3
    assert workdays.working_days_between(D(2026, 2, 25), D(2026, 2, 13)) == 0


@settings(max_examples=80, deadline=None)
@given(start=st.dates(D(2024, 1, 1), D(2027, 12, 31)), count=st.integers(0, 40))
def test_adding_working_days_lands_on_a_working_day_that_many_working_days_later(start, count):
    end = workdays.add_working_days(start, count)
    assert workdays.is_workday(end) and end >= start
    between = workdays.working_days_between(start, end)
    if count:
        assert between == count
    else:  # the start itself when it is a working day, else the next one
        assert between == (0 if end == start else 1)
