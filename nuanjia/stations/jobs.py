"""The stations app's periodic jobs (core.schedule), registered in StationsConfig.ready()."""

from nuanjia.core.schedule import DAILY, Job

from .tasks import nightly_rollup_task

JOBS = [
    Job("stations.nightly_rollup", nightly_rollup_task, DAILY, 1,
        "Roll up yesterday's station visits per station, district and city."),
]  # fmt: skip
