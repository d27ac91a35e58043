from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "nuanjia.hotline"
    label = "hotline"
    verbose_name = _("12351 hotline")

    def ready(self):
        from nuanjia.core import schedule, todo
        from nuanjia.relief.signals import grants_paid

        from .jobs import JOBS
        from .services import follow_grant_payments
        from .todo import hotline_todo

        todo.register(hotline_todo)
        schedule.register(*JOBS)
        grants_paid.connect(follow_grant_payments, dispatch_uid="hotline.follow_grant_payments")
