"""To-do items for account administrators."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.todo import TodoItem

from .queries import visible_staff
from .rules import Perm, actor_can


def account_todo(user: Actor) -> list[TodoItem]:
    items = []
    if actor_can(user, Perm.MANAGE_STAFF):
        locked = visible_staff(user).filter(locked_until__gt=timezone.now()).count()
        items.append(
            TodoItem(_("Locked accounts"), locked, reverse("orgs:staff_list") + "?status=locked")
        )
    if actor_can(user, Perm.ASSIGN_ROLES):
        roleless = visible_staff(user).filter(is_active=True, role_assignments__isnull=True).count()
        items.append(
            TodoItem(
                _("Accounts without a role"),
                roleless,
                reverse("orgs:staff_list") + "?status=roleless",
            )
        )
    return items
