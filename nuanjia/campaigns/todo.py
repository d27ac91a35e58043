"""The enrolment lists' tiles on the desk (我的待办): lists waiting for an approver's
decision, and lists being drawn up (returned ones included) for caseworkers."""

from django.urls import reverse
from django.utils.translation import gettext as _

from nuanjia.core.todo import TodoItem
from nuanjia.orgs.rules import Role

from .models import Roster
from .queries import scoped
from .rules import RosterStatus


def roster_todo(user) -> list[TodoItem]:
    roles = set(getattr(user, "roles", ()))
    rosters = scoped(Roster.objects.all(), user)
    items = []
    if Role.APPROVER in roles:
        items.append(
            TodoItem(
                _("Enrolment lists to approve"),
                rosters.filter(status=RosterStatus.SUBMITTED).count(),
                reverse("campaigns:roster_list") + f"?status={RosterStatus.SUBMITTED}",
            )
        )
    if Role.CASEWORKER in roles:
        items.append(
            TodoItem(
                _("Enrolment lists being drawn up"),
                rosters.filter(status=RosterStatus.DRAFT).count(),
                reverse("campaigns:roster_list") + f"?status={RosterStatus.DRAFT}",
            )
        )
    return items
