"""The transaction list's query budget (issue 25), page and API."""

import pytest
from django.urls import reverse

from nuanjia.core.tests.listbudget import api_queries, page_queries, stable_under_inserts
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


@pytest.fixture
def county_ledger(orgs, warmth, province_finance, city_finance, finance):
    """惠济区's own rows (received) and counterpart rows (allocated to it by 郑州)."""
    services.receive(orgs["410000"], warmth, 100 * YUAN, source="财政", by=province_finance)
    services.allocate(orgs["410000"], orgs["410100"], warmth, 50 * YUAN, by=province_finance)
    add_county_rows(orgs, warmth, city_finance, finance, 3)


def add_county_rows(orgs, warmth, city_finance, finance, count: int) -> None:
    for _ in range(count):
        services.allocate(orgs["410100"], orgs["410108"], warmth, YUAN, by=city_finance)
        services.receive(orgs["410108"], warmth, YUAN, source="财政", by=finance)


def test_a_county_transaction_list_costs_what_the_province_s_does(
    county_ledger, finance, login, django_assert_num_queries
):
    """Below the province the list reads two index seeks merged in one query (its count in
    one more): the same budget as the province's page and API."""
    client = login(finance)
    url = reverse("funds:transactions")
    page_queries(client, url, {"page_size": 2}, 10, django_assert_num_queries)
    page_queries(client, url, {"page_size": 2, "kind": "receive"}, 10, django_assert_num_queries)
    answer = api_queries(
        client, "/api/v1/funds/transactions", {"page_size": 2}, 9, django_assert_num_queries
    )
    assert answer["count"] == 6


def test_county_transaction_pages_stay_put_when_rows_arrive(
    county_ledger, orgs, warmth, city_finance, finance, login
):
    client = login(finance)
    for url, api in ((reverse("funds:transactions"), False), ("/api/v1/funds/transactions", True)):
        for sort in ("newest", "number"):
            shown = stable_under_inserts(
                client, url, {"page_size": 2, "sort": sort},
                lambda: add_county_rows(orgs, warmth, city_finance, finance, 1), api=api,
            )  # fmt: skip
            assert len(shown) == len(set(shown))
