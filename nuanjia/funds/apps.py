from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "nuanjia.funds"
    label = "funds"
    verbose_name = _("Funds")

    def ready(self) -> None:
        from nuanjia.core import measures

        from .measures import MEASURES

        measures.register(*MEASURES)
