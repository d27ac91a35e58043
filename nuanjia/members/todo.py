"""To-do items of the member portal on the desk (我的待办): joins and bindings to decide."""

from django.urls import reverse
from django.utils.translation import gettext as _

from nuanjia.core.todo import TodoItem
from nuanjia.orgs.rules import Role

from .models import Binding, Join
from .queries import visible_bindings, visible_joins


def members_todo(user) -> list[TodoItem]:
    roles = set(user.roles)
    items = []
    if roles & {Role.CASEWORKER, Role.APPROVER}:
        joins = visible_joins(user)
        waiting = joins.filter(status=Join.Status.UNION_REVIEW)
        if Role.APPROVER in roles:
            waiting = joins.filter(status__in=Join.WAITING)
        items.append(
            TodoItem(
                _("Join applications to decide"),
                waiting.count(),
                reverse("members:join_list") + f"?status={Join.OPEN}",
            )
        )
        items.append(
            TodoItem(
                _("Bindings to confirm"),
                visible_bindings(user).filter(status=Binding.Status.PENDING).count(),
                reverse("members:binding_list"),
            )
        )
    return items
