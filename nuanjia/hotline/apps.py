from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "nuanjia.hotline"
    label = "hotline"
    verbose_name = _("12351 hotline")

    def ready(self):
        from nuanjia.core import measures, mypages, observability, schedule, todo
        from nuanjia.relief.signals import grants_paid

        from .jobs import JOBS
        from .measures import MEASURES
        from .queries import overdue_by_stage
        from .services import follow_grant_payments
        from .todo import hotline_todo
        from .views.member import open_request_count

        todo.register(hotline_todo)
        measures.register(*MEASURES)
        mypages.register(
            mypages.MyPage(
                _("My 12351 requests"), "hotline:my_requests", order=20, badge=open_request_count
            )
        )
        mypages.register(
            mypages.MyPage(_("Send a 12351 request"), "hotline:my_request_new", order=21)
        )
        schedule.register(*JOBS)
        observability.register_gauge(
            "hotline_tickets_overdue", "12351 tickets past a deadline, by the deadline missed.",
            overdue_by_stage, label="stage",
        )  # fmt: skip
        grants_paid.connect(follow_grant_payments, dispatch_uid="hotline.follow_grant_payments")
