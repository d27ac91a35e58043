"""The hardship app's periodic jobs (core.schedule), registered in HardshipConfig.ready()."""

from nuanjia.core import schedule

from .tasks import end_gradual_exits_task, purge_expired_files_task

JOBS = [
    # (name, task, local hour from which the day's run is due, what it does)
    ("hardship.end_gradual_exits", end_gradual_exits_task, 1,
     "End every gradual exit whose last day has passed."),
    ("hardship.purge_expired_files", purge_expired_files_task, 2,
     "Erase the notes of files whose retention period has ended."),
]  # fmt: skip


def register_jobs() -> None:
    for name, task, hour, description in JOBS:
        schedule.register(
            schedule.Job(
                name=name, task=task, cadence=schedule.DAILY, hour=hour, description=description
            )
        )
