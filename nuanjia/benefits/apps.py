from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    name = "nuanjia.benefits"
    label = "benefits"
    verbose_name = _("Member-card benefits")

    def ready(self) -> None:
        from nuanjia.core import measures

        from . import registrations
        from .measures import MEASURES

        registrations.register_all()
        measures.register(*MEASURES)
