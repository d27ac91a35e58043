"""To-do items of rest stations on the desk (我的待办)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from nuanjia.core.todo import TodoItem
from nuanjia.orgs.queries import scope
from nuanjia.orgs.rules import Role

from .models import StationGrant
from .queries import dead_stations
from .services import KEEPER_ROLES


def stations_todo(user) -> list[TodoItem]:
    roles = set(user.roles)
    items = []
    if roles & KEEPER_ROLES:
        items.append(
            TodoItem(
                _("Stations with no visits in 30 days"),
                dead_stations(user).count(),
                reverse("stations:statistics") + "#dead",
            )
        )
    grants = scope(StationGrant.objects.all(), user)
    if Role.APPROVER in roles:
        items.append(
            TodoItem(
                _("Station grants to approve"),
                grants.filter(status=StationGrant.Status.PROPOSED)
                .exclude(proposed_by=user)
                .count(),
                reverse("stations:list") + "?grants=proposed",
            )
        )
    if Role.FINANCE in roles:
        items.append(
            TodoItem(
                _("Station grants to pay"),
                grants.filter(status=StationGrant.Status.APPROVED).count(),
                reverse("stations:list") + "?grants=approved",
            )
        )
    return items
