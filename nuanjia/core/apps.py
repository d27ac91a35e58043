from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "nuanjia.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from .text import install_form_validator

        install_form_validator()
