"""The grant and batch lists' query budgets (issue 25), page and API."""

import pytest
from django.urls import reverse

from nuanjia.core.tests.listbudget import api_queries, page_queries
from nuanjia.relief import services

from .conftest import YUAN, make_family, make_worker

pytestmark = pytest.mark.django_db


def test_the_grant_list_has_a_fixed_query_budget(
    walk, caseworker, login, django_assert_num_queries
):
    for _ in range(3):
        walk(make_worker(), "proposed")
    client = login(caseworker)
    page_queries(client, reverse("relief:grants"), {"page_size": 1}, 10, django_assert_num_queries)
    url = "/api/v1/relief/grants"
    answer = api_queries(client, url, {"page_size": 1}, 8, django_assert_num_queries)
    assert answer["count"] == 3 and len(answer["items"]) == 1


def test_the_batch_list_has_a_fixed_query_budget(
    walk, finance, money, login, django_assert_num_queries
):
    for _ in range(2):
        grant = walk(make_worker(), "approved", amount_fen=900 * YUAN)
        services.build_batch(finance.org, grant.earmark, by=finance)
    client = login(finance)
    page_queries(client, reverse("relief:batches"), {"page_size": 1}, 11, django_assert_num_queries)
    url = "/api/v1/relief/batches"
    answer = api_queries(client, url, {"page_size": 1}, 9, django_assert_num_queries)
    assert answer["count"] == 2


def test_the_families_to_propose_for_have_a_fixed_query_budget(
    caseworker, login, django_assert_num_queries
):
    for _ in range(3):
        make_family()
    client = login(caseworker)
    params = {"queue": "to_propose", "page_size": 1}
    # session, user, roles, the caller's union, the page, its count; the session's save (3)
    page_queries(client, reverse("relief:grants"), params, 9, django_assert_num_queries)
