"""The member's "my things" (我的) on the phone pages: each app that serves members adds its
own pages here in AppConfig.ready() — the hotline its 12351 requests, later bookings, cover,
offers — so the member portal lists them without importing any of those apps. A page of an
app not installed is simply absent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MyPage:
    label: Any  # a lazy string
    url_name: str  # a URL under /m/ taking no parameters
    order: int = 50
    needs_record: bool = False  # only once the account is bound to the member's record
    # fn(member) -> a figure shown beside the label (open requests, unread answers); 0 hides it
    badge: Callable[[Any], int] | None = None


_pages: dict[str, MyPage] = {}


def register(page: MyPage) -> MyPage:
    _pages[page.url_name] = page
    return page


def pages_for(member: Any) -> list[tuple[MyPage, int]]:
    """The pages a member sees, in order, each with its badge figure."""
    bound = getattr(member, "worker_id", None) is not None
    found = [page for page in _pages.values() if bound or not page.needs_record]
    return [
        (page, page.badge(member) if page.badge else 0)
        for page in sorted(found, key=lambda page: (page.order, page.url_name))
    ]
