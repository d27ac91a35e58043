"""The API's literal paths are found by a table before the walk (core.routing): every path
must reach the same view, with the same match, as walking the list would give it."""

from django.urls import Resolver404, URLResolver, resolve
from django.urls.resolvers import RoutePattern

from nuanjia.api import api
from nuanjia.core.routing import LiteralTable, with_literal_table


def _walk(patterns, path):
    for pattern in patterns:
        if isinstance(pattern, LiteralTable):
            continue
        try:
            found = pattern.resolve(path)
        except Resolver404:
            continue
        if found:
            return found
    return None


def test_every_literal_path_resolves_as_the_walk_does():
    patterns, _app, _namespace = api.urls
    table = patterns[0]
    assert isinstance(table, LiteralTable)
    assert "partner/benefits/redeem" in table.table
    assert "hotline/public/tickets" in table.table
    for path, pattern in table.table.items():
        walked = _walk(patterns[1:], path)
        assert walked is not None and walked.func is pattern.callback, path
        assert table.resolve(path).url_name == walked.url_name


def test_a_literal_path_an_earlier_pattern_matches_stays_out_of_the_table():
    from django.urls import path as route

    def first(request, name):
        return None

    def second(request):
        return None

    patterns = [route("things/<str:name>", first), route("things/new", second)]
    listed = with_literal_table(patterns)
    assert listed[0].table == {}
    resolver = URLResolver(RoutePattern(""), listed)
    assert resolver.resolve("things/new").func is first


def test_the_busiest_urls_reach_their_operations():
    match = resolve("/api/v1/hotline/public/tickets")
    assert match.url_name == "public_submit"
    assert match.namespace == "api-1.0.0"
    assert match.route == "api/v1/hotline/public/tickets"
    match = resolve("/api/v1/partner/benefits/redeem")
    assert match.namespace == "api-1.0.0"
    assert match.route == "api/v1/partner/benefits/redeem"
