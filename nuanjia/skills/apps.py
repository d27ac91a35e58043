from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkillsConfig(AppConfig):
    name = "nuanjia.skills"
    label = "skills"
    verbose_name = _("Skills and certificates")

    def ready(self) -> None:
        from . import registrations

        registrations.register_all()
