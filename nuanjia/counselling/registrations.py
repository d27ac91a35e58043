"""What psychological help registers with the lower apps at start-up: the supervisor's to-do
tiles, the escalation chore of the scheduler, the measures, the volunteers' partner page and
the names of its audit events."""

from __future__ import annotations


def register_all() -> None:
    from django.utils.translation import gettext_lazy as _

    from nuanjia.core import audit_names, measures, partnerpages, schedule, todo
    from nuanjia.members.models import Partner

    from .audit import EVENT_NAMES
    from .measures import MEASURES
    from .tasks import escalation_chore
    from .todo import counselling_todo

    audit_names.register(EVENT_NAMES)
    todo.register(counselling_todo)
    schedule.register_tick("counselling.escalate", escalation_chore)
    measures.register(*MEASURES)
    partnerpages.register(
        partnerpages.PartnerPage(
            _("My shifts"), "counselling:my_shifts",
            kinds=frozenset({Partner.Kind.VOLUNTEERS}), order=30,
        )
    )  # fmt: skip
