"""A partner's pages (合作机构端) beyond scanning: each app that works with partners adds its
own pages here in AppConfig.ready() — campaigns its hospital bookings, breakfast counts, trip
lists and monthly statements — so the partner home lists them without importing those apps.
A page shows only to partners of the kinds it names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PartnerPage:
    label: Any  # a lazy string
    url_name: str  # a URL under /p/ taking no parameters
    kinds: frozenset[str]  # the partner kinds it serves (members.Partner.Kind values)
    order: int = 50


_pages: dict[str, PartnerPage] = {}


def register(page: PartnerPage) -> PartnerPage:
    _pages[page.url_name] = page
    return page


def pages_for(kind: str) -> list[PartnerPage]:
    """The pages a partner of `kind` sees, in order."""
    return sorted(
        (page for page in _pages.values() if kind in page.kinds),
        key=lambda page: (page.order, page.url_name),
    )
