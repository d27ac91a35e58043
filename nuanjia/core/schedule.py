"""Periodic jobs (定时任务): each runs at most once per period, as soon as it is due.

Apps register jobs in their AppConfig.ready(): a task of the database-backed queue and a
cadence (daily or monthly, from an hour of the day, Asia/Shanghai; or every minute, for work
that keeps figures current, such as the reports' refresh of changed days). `enqueue_due()` enqueues
every job whose current period has not run yet. The period is claimed by inserting a
`ScheduledRun` row under a unique constraint, so two schedulers (two servers, or cron beside
`nuanjia serve`) never enqueue the same period twice, and a server that was down on the 1st
catches the month's run up when it comes back.

`nuanjia serve` runs `nuanjia schedule --loop` beside the task worker; without it, a cron
line calling `nuanjia schedule` every few minutes does the same.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django_tasks.base import Task

logger = logging.getLogger(__name__)

DAILY = "daily"
MONTHLY = "monthly"
EVERY_MINUTE = "minute"
# A minute job's claims older than this are deleted when it claims the next minute.
MINUTE_CLAIMS_KEPT = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Job:
    name: str
    task: Task[[], Any]  # a django_tasks Task taking no arguments
    cadence: str  # DAILY or MONTHLY
    hour: int = 1  # local hour from which the period's run is due
    description: str = ""

    def period(self, now: datetime.datetime) -> str:
        """The key of the latest period begun by `now`: a period begins at `hour` o'clock
        (Asia/Shanghai) on its first day, so just before that the previous one is current."""
        if self.cadence == EVERY_MINUTE:  # the minute since the epoch (the key holds 10)
            return f"m{int(now.timestamp()) // 60}"
        shifted = timezone.localtime(now) - datetime.timedelta(hours=self.hour)
        return f"{shifted:%Y-%m}" if self.cadence == MONTHLY else f"{shifted:%Y-%m-%d}"


_jobs: dict[str, Job] = {}
# Light chores run at every tick of the scheduler (each minute), not as tasks: they must be
# cheap, idempotent and safe when two schedulers tick at once.
_ticks: dict[str, Callable[[], object]] = {}


def register(*jobs: Job) -> None:
    """Add an app's jobs (from its AppConfig.ready()); a job registered again replaces itself."""
    for job in jobs:
        if job.cadence not in (DAILY, MONTHLY, EVERY_MINUTE):
            raise ValueError(f"unknown cadence {job.cadence!r}")
        _jobs[job.name] = job


def register_tick(name: str, chore: Callable[[], object]) -> None:
    """Run `chore` at every tick of the scheduler (from an AppConfig.ready())."""
    _ticks[name] = chore


def run_ticks() -> None:
    """Run every registered chore once; one chore's failure is logged and stops no other."""
    for name, chore in sorted(_ticks.items()):
        try:
            chore()
        except Exception:  # a database hiccup must not stop the scheduler
            logger.exception("the scheduler's chore %s failed", name)


def jobs() -> list[Job]:
    return sorted(_jobs.values(), key=lambda job: job.name)


def enqueue_due(now: datetime.datetime | None = None) -> list[tuple[str, str]]:
    """Enqueue every job whose period at `now` has not been claimed; return (job, period)s."""
    from .models import ScheduledRun

    now = now or timezone.now()
    started = []
    for job in jobs():
        period = job.period(now)
        try:
            with transaction.atomic():
                run = ScheduledRun.objects.create(job=job.name, period=period)
                result = job.task.enqueue()
                run.task_id = str(result.id)
                run.save(update_fields=["task_id"])
        except IntegrityError:
            continue  # this period is claimed already
        if job.cadence == EVERY_MINUTE:
            ScheduledRun.objects.filter(
                job=job.name, enqueued_at__lt=now - MINUTE_CLAIMS_KEPT
            ).delete()
        logger.info("scheduled %s for %s (task %s)", job.name, period, run.task_id)
        started.append((job.name, period))
    return started


def last_finished(job_name: str, *, runs: int = 10) -> datetime.datetime | None:
    """When the job last finished successfully (among its latest `runs` runs), None when it
    never has: the time of the data a figure built by that job shows ("数据截至")."""
    from django_tasks_db.models import DBTaskResult

    from .models import ScheduledRun

    ids = list(
        ScheduledRun.objects.filter(job=job_name)
        .exclude(task_id="")
        .order_by("-enqueued_at")
        .values_list("task_id", flat=True)[:runs]
    )
    if not ids:
        return None
    done = DBTaskResult.objects.filter(id__in=ids, status="SUCCESSFUL", finished_at__isnull=False)
    last: datetime.datetime | None = done.aggregate(last=Max("finished_at"))["last"]
    return last


def loop(*, interval: float = 60.0, sleep: Callable[[float], None] = time.sleep) -> None:
    """Enqueue due jobs and run the chores every `interval` seconds until stopped."""
    while True:
        try:
            enqueue_due()
        except Exception:  # a database hiccup must not kill the scheduler; try again later
            logger.exception("the scheduler could not enqueue due jobs")
        run_ticks()
        sleep(interval)
