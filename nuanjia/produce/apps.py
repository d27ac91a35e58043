from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProduceConfig(AppConfig):
    name = "nuanjia.produce"
    label = "produce"
    verbose_name = _("Consumption help")

    def ready(self) -> None:
        from nuanjia.core import measures

        from . import registrations
        from .measures import MEASURES

        registrations.register_all()
        measures.register(*MEASURES)
