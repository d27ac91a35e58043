"""No list counts its whole table (issue 25): at the province, where the scope filters
nothing (the root shortcut), each big list's page and API operation count through a LIMITed
subquery (exact below the threshold, then PostgreSQL's estimate or "more than", shown 约 /
以上), on the database of the run."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nuanjia.orgs.rules import Role

pytestmark = pytest.mark.django_db

LISTS = (  # (role, page, API operation or "")
    (Role.CASEWORKER, "/people/workers/", "/api/v1/people/workers/"),
    (Role.CASEWORKER, "/hardship/", "/api/v1/hardship/files"),
    (Role.CASEWORKER, "/hotline/tickets/", "/api/v1/hotline/tickets"),
    (Role.FINANCE, "/funds/transactions/", "/api/v1/funds/transactions"),
    (Role.AUDIT_ADMIN, "/audit/", ""),
)
COUNT = re.compile(r"\bCOUNT\(", re.IGNORECASE)


def uncapped_counts(queries: list[dict]) -> list[str]:
    """The COUNT statements without a LIMIT inside (a count of every row they select)."""
    return [q["sql"] for q in queries if COUNT.search(q["sql"]) and "LIMIT" not in q["sql"]]


@pytest.mark.parametrize(("role", "page", "api"), LISTS)
@pytest.mark.parametrize("code", ["410000", "410108"])
def test_no_list_counts_every_row(make_staff, login, role, page, api, code):
    client = login(make_staff(code, role))
    for url in filter(None, (page, api)):
        client.get(url)  # warm: the session's first touch
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        assert not uncapped_counts(captured.captured_queries), url
        assert any(COUNT.search(q["sql"]) for q in captured.captured_queries), url


def test_a_count_above_the_threshold_is_labelled(make_staff, login, monkeypatch):
    from dataclasses import replace

    from nuanjia.people import queries
    from nuanjia.people.models import Worker

    staff = make_staff("410000", Role.CASEWORKER)
    Worker.objects.bulk_create(
        [Worker(org=staff.org, name=f"职工{n}", name_pinyin=f"zg{n}") for n in range(4)]
    )
    monkeypatch.setattr(queries, "WORKER_LIST", replace(queries.WORKER_LIST, exact_below=2))
    response = login(staff).get("/people/workers/")
    count = response.context["page"].count
    shown = response.content.decode()
    if connection.vendor == "postgresql" and count.kind == "estimate":
        assert f"约 {count.value}" in shown or f"约{count.value}" in shown
    else:
        assert count.kind == "at_least" and count.value == 2
