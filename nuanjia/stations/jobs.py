"""The stations app's periodic jobs (core.schedule), registered in StationsConfig.ready()."""

from nuanjia.core import schedule

from .tasks import nightly_rollup_task


def register_jobs() -> None:
    schedule.register(
        schedule.Job(
            name="stations.nightly_rollup",
            task=nightly_rollup_task,
            cadence=schedule.DAILY,
            hour=1,
            description="Roll up yesterday's station visits per station, district and city.",
        )
    )
