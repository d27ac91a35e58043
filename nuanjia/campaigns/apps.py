from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "nuanjia.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        from nuanjia.core import measures

        from . import registrations
        from .measures import MEASURES

        registrations.register_all()
        measures.register(*MEASURES)
