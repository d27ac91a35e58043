from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "nuanjia.members"
    label = "members"
    verbose_name = _("Member portal")

    def ready(self):
        from nuanjia.core import todo

        from .todo import members_todo

        todo.register(members_todo)
