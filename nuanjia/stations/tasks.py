"""Background work of the stations app, on the database-backed task queue."""

from django_tasks import task

from . import services


@task()
def nightly_rollup_task() -> int:
    """Rebuild the daily visit rollups of yesterday and the day before."""
    return services.nightly_rollup()
