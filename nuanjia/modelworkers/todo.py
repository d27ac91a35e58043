"""The approver's to-do tile: help payments for model workers in difficulty to decide."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from nuanjia.core.todo import TodoItem
from nuanjia.orgs.permissions import roles_of
from nuanjia.orgs.rules import Role

from . import queries


def modelworkers_todo(user: Any) -> list[TodoItem]:
    if Role.APPROVER not in roles_of(user):
        return []
    count = queries.proposed_count(user)
    url = f"{reverse('modelworkers:payments')}?status=proposed"
    return [TodoItem(_("Model worker help payments to decide"), count, url)]
