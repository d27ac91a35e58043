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
