"""The worker list's query budget (issue 25), page and API; a bad cursor is a message."""

import pytest
from django.urls import reverse

from nuanjia.core.tests.listbudget import api_queries, page_queries
from nuanjia.people.models import Worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def workers(caseworker):
    Worker.objects.bulk_create(
        [Worker(org=caseworker.org, name=f"职工{n}", name_pinyin=f"zhigong{n}") for n in range(5)]
    )


def test_the_worker_list_page_has_a_fixed_query_budget(
    workers, caseworker, login, django_assert_num_queries
):
    url = reverse("people:worker_list")
    client = login(caseworker)
    page_queries(client, url, {"page_size": 2}, 8, django_assert_num_queries)
    page_queries(client, url, {"page_size": 2, "sort": "newest"}, 8, django_assert_num_queries)
    broken = client.get(url, {"cursor": "not-a-cursor"})
    assert broken.status_code == 200 and broken.context["page"].error
    assert 'data-testid="list-error"' in broken.content.decode()


def test_the_worker_api_has_a_fixed_query_budget(
    workers, caseworker, login, django_assert_num_queries
):
    client = login(caseworker)
    # session, user, roles, count, the page, its occupations; the session's save (3)
    url = "/api/v1/people/workers/"
    answer = api_queries(client, url, {"page_size": 2}, 9, django_assert_num_queries)
    assert answer["count"] == 5 and answer["count_kind"] == "exact" and len(answer["items"]) == 2
    bad = client.get("/api/v1/people/workers/", {"cursor": "forged"})
    assert bad.status_code == 400 and bad.json()["field"] == "cursor"


def test_the_household_api_has_a_fixed_query_budget(caseworker, login, django_assert_num_queries):
    from nuanjia.people.models import Household

    for n in range(3):
        worker = Worker.objects.create(org=caseworker.org, name=f"户主{n}", name_pinyin=f"huzhu{n}")
        Household.objects.create(org=caseworker.org, worker=worker, region_code="410108")
    client = login(caseworker)
    answer = api_queries(
        client, "/api/v1/people/households/", {"page_size": 2}, 8, django_assert_num_queries
    )
    assert answer["count"] == 3 and len(answer["items"]) == 1
    assert answer["items"][0]["worker_name"] != "户主0"  # masked
