"""The system administrator's holiday calendar (issue 12 #23): every desk warned that 2027 was
missing, but nobody could enter it (/djadmin/ is closed to the system administrator)."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.translation import gettext

from nuanjia.accounts.tests.support import events, page_text
from nuanjia.core import workdays
from nuanjia.core.calendar import save_calendar_day
from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import CalendarDay, CalendarYear
from nuanjia.orgs.rules import Role

NEW_YEAR_2027 = datetime.date(2027, 1, 1)  # a Friday
ADJUSTED_SUNDAY = datetime.date(2027, 2, 7)  # 春节调休上班 (a Sunday)
NOTICE = "日期,类型,名称\n2027-01-01,放假,元旦\n2027/2/6,放假,春节\n2027年2月7日,上班,春节调休\n"


@pytest.fixture
def late_2026():
    with time_machine.travel("2026-11-29 10:00 +0800"):
        yield


def sheet(text: str, name: str = "2027年节假日安排.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def add_day(client, day: str, kind: str, name: str = ""):
    return client.post("/calendar/", {"day": day, "kind": kind, "name": name})


def test_the_system_administrator_sees_the_missing_year(login, system_admin, late_2026):
    page = page_text(login(system_admin).get("/calendar/"))
    assert "2027" in page and 'data-testid="calendar-days"' in page
    home = page_text(login(system_admin).get("/"))
    assert 'href="/calendar/"' in home


def test_a_day_off_entered_on_the_page_moves_deadlines_and_is_audited(login, system_admin):
    assert workdays.is_workday(NEW_YEAR_2027)  # 2027 unknown: a plain Friday
    response = add_day(login(system_admin), "2027-01-01", "holiday", "元旦")
    assert response.status_code == 302
    assert not workdays.is_workday(NEW_YEAR_2027)
    assert workdays.add_working_days(datetime.date(2026, 12, 31), 1) == datetime.date(2027, 1, 4)
    event = events("calendar.day_saved").get()
    assert event.actor_id == system_admin.pk
    assert event.changes["is_workday"] == [None, False]
    assert "元旦" in page_text(login(system_admin).get("/calendar/?year=2027"))


def test_an_adjusted_working_sunday_counts_as_a_working_day(login, system_admin):
    add_day(login(system_admin), "2027-02-07", "workday", "春节调休")
    assert workdays.is_workday(ADJUSTED_SUNDAY)


def test_a_day_is_changed_and_deleted_with_audit(login, system_admin):
    client = login(system_admin)
    add_day(client, "2027-01-01", "holiday", "元旦")
    row = CalendarDay.objects.get(day=NEW_YEAR_2027)
    client.post(
        f"/calendar/days/{row.pk}/", {"day": "2027-01-01", "kind": "holiday", "name": "元旦节"}
    )
    assert CalendarDay.objects.get(pk=row.pk).name == "元旦节"
    assert events("calendar.day_saved").last().changes == {"name": ["元旦", "元旦节"]}
    client.post(f"/calendar/days/{row.pk}/delete/")
    assert not CalendarDay.objects.filter(pk=row.pk).exists()
    assert events("calendar.day_deleted").get().changes["day"] == ["2027-01-01", None]
    assert workdays.is_workday(NEW_YEAR_2027)


def test_the_same_date_twice_updates_the_day(login, system_admin):
    client = login(system_admin)
    add_day(client, "2027-01-01", "holiday", "元旦")
    add_day(client, "2027-01-01", "workday", "")
    assert CalendarDay.objects.get(day=NEW_YEAR_2027).is_workday is True


def test_marking_the_year_complete_ends_everyone_s_warning(
    login, system_admin, caseworker, late_2026
):
    assert 'data-testid="schedule-warning"' in page_text(login(caseworker).get("/"))
    response = login(system_admin).post(
        "/calendar/years/", {"year": "2027", "source": "国办发明电〔2026〕7号"}
    )
    assert response.status_code == 302
    assert CalendarYear.objects.get(year=2027).source == "国办发明电〔2026〕7号"
    assert events("calendar.year_confirmed").get().actor_id == system_admin.pk
    assert 'data-testid="schedule-warning"' not in page_text(login(caseworker).get("/"))


def test_the_notice_imports_as_a_small_sheet(login, system_admin, late_2026):
    response = login(system_admin).post(
        "/calendar/import/", {"file": sheet(NOTICE), "mode": "all_or_nothing"}
    )
    assert (
        response.status_code == 200 and 'data-testid="import-result"' in response.content.decode()
    )
    days = dict(CalendarDay.objects.values_list("day", "is_workday"))
    assert days == {
        NEW_YEAR_2027: False,
        datetime.date(2027, 2, 6): False,
        ADJUSTED_SUNDAY: True,
    }
    assert CalendarYear.objects.filter(year=2027).exists()
    assert workdays.schedule_warnings(datetime.date(2026, 11, 29)) == []
    imported = events("calendar.imported").get()
    assert imported.changes["created"] == 3 and imported.changes["years"] == [2027]
    assert events("calendar.day_saved").count() == 3


def test_a_sheet_with_a_bad_row_enters_nothing_and_names_the_row(login, system_admin):
    bad = NOTICE + "2027-13-01,放假,不存在\n2027-10-01,休息,国庆\n"
    response = login(system_admin).post(
        "/calendar/import/", {"file": sheet(bad), "mode": "all_or_nothing"}
    )
    page = page_text(response)
    assert 'data-testid="import-errors"' in page
    assert "2027-13-01" in page
    assert not CalendarDay.objects.exists() and not CalendarYear.objects.exists()


def test_the_import_template_downloads(login, system_admin):
    response = login(system_admin).get("/calendar/import/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.parametrize("persona", ["caseworker", "security_admin", "auditor", "approver"])
def test_only_the_system_administrator_opens_the_calendar(request, login, persona):
    client = login(request.getfixturevalue(persona))
    assert client.get("/calendar/").status_code == 403
    assert add_day(client, "2027-01-01", "holiday").status_code == 403
    assert not CalendarDay.objects.exists()


def test_a_county_system_administrator_cannot_change_the_province_s_calendar(login, make_staff):
    county_admin = make_staff("410108", Role.SYSTEM_ADMIN)
    assert add_day(login(county_admin), "2027-01-01", "holiday", "元旦").status_code == 403
    assert not CalendarDay.objects.exists()
    with pytest.raises(RuleViolation) as refusal:
        save_calendar_day(day=NEW_YEAR_2027, is_workday=False, by=county_admin)
    with translation.override("zh-hans"):
        message = gettext("Only the province's system administrator edits the holiday calendar.")
    assert refusal.value.message == message


def test_a_day_entered_on_the_page_moves_hotline_deadlines_at_once(
    system_admin, django_capture_on_commit_callbacks
):
    """The hotline caches working days per process; an entered holiday reaches it at once."""
    import datetime

    from nuanjia.core.calendar import save_calendar_day
    from nuanjia.hotline import deadlines

    monday = datetime.date(2027, 3, 1)
    assert deadlines.is_workday(monday)
    with django_capture_on_commit_callbacks(execute=True):
        save_calendar_day(day=monday, is_workday=False, name="测试假日", by=system_admin)
    assert not deadlines.is_workday(monday)
