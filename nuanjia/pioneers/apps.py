from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PioneersConfig(AppConfig):
    name = "nuanjia.pioneers"
    label = "pioneers"
    verbose_name = _("Worker Pioneer titles, labour competitions and innovation studios")

    def ready(self) -> None:
        from . import registrations

        registrations.register_all()
