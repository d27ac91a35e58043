"""The list pages and list API operations read a fixed number of queries, however many rows
(core.lists: keyset pages, capped counts; related rows joined, not fetched per row)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import verified_login
from nuanjia.gigjobs import services

pytestmark = pytest.mark.django_db
LISTS = (
    "/gigjobs/corners/",
    "/gigjobs/posts/",
    "/gigjobs/workers/",
    "/gigjobs/matches/",
    "/api/v1/gigjobs/corners",
    "/api/v1/gigjobs/posts",
    "/api/v1/gigjobs/workers",
    "/api/v1/gigjobs/matches",
)


def _counts(client) -> dict[str, int]:
    counts = {}
    for url in LISTS:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        counts[url] = len(queries)
    return counts


def _more(post, corner, staff, n: int) -> None:
    for i in range(n):
        gig = services.register_worker(corner, by=staff, name=f"工{i}", phone=f"1390000{i:04d}",
                                       available_from="2026-05-10", available_until="2026-05-31")  # fmt: skip
        services.propose_match(post, gig, by=staff)


def test_the_lists_read_the_same_number_of_queries_for_one_row_or_many(post, gig, staff, corner):
    from nuanjia.gigjobs.tests.conftest import post_values

    services.propose_match(post, gig, by=staff)
    client = Client()
    verified_login(client, staff)
    client.get("/gigjobs/corners/")  # warm the session and caches
    one = _counts(client)
    bigger = services.create_post(corner, by=staff, **post_values(workers_wanted=20))
    _more(bigger, corner, staff, 6)
    many = _counts(client)
    assert many == one
    assert max(one.values()) <= 14, one
