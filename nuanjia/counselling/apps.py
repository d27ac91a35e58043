from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CounsellingConfig(AppConfig):
    name = "nuanjia.counselling"
    label = "counselling"
    verbose_name = _("Psychological help")

    def ready(self) -> None:
        from . import registrations

        registrations.register_all()
