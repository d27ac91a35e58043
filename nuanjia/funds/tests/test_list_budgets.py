"""The transaction list's query budget (issue 25), page and API."""

import pytest
from django.urls import reverse

from nuanjia.core.tests.listbudget import api_queries, page_queries
from nuanjia.funds import services

pytestmark = pytest.mark.django_db

YUAN = 100


@pytest.fixture
def ledger(orgs, warmth, province_finance):
    for n in range(5):
        services.receive(orgs["410000"], warmth, (n + 1) * YUAN, source="财政", by=province_finance)


def test_the_transaction_list_page_has_a_fixed_query_budget(
    ledger, province_finance, login, django_assert_num_queries
):
    client = login(province_finance)
    url = reverse("funds:transactions")
    page_queries(client, url, {"page_size": 2}, 10, django_assert_num_queries)
    page_queries(client, url, {"page_size": 2, "kind": "receive"}, 10, django_assert_num_queries)


def test_the_transaction_api_has_a_fixed_query_budget(
    ledger, province_finance, login, django_assert_num_queries
):
    client = login(province_finance)
    url = "/api/v1/funds/transactions"
    answer = api_queries(
        client, url, {"page_size": 2, "sort": "number"}, 9, django_assert_num_queries
    )
    assert answer["count"] == 5 and len(answer["items"]) == 2


def test_the_account_api_has_a_fixed_query_budget(
    orgs, warmth, province_finance, login, django_assert_num_queries
):
    for code in ("410000", "410100", "410108"):
        services.receive(orgs[code], warmth, YUAN, source="财政", by=province_finance)
    client = login(province_finance)
    answer = api_queries(
        client, "/api/v1/funds/accounts", {"page_size": 2}, 9, django_assert_num_queries
    )
    assert answer["count"] == 3 and len(answer["items"]) == 1
