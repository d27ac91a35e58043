"""What the gig-job corners register with the lower apps at start-up: the staff's to-do
tiles, the measures, the member's "附近零工" page, the employer's partner page and the names
of its audit events."""

from __future__ import annotations


def register_all() -> None:
    from django.utils.translation import gettext_lazy as _

    from nuanjia.core import audit_names, measures, mypages, partnerpages, todo
    from nuanjia.members.models import Partner

    from .audit import EVENT_NAMES
    from .measures import MEASURES
    from .todo import gigjobs_todo

    audit_names.register(EVENT_NAMES)
    todo.register(gigjobs_todo)
    measures.register(*MEASURES)
    mypages.register(mypages.MyPage(_("Gig jobs near me"), "gigjobs:my_jobs", order=45))
    partnerpages.register(
        partnerpages.PartnerPage(
            _("My job posts"), "gigjobs:employer_posts",
            kinds=frozenset({Partner.Kind.EMPLOYER}), order=40,
        )
    )  # fmt: skip
