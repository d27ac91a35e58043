"""The to-do tiles: nominations to review (reviewers), publicised nominations to award
(approvers) — only those of unions below the viewer's own — and awarded titles whose annual
review of this year is due."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.todo import TodoItem
from nuanjia.orgs.permissions import roles_of
from nuanjia.orgs.rules import Role

from . import queries
from .rules import TitleStatus


def pioneers_todo(user: Any) -> list[TodoItem]:
    roles = roles_of(user)
    if not roles & {Role.REVIEWER, Role.APPROVER}:
        return []
    below = queries.visible_titles(user).exclude(org_id=user.org_id)
    url = reverse("pioneers:titles")
    items = []
    if Role.REVIEWER in roles or Role.APPROVER in roles:
        waiting = below.filter(status=TitleStatus.NOMINATED).count()
        items.append(TodoItem(_("Worker Pioneer nominations to review"), waiting,
                              f"{url}?status={TitleStatus.NOMINATED}"))  # fmt: skip
        year = timezone.localdate().year
        due = (
            below.filter(status=TitleStatus.AWARDED, award_year__lt=year)
            .exclude(last_review_year__gte=year)
            .count()
        )
        if due:
            items.append(TodoItem(_("Worker Pioneer titles due for annual review"), due,
                                  f"{url}?status={TitleStatus.AWARDED}"))  # fmt: skip
    if Role.APPROVER in roles:
        ready = below.filter(status=TitleStatus.PUBLICITY).count()
        items.append(TodoItem(_("Worker Pioneer titles to award"), ready,
                              f"{url}?status={TitleStatus.PUBLICITY}"))  # fmt: skip
    return items
