"""The staff list's query budget (issue 25): a fixed number of queries per page."""

import pytest
from django.urls import reverse

from nuanjia.core.tests.listbudget import api_queries, page_queries
from nuanjia.orgs.rules import Role

pytestmark = pytest.mark.django_db


def test_the_staff_list_has_a_fixed_query_budget(
    make_staff, system_admin, login, django_assert_num_queries
):
    for _ in range(3):
        make_staff("410108", Role.CASEWORKER)
    client = login(system_admin)
    second = page_queries(
        client, reverse("orgs:staff_list"), {"page_size": 2}, 10, django_assert_num_queries
    )
    assert second.context["page"].rows


def test_the_staff_api_has_a_fixed_query_budget(
    make_staff, system_admin, login, django_assert_num_queries
):
    for _ in range(3):
        make_staff("410108", Role.CASEWORKER)
    client = login(system_admin)
    answer = api_queries(client, "/api/v1/staff/", {"page_size": 2}, 10, django_assert_num_queries)
    assert len(answer["items"]) == 2 and answer["count"] >= 4
    assert all("phone" not in item or item["phone_masked"] is not None for item in answer["items"])
    assert client.get("/api/v1/staff/", {"status": "nonsense"}).status_code == 400
