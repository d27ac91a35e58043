from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "nuanjia.orgs"
    label = "orgs"
    verbose_name = _("Unions and staff")

    def ready(self):
        from nuanjia.desk import todo

        from .todo import account_todo

        todo.register(account_todo)
