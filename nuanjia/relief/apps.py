from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ReliefConfig(AppConfig):
    name = "nuanjia.relief"
    label = "relief"
    verbose_name = _("Relief grants")

    def ready(self):
        from nuanjia.core import measures, schedule, todo
        from nuanjia.funds import sources

        from . import grant_payable
        from .jobs import JOBS
        from .measures import MEASURES
        from .queries import grant_labels, paid_grant_ids
        from .rules import SOURCE_TYPE
        from .todo import relief_todo

        todo.register(relief_todo)
        measures.register(*MEASURES)
        schedule.register(*JOBS)
        grant_payable.register()
        sources.register(
            sources.PostingSource(
                source_type=SOURCE_TYPE,
                label="grant",
                paid_ids=paid_grant_ids,
                url=lambda pk: reverse("relief:grant_detail", args=[pk]),
                describe=grant_labels,
            )
        )
