"""The biggest lists' pages read through an index (issue 25): EXPLAIN of the worker and ticket
list queries (first page and a page reached by cursor, at the province and at a county) on
the database of the run. Small test data make a planner prefer a full scan, so this checks
that an index path EXISTS: PostgreSQL is asked with seq scans priced out (inside this test's
transaction only); SQLite's plan must not SCAN the list's table without an index."""

import re

import pytest
from django.db import connection

from nuanjia.core.lists import after
from nuanjia.hotline import queries as hotline_queries
from nuanjia.hotline import services
from nuanjia.hotline.rules import Kind
from nuanjia.orgs.rules import Role
from nuanjia.people.models import Worker
from nuanjia.people.queries import WORKER_LIST, visible_workers

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_caseworker(make_staff):
    return make_staff("410000", Role.CASEWORKER)


def plan_of(queryset) -> list[str]:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return [row[-1] for row in cursor.fetchall()]


def assert_indexed(lines: list[str], table: str) -> None:
    """No full scan of the list's table. On SQLite a bare `SCAN table` is the rowid B-tree
    walked in order, an index walk like any other, when it serves the ORDER BY (a list by
    id: no temporary B-tree sorts its rows); otherwise it is a full scan."""
    text = "\n".join(lines)
    if connection.vendor == "postgresql":
        assert f"Seq Scan on {table}" not in text, text
    else:
        bare = re.compile(rf"^SCAN {table}( AS \w+)?$")
        scanned = any(bare.match(line.strip()) for line in lines)
        assert not (scanned and "TEMP B-TREE" in text), text
    assert table in text, text


def _pages(spec, queryset, sort):
    """The first page's query and the next page's (after the first row's key)."""
    keys = spec.keys(queryset.model, sort)
    ordered = spec.ordered(queryset, sort)
    first = ordered.first()
    assert first is not None
    values = [getattr(first, key.path) for key in keys]
    return [ordered[:51], ordered.filter(after(keys, values))[:51]]


def test_the_worker_list_pages_through_an_index(caseworker, province_caseworker):
    Worker.objects.bulk_create(
        [Worker(org=caseworker.org, name=f"职工{n}", name_pinyin=f"zg{n:03d}") for n in range(30)]
    )
    for user in (caseworker, province_caseworker):
        for sort in WORKER_LIST.sorts:
            for query in _pages(WORKER_LIST, visible_workers(user), sort):
                assert_indexed(plan_of(query), "people_worker")


def test_the_ticket_list_pages_through_an_index(hotline_agent, caseworker, province_caseworker):
    for n in range(3):
        services.open_ticket(by=hotline_agent, phone=f"138381001{n:02d}", region_code="410108",
                             kind=Kind.CONSULT, description="咨询")  # fmt: skip
    spec = hotline_queries.TICKET_LIST
    for user in (caseworker, province_caseworker):
        for sort in spec.sorts:
            for query in _pages(spec, hotline_queries.visible_tickets(user), sort):
                assert_indexed(plan_of(query), "hotline_ticket")
