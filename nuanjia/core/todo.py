"""The "我的待办" registry: each domain app contributes the items its roles must act on.

It lives in core so that any app, however low, can register: an app registers a provider
`fn(user) -> list[TodoItem]` in its AppConfig.ready(); the home page (desk) shows every item
that the user's roles and scope give.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TodoItem:
    label: str  # what to do, e.g. "待审核困难职工档案"
    count: int  # how many rows wait
    url: str  # the list behind the figure
    overdue: int = 0  # how many of them are past their deadline
    urgent: int = 0  # how many of them are urgent (e.g. advance relief, 先行救助)
    # A figure that a daily job builds (not live): the page says "数据截至 <as_of>", or that
    # the job has not run yet when `as_of` is None.
    daily: bool = False
    as_of: Any = None  # an aware datetime


TodoProvider = Callable[[Any], list[TodoItem]]  # fn(the signed-in Actor)
_providers: list[TodoProvider] = []


def register(provider: TodoProvider) -> TodoProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def items_for(user: Any) -> list[TodoItem]:
    items: list[TodoItem] = []
    for provider in _providers:
        items.extend(item for item in provider(user) if item.count)
    return items
