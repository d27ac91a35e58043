"""The partner settlements' tiles on the desk (我的待办): caseworkers' disputed statements,
approvers' confirmed ones, finance's approved (or failed) ones ready for a payment batch."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from nuanjia.core.todo import TodoItem
from nuanjia.orgs.rules import Role

from .queries_settlements import disputed, ready_to_pay, to_approve


def settlements_todo(user: Any) -> list[TodoItem]:
    roles = set(getattr(user, "roles", ()))
    url = reverse("campaigns:settlements")
    items = []
    if Role.CASEWORKER in roles:
        items.append(
            TodoItem(
                _("Partner statements disputed"), disputed(user).count(), f"{url}?queue=caseworker"
            )
        )
    if Role.APPROVER in roles:
        items.append(
            TodoItem(
                _("Partner statements to approve"),
                to_approve(user).count(),
                f"{url}?queue=approver",
            )
        )
    if Role.FINANCE in roles:
        items.append(
            TodoItem(
                _("Partner statements ready for a payment batch"),
                ready_to_pay(user).count(),
                f"{url}?queue=finance",
            )
        )
    return items
