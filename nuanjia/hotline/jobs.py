"""The hotline's periodic jobs (core.schedule), registered in HotlineConfig.ready().

core.schedule has daily and monthly cadences; the sweep runs early each morning, and the
to-do lists count overdue tickets live in between, so nothing waits for the sweep to show.
"""

from nuanjia.core.schedule import DAILY, Job

from .queries import SWEEP_JOB
from .tasks import sweep_deadlines_task

JOBS = [
    Job(SWEEP_JOB, sweep_deadlines_task, DAILY, 0,
        "Escalate tickets past a deadline to the parent union."),
]  # fmt: skip
