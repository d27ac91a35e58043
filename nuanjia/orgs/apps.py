from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "nuanjia.orgs"
    label = "orgs"
    verbose_name = _("Unions and staff")

    def ready(self) -> None:
        from nuanjia.core.workflow import AccessHooks, register_access

        from .permissions import deny, in_scope, roles_of

        register_access(AccessHooks(roles_of=roles_of, in_scope=in_scope, deny=deny))

        from nuanjia.core import todo

        from .todo import account_todo

        todo.register(account_todo)
