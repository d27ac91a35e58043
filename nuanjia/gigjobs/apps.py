from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GigjobsConfig(AppConfig):
    name = "nuanjia.gigjobs"
    label = "gigjobs"
    verbose_name = _("Gig-job corners")

    def ready(self) -> None:
        from . import registrations

        registrations.register_all()
