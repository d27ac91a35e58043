"""The hardship app's periodic jobs (core.schedule), registered in HardshipConfig.ready()."""

from nuanjia.core.schedule import DAILY, Job

from .tasks import end_gradual_exits_task, purge_expired_files_task

JOBS = [
    # (name, task, cadence, local hour from which the day's run is due, what it does)
    Job("hardship.end_gradual_exits", end_gradual_exits_task, DAILY, 1,
        "End every gradual exit whose last day has passed."),
    Job("hardship.purge_expired_files", purge_expired_files_task, DAILY, 2,
        "Erase the notes of files whose retention period has ended."),
]  # fmt: skip
