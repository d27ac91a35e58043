from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "nuanjia.stations"
    label = "stations"
    verbose_name = _("Rest stations")

    def ready(self):
        from nuanjia.core import todo

        from .jobs import register_jobs
        from .todo import stations_todo

        todo.register(stations_todo)
        register_jobs()
