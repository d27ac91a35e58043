"""Free health checks' tile on the desk (我的待办): booked checks whose day has passed without
being marked attended or missed, for the caseworkers and approvers of the unions below."""

from django.urls import reverse
from django.utils.translation import gettext as _

from nuanjia.core.todo import TodoItem

from .queries_health import overdue_checks
from .services import PLANNER_ROLES


def health_todo(user) -> list[TodoItem]:
    if not set(getattr(user, "roles", ())) & PLANNER_ROLES:
        return []
    return [
        TodoItem(
            _("Health checks waiting to be marked attended or missed"),
            overdue_checks(user).count(),
            reverse("campaigns:checks_overdue"),
        )
    ]
