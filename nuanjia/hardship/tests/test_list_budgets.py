"""The file list's query budget (issue 25), page and API."""

import pytest
from django.urls import reverse

from nuanjia.core.tests.listbudget import api_queries, page_queries
from nuanjia.hardship import services
from nuanjia.hardship.tests.conftest import build_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(standards, caseworker):
    for n in range(5):
        household = build_household(phone=f"139000000{n:02d}")
        services.open_file(household, by=caseworker, note=f"困难{n}")


def test_the_file_list_page_has_a_fixed_query_budget(
    files, caseworker, login, django_assert_num_queries
):
    client = login(caseworker)
    url = reverse("hardship:list")
    page_queries(client, url, {"page_size": 2}, 8, django_assert_num_queries)
    page_queries(client, url, {"page_size": 2, "sort": "number"}, 8, django_assert_num_queries)


def test_the_file_api_has_a_fixed_query_budget(files, caseworker, login, django_assert_num_queries):
    client = login(caseworker)
    answer = api_queries(
        client, "/api/v1/hardship/files", {"page_size": 2}, 8, django_assert_num_queries
    )
    assert answer["count"] == 5 and len(answer["items"]) == 2
