"""Mutual aid's background work: the daily term-end reminders, enrolment sheets."""

from django.conf import settings
from django.utils import translation
from django_tasks import task

from nuanjia.core.schedule import DAILY, Job

from .services.reminders import send_term_end_reminders


@task()
def term_end_reminders_task() -> int:
    return send_term_end_reminders()


@task()
def enrolment_import_task(run_id: int) -> dict:
    """Run (or resume) one uploaded enrolment sheet; messages in the site's language."""
    from .import_runs import run_enrolment_import
    from .models import EnrolmentImport

    with translation.override(settings.LANGUAGE_CODE):
        run = run_enrolment_import(EnrolmentImport.objects.get(pk=run_id))
    return {"status": run.status, "total": run.total, "created": run.created, "errors": run.errors}


JOBS = [
    Job("mutualaid.term_end_reminders", term_end_reminders_task, DAILY, 9,
        "Text members whose mutual aid term ends within 30 days."),
]  # fmt: skip
