"""The reports' periodic jobs (core.schedule) and audit event names, registered in
ReportsConfig.ready(): the refresh every minute, the check of yesterday each night (after the
stations' rollup of 01:00, whose rows the visits measure reads)."""

from django.utils.translation import gettext_lazy as _

from nuanjia.core.schedule import DAILY, EVERY_MINUTE, Job

from .tasks import check_facts_task, refresh_facts_task

REFRESH_JOB = "reports.refresh_facts"
CHECK_JOB = "reports.check_facts"

JOBS = [
    Job(REFRESH_JOB, refresh_facts_task, EVERY_MINUTE, 0,
        "Rebuild the report facts of the days whose rows changed."),
    Job(CHECK_JOB, check_facts_task, DAILY, 3,
        "Compute yesterday's report facts again and record the differences."),
]  # fmt: skip

EVENT_NAMES = {
    "reports.rebuilt": _("Report facts rebuilt"),
    "reports.refreshed": _("Report facts refreshed"),
    "reports.checked": _("Report facts checked"),
    "reports.month_frozen": _("Report figures of a closed month frozen"),
    "reports.map_loaded": _("Map outline loaded"),
}
