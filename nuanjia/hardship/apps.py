from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HardshipConfig(AppConfig):
    name = "nuanjia.hardship"
    label = "hardship"
    verbose_name = _("Hardship files")

    def ready(self):
        from nuanjia.desk import todo

        from .todo import hardship_todo

        todo.register(hardship_todo)
