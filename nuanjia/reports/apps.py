from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "nuanjia.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from nuanjia.core import audit_names, schedule, todo

        from .jobs import EVENT_NAMES, JOBS
        from .report_services import EVENT_NAMES as REPORT_EVENT_NAMES
        from .todo import reports_todo

        schedule.register(*JOBS)
        todo.register(reports_todo)
        audit_names.register(EVENT_NAMES)
        audit_names.register(REPORT_EVENT_NAMES)
