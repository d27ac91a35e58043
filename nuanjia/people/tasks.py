"""Background work of the worker registry, on the database-backed task queue (no broker needed).

`manage.py db_worker` (started by `nuanjia serve` beside the web server) runs these.
"""

from django.conf import settings
from django.utils import translation
from django_tasks import task

from .imports import run_import_batch
from .models import ImportBatch


@task()
def import_workers_task(batch_id: int) -> dict:
    """Run one uploaded worker sheet through the import engine; returns the batch's counts.

    Messages are stored in the site's language (Chinese by default), whoever's browser asked.
    """
    with translation.override(settings.LANGUAGE_CODE):
        batch = run_import_batch(ImportBatch.objects.get(pk=batch_id))
    return {
        "status": batch.status,
        "total": batch.total,
        "errors": batch.errors,
        "created": batch.created,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
    }
