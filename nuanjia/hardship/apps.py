from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HardshipConfig(AppConfig):
    name = "nuanjia.hardship"
    label = "hardship"
    verbose_name = _("Hardship files")

    def ready(self):
        from nuanjia.core import todo
        from nuanjia.people.signals import worker_transferred

        from .jobs import register_jobs
        from .services import follow_worker_transfer
        from .todo import hardship_todo

        todo.register(hardship_todo)
        register_jobs()
        worker_transferred.connect(follow_worker_transfer, dispatch_uid="hardship.follow_transfer")
