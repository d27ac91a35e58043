"""The ticket list's query budget (issue 25), page and API."""

import pytest
from django.urls import reverse

from nuanjia.core.tests.listbudget import api_queries, page_queries
from nuanjia.hotline import services
from nuanjia.hotline.rules import Kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(hotline_agent):
    for n in range(5):
        services.open_ticket(by=hotline_agent, phone=f"138381000{n:02d}", region_code="410108",
                             kind=Kind.CONSULT, description=f"咨询{n}")  # fmt: skip


def test_the_ticket_list_page_has_a_fixed_query_budget(
    tickets, caseworker, login, django_assert_num_queries
):
    client = login(caseworker)
    url = reverse("hotline:list")
    page_queries(client, url, {"page_size": 2}, 9, django_assert_num_queries)
    page_queries(client, url, {"page_size": 2, "kind": Kind.CONSULT}, 9, django_assert_num_queries)


def test_the_ticket_api_has_a_fixed_query_budget(
    tickets, caseworker, login, django_assert_num_queries
):
    client = login(caseworker)
    url = "/api/v1/hotline/tickets"
    answer = api_queries(
        client, url, {"page_size": 2, "sort": "oldest"}, 8, django_assert_num_queries
    )
    assert answer["count"] == 5 and len(answer["items"]) == 2
