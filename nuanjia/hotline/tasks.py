"""Background work of the hotline, on the database-backed task queue."""

from django_tasks import task

from . import services


@task()
def sweep_deadlines_task() -> int:
    """Escalate every ticket past a deadline to the parent of its union."""
    return services.sweep_deadlines()
