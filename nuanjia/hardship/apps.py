from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HardshipConfig(AppConfig):
    name = "nuanjia.hardship"
    label = "hardship"
    verbose_name = _("Hardship files")

    def ready(self):
        from nuanjia.core import measures, mypages, schedule, todo
        from nuanjia.people.signals import worker_transferred

        from .eligibility_facts import register_hardship_facts
        from .jobs import JOBS
        from .measures import MEASURES
        from .services import follow_worker_transfer
        from .todo import hardship_todo

        todo.register(hardship_todo)
        measures.register(*MEASURES)
        mypages.register(
            mypages.MyPage(_("My hardship file"), "hardship:my_file", order=30, needs_record=True)
        )
        schedule.register(*JOBS)
        register_hardship_facts()
        worker_transferred.connect(follow_worker_transfer, dispatch_uid="hardship.follow_transfer")
