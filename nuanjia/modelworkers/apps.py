from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModelWorkersConfig(AppConfig):
    name = "nuanjia.modelworkers"
    label = "modelworkers"
    verbose_name = _("Model workers")

    def ready(self) -> None:
        from . import registrations

        registrations.register_all()
