"""The stations app's periodic jobs (core.schedule), registered in StationsConfig.ready()."""

from nuanjia.core.schedule import DAILY, Job

from .queries import ROLLUP_JOB
from .tasks import nightly_rollup_task

JOBS = [
    Job(ROLLUP_JOB, nightly_rollup_task, DAILY, 1,
        "Roll up yesterday's station visits per station, district and city."),
]  # fmt: skip
