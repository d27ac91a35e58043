"""Background work of campaigns, on the database-backed task queue: long enrolment runs."""

from django.conf import settings
from django.utils import translation
from django_tasks import task

from nuanjia.orgs.models import Staff

from .models import EnrolmentRun
from .services import continue_run


@task()
def enrol_task(run_id: int, staff_id: int | None) -> dict:
    """Run (or resume) an enrolment run to its end, chunk by chunk; a killed worker's run is
    resumed from its last chunk by enqueueing this again (the page's 继续 button, the CLI)."""
    by = Staff.objects.filter(pk=staff_id).first() if staff_id else None
    with translation.override(settings.LANGUAGE_CODE):
        run = continue_run(EnrolmentRun.objects.get(pk=run_id), by=by)
    return {"status": run.status, "added": run.added, "chunks": run.chunks}
