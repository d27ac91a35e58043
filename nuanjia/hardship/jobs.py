"""The hardship app's periodic jobs (core.schedule), registered in HardshipConfig.ready()."""

from nuanjia.core import schedule

from .tasks import end_gradual_exits_task, purge_expired_files_task


def register_jobs() -> None:
    schedule.register(
        schedule.Job(
            name="hardship.end_gradual_exits",
            task=end_gradual_exits_task,
            cadence=schedule.DAILY,
            hour=1,
            description="End every gradual exit whose last day has passed.",
        )
    )
    schedule.register(
        schedule.Job(
            name="hardship.purge_expired_files",
            task=purge_expired_files_task,
            cadence=schedule.DAILY,
            hour=2,
            description="Erase the notes of files whose retention period has ended.",
        )
    )
