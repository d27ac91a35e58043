from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "nuanjia.people"
    label = "people"
    verbose_name = _("Workers and households")

    def ready(self):
        from nuanjia.core import observability, todo

        from .eligibility.people_facts import register_people_facts
        from .todo import people_todo

        todo.register(people_todo)
        register_people_facts()
        observability.register_gauge(
            "worker_imports_running", "Worker-registry imports queued or running.", _imports_running
        )


def _imports_running() -> float:
    from .models import ImportBatch

    return float(ImportBatch.objects.filter(status__in=ImportBatch.RUNNING).count())
