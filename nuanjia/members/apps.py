from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "nuanjia.members"
    label = "members"
    verbose_name = _("Member portal")

    def ready(self):
        from nuanjia.core import audit_names, measures, mypages, todo

        from .audit import EVENT_NAMES
        from .measures import MEASURES
        from .todo import members_todo

        todo.register(members_todo)
        measures.register(*MEASURES)
        audit_names.register(EVENT_NAMES)
        mypages.register(mypages.MyPage(_("My data"), "members:my_data", order=90))
        mypages.register(
            mypages.MyPage(
                _("Who may see my name"), "members:partner_consents", order=91, needs_record=True
            )
        )
