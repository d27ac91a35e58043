"""Mutual aid's background work: the daily term-end reminders."""

from django_tasks import task

from nuanjia.core.schedule import DAILY, Job

from .services.reminders import send_term_end_reminders


@task()
def term_end_reminders_task() -> int:
    return send_term_end_reminders()


JOBS = [
    Job("mutualaid.term_end_reminders", term_end_reminders_task, DAILY, 9,
        "Text members whose mutual aid term ends within 30 days."),
]  # fmt: skip
