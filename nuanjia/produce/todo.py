"""The to-do tiles of the consumption-help app: orders waiting for approval (approvers), for
delivery or receipt (caseworkers), for a payment batch (finance)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _lazy

from nuanjia.core.todo import TodoItem
from nuanjia.orgs.permissions import roles_of
from nuanjia.orgs.rules import Role

from .queries import visible_orders
from .rules import OrderStatus

_TILES = (
    (Role.APPROVER, (OrderStatus.SUBMITTED,), _lazy("Buy-to-help orders to approve")),
    (
        Role.CASEWORKER,
        (OrderStatus.APPROVED, OrderStatus.DELIVERED),
        _lazy("Buy-to-help orders to receive"),
    ),
    (Role.FINANCE, (OrderStatus.RECEIVED, OrderStatus.FAILED), _lazy("Buy-to-help orders to pay")),
)


def orders_todo(user: Any) -> list[TodoItem]:
    roles = roles_of(user)
    items = []
    for role, statuses, label in _TILES:
        if role in roles:
            count = visible_orders(user).filter(status__in=statuses).count()
            query = "&".join(f"status={status}" for status in statuses)
            items.append(TodoItem(str(label), count, f"{reverse('produce:orders')}?{query}"))
    return items
