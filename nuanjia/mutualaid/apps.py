from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MutualAidConfig(AppConfig):
    name = "nuanjia.mutualaid"
    label = "mutualaid"
    verbose_name = _("Mutual aid")

    def ready(self) -> None:
        from nuanjia.core import measures

        from . import registrations
        from .measures import MEASURES

        registrations.register_all()
        measures.register(*MEASURES)
