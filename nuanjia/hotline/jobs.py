"""The hotline's periodic jobs (core.schedule), registered in HotlineConfig.ready().

core.schedule has daily and monthly cadences; the sweep runs early each morning, and the
to-do lists count overdue tickets live in between, so nothing waits for the sweep to show.
"""

from nuanjia.core import schedule

from .queries import SWEEP_JOB
from .tasks import sweep_deadlines_task

JOBS = [
    (SWEEP_JOB, sweep_deadlines_task, 0,
     "Escalate tickets past a deadline to the parent union."),
]  # fmt: skip


def register_jobs() -> None:
    for name, task, hour, description in JOBS:
        schedule.register(
            schedule.Job(
                name=name, task=task, cadence=schedule.DAILY, hour=hour, description=description
            )
        )
