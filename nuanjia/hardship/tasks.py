"""Background work of hardship files, on the database-backed task queue (no broker needed)."""

from django_tasks import task

from . import services
from .models import BulkRun


@task()
def run_reassessment_task(run_id: int) -> int:
    """Work (or resume) a re-assessment run after a 低保 change; returns the files touched."""
    return services.run_reassessment(BulkRun.objects.get(pk=run_id)).done


@task()
def run_review_list_task(run_id: int) -> int:
    """Work (or resume) an annual review due-list run; returns the files touched."""
    return services.run_review_list(BulkRun.objects.get(pk=run_id)).done


@task()
def end_gradual_exits_task() -> int:
    """The nightly run: end every gradual exit whose last day has passed."""
    return services.end_due_gradual_exits()


@task()
def purge_expired_files_task() -> int:
    """The nightly retention run: erase the notes of files kept past their retention."""
    return services.purge_expired_files()
