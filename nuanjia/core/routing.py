"""URL patterns found by a table instead of a walk.

Django resolves a path by trying each pattern of a list in order; the API's list holds a few
hundred operations, and every API call paid for matching its path against each one before
its own (a tenth of a partner confirm's CPU). `with_literal_table(patterns)` puts in front
of the list a resolver that looks a path up in a dict of the patterns without converters
("partner/benefits/redeem"), and answers nothing for any other path, which then walks the
list as before. A literal pattern goes into the table only when no pattern before it in the
list matches its path: a request reaches the same view, with the same match, as the walk
would give it. Reversing URLs is untouched (the table reverses nothing).
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, URLResolver
from django.urls.exceptions import Resolver404
from django.urls.resolvers import ResolverMatch, RoutePattern


def _is_literal(pattern: Any) -> bool:
    return (
        isinstance(pattern, URLPattern)
        and isinstance(pattern.pattern, RoutePattern)
        and not pattern.pattern.converters
        and pattern.pattern._is_endpoint  # type: ignore[attr-defined]  # private, as Django 5.2 has it
    )


def _matches(pattern: Any, path: str) -> bool:
    try:
        return bool(pattern.resolve(path))
    except Resolver404:
        return False


class LiteralTable(URLResolver):
    """A resolver over the literal endpoints of a list (`with_literal_table`)."""

    def __init__(self, patterns: list[Any]) -> None:
        super().__init__(RoutePattern(""), [])
        self.table: dict[str, URLPattern] = {}
        for index, pattern in enumerate(patterns):
            if not _is_literal(pattern):
                continue
            path = str(pattern.pattern)
            if path in self.table or any(_matches(p, path) for p in patterns[:index]):
                continue  # an earlier pattern answers this path: the walk decides
            self.table[path] = pattern

    def resolve(self, path: Any) -> ResolverMatch:
        found = self.table.get(str(path))
        if found is None:
            raise Resolver404({"tried": [], "path": path})
        match = found.resolve(str(path))
        assert match is not None
        return match

    def __repr__(self) -> str:
        return f"<LiteralTable of {len(self.table)} paths>"


def with_literal_table(patterns: list[Any]) -> list[Any]:
    """`patterns` with the table of their literal endpoints in front."""
    return [LiteralTable(patterns), *patterns]
