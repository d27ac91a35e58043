"""The enterprises tiles on the desk (我的待办): approvers' proposed rent reliefs, finance's
refunds ready for a payment batch."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from nuanjia.core.todo import TodoItem
from nuanjia.orgs.rules import Role

from .queries import reliefs_in_queue


def relief_todo(user: Any) -> list[TodoItem]:
    roles = set(getattr(user, "roles", ()))
    url = reverse("enterprises:reliefs")
    items = []
    if Role.APPROVER in roles:
        count = reliefs_in_queue(user, "approver").count()
        items.append(TodoItem(_("Rent reliefs to approve"), count, f"{url}?queue=approver"))
    if Role.FINANCE in roles:
        count = reliefs_in_queue(user, "finance").count()
        items.append(
            TodoItem(_("Rent refunds ready for a payment batch"), count, f"{url}?queue=finance")
        )
    return items
