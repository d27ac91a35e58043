"""The course, certificate and trainee lists (pages and API) page by keyset with a fixed
number of queries: five more rows cost no more queries than one."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from conftest import verified_login
from nuanjia.people.tests.support import id_number, register
from nuanjia.skills import services

from .conftest import training, zhengzhou

pytestmark = pytest.mark.django_db
BUDGET = 25


def _grow(caseworker, provider, start: int, count: int):
    for n in range(start, start + count):
        course = services.create_course(
            zhengzhou(), provider=provider, name=f"班{n}", occupation="电工",
            starts_on=datetime.date(2026, 4, 1), ends_on=datetime.date(2026, 4, 2), places=5,
            subsidy_fen=100, earmark=training(), by=caseworker,
        )  # fmt: skip
        worker = register(
            caseworker, name=f"学{n}", id_number=id_number("410102", sequence=600 + n)
        )
        trainee = services.enrol(course, worker, by=caseworker)
        services.record_exam(trainee, result="passed", number=f"L-{n}", by=caseworker)
    return course


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_queries_do_not_grow_with_rows(caseworker, provider):
    client = Client()
    verified_login(client, caseworker)
    course = _grow(caseworker, provider, 0, 1)
    urls = ["/skills/courses/", "/skills/certificates/", f"/skills/courses/{course.pk}/",
            "/api/v1/skills/courses", "/api/v1/skills/certificates",
            f"/api/v1/skills/courses/{course.pk}/trainees", "/skills/settlements/"]  # fmt: skip
    before = {url: _count(client, url) for url in urls}
    _grow(caseworker, provider, 1, 5)
    after = {url: _count(client, url) for url in urls}
    assert after == before
    assert max(after.values()) <= BUDGET, after
