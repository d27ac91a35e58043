"""Background work of relief grants, on the database-backed task queue (no broker needed)."""

from django_tasks import task

from . import services


@task()
def gradual_exit_payments_task() -> int:
    """The monthly run: the gradual-exit grants of every family in its phase-out."""
    return services.run_gradual_exit_payments().created
