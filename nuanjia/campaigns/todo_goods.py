"""The goods tile on the desk (我的待办): purchases waiting for an approver's decision."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from nuanjia.core.todo import TodoItem
from nuanjia.orgs.rules import Role

from .queries_goods import purchases_to_approve
from .rules import PurchaseStatus


def goods_todo(user: Any) -> list[TodoItem]:
    """Approvers: goods purchases of their subtree waiting for another person's approval."""
    if Role.APPROVER not in set(getattr(user, "roles", ())):
        return []
    return [
        TodoItem(
            _("Goods purchases to approve"),
            purchases_to_approve(user).count(),
            reverse("campaigns:purchases") + f"?status={PurchaseStatus.PROPOSED}",
        )
    ]
