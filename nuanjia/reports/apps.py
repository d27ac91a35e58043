from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "nuanjia.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from nuanjia.core import audit_names, closing, homepanels, schedule, todo

        from .frozen import freeze_month
        from .jobs import EVENT_NAMES, JOBS
        from .report_services import EVENT_NAMES as REPORT_EVENT_NAMES
        from .todo import leader_panel, reports_todo

        schedule.register(*JOBS)
        todo.register(reports_todo)
        homepanels.register(leader_panel)
        audit_names.register(EVENT_NAMES)
        audit_names.register(REPORT_EVENT_NAMES)
        closing.register(freeze_month)  # funds' month close freezes the month's figures
