"""The objects of higher apps that cause postings ("relief.grant", "42"), registered by those
apps in their AppConfig.ready(): funds checks them and links to them without importing them.

A source names its postings' `source_type`, how to list the ids of its objects that are paid
(each must have exactly one spending transaction, not reversed) and, optionally, the page of
one object and how people name its objects (`describe`: ids to labels and links, one query
for a whole page of postings).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class SourceLabel:
    """How a page shows the object behind a posting: "救助 RG000010", linked to its page."""

    text: str
    url: str = ""


@dataclass(frozen=True)
class PostingSource:
    source_type: str  # as written on Transaction.source_type, e.g. "relief.grant"
    label: str  # how the check names one object, e.g. "grant"
    paid_ids: Callable[[], Iterable[object]]  # the objects that must have exactly one spend
    url: Callable[[int], str] | None = None  # the page of one object, if it has one
    # {id: label and link} of the given ids that exist (one query for many)
    describe: Callable[[list[int]], dict[int, SourceLabel]] | None = None


_sources: dict[str, PostingSource] = {}


def register(source: PostingSource) -> PostingSource:
    _sources[source.source_type] = source
    return source


def registered() -> list[PostingSource]:
    return list(_sources.values())


def source_for(source_type: str) -> PostingSource | None:
    return _sources.get(source_type)


def _int_ids(ids: Iterable[str]) -> list[int]:
    return sorted({int(value) for value in ids if str(value).isdigit()})


def describe_postings(pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], SourceLabel]:
    """Labels of the objects behind postings, given as (source_type, source_id) pairs: one
    `describe` call per registered source type; a type without one gets its link only, and an
    unknown type or object nothing (the page then shows the raw source)."""
    wanted: dict[str, set[str]] = {}
    for source_type, source_id in pairs:
        if source_type:
            wanted.setdefault(source_type, set()).add(str(source_id))
    found: dict[tuple[str, str], SourceLabel] = {}
    for source_type, ids in wanted.items():
        source = _sources.get(source_type)
        if source is None:
            continue
        numbers = _int_ids(ids)
        if source.describe is not None:
            for pk, label in source.describe(numbers).items():
                found[(source_type, str(pk))] = label
        elif source.url is not None:
            for pk in numbers:
                found[(source_type, str(pk))] = SourceLabel(f"{source.label} #{pk}", source.url(pk))
    return found


def label_of(source_type: str, source_id: str) -> SourceLabel | None:
    """The label of the one object behind a posting, None when its app names none."""
    return describe_postings([(source_type, source_id)]).get((source_type, str(source_id)))
