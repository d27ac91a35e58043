from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "nuanjia.stations"
    label = "stations"
    verbose_name = _("Rest stations")

    def ready(self):
        from nuanjia.core import measures, schedule, todo
        from nuanjia.funds import sources

        from .jobs import JOBS
        from .measures import MEASURES
        from .queries import paid_station_grant_ids, station_grant_labels
        from .services import GRANT_SOURCE
        from .todo import stations_todo

        todo.register(stations_todo)
        measures.register(*MEASURES)
        schedule.register(*JOBS)
        sources.register(
            sources.PostingSource(
                source_type=GRANT_SOURCE,
                label="station grant",
                paid_ids=paid_station_grant_ids,
                describe=station_grant_labels,
            )
        )
