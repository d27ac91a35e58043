"""The benefits tiles on the desk (我的待办): the reviewers' open suspicious-use flags."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from nuanjia.core.todo import TodoItem
from nuanjia.orgs.rules import Role

from .queries import visible_flags
from .rules import FlagStatus


def flags_todo(user: Any) -> list[TodoItem]:
    if Role.REVIEWER not in set(getattr(user, "roles", ())):
        return []
    count = visible_flags(user).filter(status=FlagStatus.OPEN).count()
    return [TodoItem(_("Benefit uses flagged for review"), count, reverse("benefits:flags"))]


def statements_todo(user: Any) -> list[TodoItem]:
    """Caseworkers' disputed statements, approvers' confirmed ones, finance's approved ones."""
    from .queries import statement_queue

    roles = set(getattr(user, "roles", ()))
    url = reverse("benefits:statements")
    tiles = [
        (Role.CASEWORKER, "caseworker", _("Merchant statements disputed")),
        (Role.APPROVER, "approver", _("Merchant statements to approve")),
        (Role.FINANCE, "finance", _("Merchant statements ready for a payment batch")),
    ]
    return [
        TodoItem(label, statement_queue(user, queue).count(), f"{url}?queue={queue}")
        for role, queue, label in tiles
        if role in roles
    ]
