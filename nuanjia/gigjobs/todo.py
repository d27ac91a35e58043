"""The corner staff's to-do tiles: matches waiting for the worker's consent, consented
matches not yet started, jobs under way to close with the days worked."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from nuanjia.core.todo import TodoItem
from nuanjia.orgs.permissions import roles_of

from . import queries
from .rules import MANAGER_ROLES, MatchStatus


def gigjobs_todo(user: Any) -> list[TodoItem]:
    if not roles_of(user) & MANAGER_ROLES:
        return []
    matches = queries.visible_matches(user)
    items = []
    for status, label in (
        (MatchStatus.PROPOSED, _("Gig job matches waiting for the worker's consent")),
        (MatchStatus.CONSENTED, _("Gig job matches to start")),
        (MatchStatus.STARTED, _("Gig jobs under way")),
    ):
        count = matches.filter(status=status).count()
        if count:
            url = f"{reverse('gigjobs:matches')}?status={status.value}"
            items.append(TodoItem(label, count, url))
    return items
