"""The relief app's periodic jobs (core.schedule), registered in ReliefConfig.ready()."""

from nuanjia.core import schedule

from .tasks import gradual_exit_payments_task


def register_jobs() -> None:
    schedule.register(
        schedule.Job(
            name="relief.gradual_exit_payments",
            task=gradual_exit_payments_task,
            # Daily, though the grants are monthly: the run is idempotent per family and month,
            # and a one-month phase-out starting after a monthly run would otherwise be missed.
            cadence=schedule.DAILY,
            hour=3,
            description="Create this month's gradual-exit grants of every family in its phase-out.",
        )
    )
