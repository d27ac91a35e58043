"""The skills to-do tiles: training subsidy settlements waiting for an approver (not the
preparer's own) and approved ones waiting for finance's payment batch."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from nuanjia.core.todo import TodoItem
from nuanjia.orgs.permissions import roles_of
from nuanjia.orgs.rules import Role

from . import queries
from .rules import SettlementStatus


def skills_todo(user: Any) -> list[TodoItem]:
    roles = roles_of(user)
    items = []
    url = reverse("skills:settlements")
    if Role.APPROVER in roles:
        waiting = queries.visible_settlements(user).filter(status=SettlementStatus.PREPARED)
        count = waiting.exclude(prepared_by_id=user.pk).count()
        items.append(TodoItem(_("Training subsidies to approve"), count, f"{url}?status=prepared"))
    if Role.FINANCE in roles:
        ready = queries.visible_settlements(user).filter(status=SettlementStatus.APPROVED).count()
        items.append(TodoItem(_("Training subsidies to pay"), ready, f"{url}?status=approved"))
    return items
