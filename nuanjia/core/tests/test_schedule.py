"""Periodic jobs: each period runs once, as soon as it is due, whoever asks how often."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django_tasks_db.models import DBTaskResult

from nuanjia.cli import main
from nuanjia.core import schedule
from nuanjia.core.models import ScheduledRun

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, month: int = 12) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, 30, tzinfo=SHANGHAI)


def test_the_hardship_jobs_are_registered():
    names = {job.name for job in schedule.jobs()}
    assert {"hardship.end_gradual_exits", "hardship.purge_expired_files"} <= names


def _daily_or_monthly() -> set[str]:
    return {job.name for job in schedule.jobs() if job.cadence != schedule.EVERY_MINUTE}


def _ended(started) -> list[str]:
    return [period for name, period in started if name == "hardship.end_gradual_exits"]


def test_a_daily_job_is_enqueued_once_a_day_from_its_hour():
    assert _ended(schedule.enqueue_due(at(1, 3))) == ["2026-12-01"]
    again = schedule.enqueue_due(at(1, 4))  # asked again the same day: nothing daily is due
    assert [name for name, _period in again if name in _daily_or_monthly()] == []
    # Just after midnight the day's run (from 01:00) is not due yet.
    assert _ended(schedule.enqueue_due(at(2, 0))) == []
    assert _ended(schedule.enqueue_due(at(2, 1))) == ["2026-12-02"]
    assert ScheduledRun.objects.filter(job="hardship.end_gradual_exits").count() == 2
    queued = DBTaskResult.objects.filter(task_path="nuanjia.hardship.tasks.end_gradual_exits_task")
    assert queued.count() == 2


def test_a_monthly_job_catches_up_after_a_server_that_was_down_on_the_first():
    job = schedule.Job(name="test.monthly", task=None, cadence=schedule.MONTHLY, hour=1)
    assert job.period(at(1, 0)) == "2026-11"  # before 01:00 on the 1st: still November's
    assert job.period(at(1, 1)) == "2026-12"
    assert job.period(at(17, 9)) == "2026-12"  # down until the 17th: December's run is due


def test_the_cli_enqueues_due_jobs_and_lists_them(capsys):
    assert main(["schedule"]) == 0
    assert "enqueued hardship.end_gradual_exits" in capsys.readouterr().out
    assert main(["schedule"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["schedule", "--list"]) == 0
    assert "hardship.purge_expired_files" in capsys.readouterr().out


def test_the_business_clock_holds_a_day_for_the_demo_only_inside_as_of():
    import datetime as dt

    from nuanjia.core import clock

    real = clock.today()
    with clock.as_of(dt.date(2025, 12, 1)):
        assert clock.today() == dt.date(2025, 12, 1)
        assert clock.now().date() == dt.date(2025, 12, 1)
    assert clock.today() == real


def test_each_tick_seals_the_audit_chains_and_a_failing_chore_stops_no_other(tree, caplog):
    from nuanjia.core.audit import record_event
    from nuanjia.core.models import AuditRootEntry

    record_event(tree["410000"], "test.event")
    schedule.register_tick("test.broken", lambda: 1 / 0)
    try:
        schedule.run_ticks()
    finally:
        schedule._ticks.pop("test.broken")
    assert AuditRootEntry.objects.count() == 1  # sealed, the broken chore failing beside it
    assert "test.broken" in caplog.text
    schedule.run_ticks()
    assert AuditRootEntry.objects.count() == 1  # no head moved since
