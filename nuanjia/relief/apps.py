from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReliefConfig(AppConfig):
    name = "nuanjia.relief"
    label = "relief"
    verbose_name = _("Relief grants")

    def ready(self):
        from nuanjia.core import todo

        from .jobs import register_jobs
        from .todo import relief_todo

        todo.register(relief_todo)
        register_jobs()
