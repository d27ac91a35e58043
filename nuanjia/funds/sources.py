"""The objects of higher apps that cause postings ("relief.grant", "42"), registered by those
apps in their AppConfig.ready(): funds checks them and links to them without importing them.

A source names its postings' `source_type`, how to list the ids of its objects that are paid
(each must have exactly one spending transaction, not reversed) and, optionally, the page of
one object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class PostingSource:
    source_type: str  # as written on Transaction.source_type, e.g. "relief.grant"
    label: str  # how the check names one object, e.g. "grant"
    paid_ids: Callable[[], Iterable[object]]  # the objects that must have exactly one spend
    url: Callable[[int], str] | None = None  # the page of one object, if it has one


_sources: dict[str, PostingSource] = {}


def register(source: PostingSource) -> PostingSource:
    _sources[source.source_type] = source
    return source


def registered() -> list[PostingSource]:
    return list(_sources.values())


def source_for(source_type: str) -> PostingSource | None:
    return _sources.get(source_type)
