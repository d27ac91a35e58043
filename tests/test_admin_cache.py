"""An admin edit of a cached table (deadline rows, the holiday calendar) reaches the caches:
this process at once, every other process within core.cache.CHECK_SECONDS (the version it
bumps is what they compare; nuanjia/core/tests/test_cache.py runs the other processes)."""

import datetime

import pytest

from nuanjia.core.models import CacheVersion
from nuanjia.hotline import deadlines
from nuanjia.hotline.rules import Kind, TicketClass
from nuanjia.orgs.models import Staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(login, system_admin):
    Staff.objects.filter(pk=system_admin.pk).update(is_staff=True, is_superuser=True)
    system_admin.refresh_from_db()
    return login(system_admin)


def test_an_admin_edit_of_a_deadline_row_is_used_at_once(
    operator, django_capture_on_commit_callbacks
):
    before = deadlines.deadlines_for(Kind.HELP, TicketClass.GENERAL, is_urgent=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = operator.post(
            "/djadmin/hotline/deadlinepolicy/add/",
            {"kind": Kind.HELP, "ticket_class": TicketClass.GENERAL, "first_contact_hours": "2",
             "urgent_first_contact_hours": "1", "resolution_days": "9", "callback_days": "2"},
        )  # fmt: skip
    assert response.status_code == 302
    after = deadlines.deadlines_for(Kind.HELP, TicketClass.GENERAL, is_urgent=False)
    assert before.resolution_days != 9 and after.resolution_days == 9
    assert CacheVersion.objects.get(label="hotline.deadlinepolicy").version == 1


def test_an_admin_edit_of_the_holiday_calendar_is_used_at_once(
    operator, django_capture_on_commit_callbacks
):
    day = datetime.date(2027, 3, 3)  # a Wednesday of a year the library does not know
    assert deadlines.is_workday(day)
    with django_capture_on_commit_callbacks(execute=True):
        response = operator.post(
            "/djadmin/core/calendarday/add/", {"day": "2027-03-03", "name": "测试休息日"}
        )
    assert response.status_code == 302
    assert not deadlines.is_workday(day)
    assert CacheVersion.objects.get(label="core.calendarday").version == 1
