"""The reports' background work, on the database-backed task queue."""

from django_tasks import task

from . import services


@task()
def refresh_facts_task() -> int:
    """Rebuild the facts of the days whose rows changed since the last refresh."""
    return sum(len(days) for days in services.refresh().values())


@task()
def check_facts_task() -> int:
    """Compute yesterday again for every measure; record and repair the differences."""
    return services.check_day().differences
