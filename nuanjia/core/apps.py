from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "nuanjia.core"
    label = "core"
    verbose_name = "Core"
