from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "nuanjia.enterprises"
    label = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self) -> None:
        from nuanjia.core import measures

        from . import registrations
        from .measures import MEASURES

        registrations.register_all()
        measures.register(*MEASURES)
