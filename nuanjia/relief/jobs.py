"""The relief app's periodic jobs (core.schedule), registered in ReliefConfig.ready()."""

from nuanjia.core.schedule import DAILY, Job

from .tasks import gradual_exit_payments_task

JOBS = [
    # Daily, though the grants are monthly: the run is idempotent per family and month, and a
    # one-month phase-out starting after a monthly run would otherwise be missed.
    Job("relief.gradual_exit_payments", gradual_exit_payments_task, DAILY, 3,
        "Create this month's gradual-exit grants of every family in its phase-out."),
]  # fmt: skip
