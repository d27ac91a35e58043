"""The station registry list's query budget (issue 25), page and API."""

import pytest
from django.urls import reverse

from nuanjia.core.tests.listbudget import api_queries, page_queries

pytestmark = pytest.mark.django_db


def test_the_station_list_has_a_fixed_query_budget(
    make_station, caseworker, login, django_assert_num_queries
):
    for _ in range(3):
        make_station()
    client = login(caseworker)
    page_queries(client, reverse("stations:list"), {"page_size": 1}, 8, django_assert_num_queries)
    answer = api_queries(
        client, "/api/v1/stations/", {"page_size": 1}, 8, django_assert_num_queries
    )
    assert answer["count"] == 3 and len(answer["items"]) == 1


def test_the_visit_api_has_a_fixed_query_budget(
    make_station, caseworker, login, django_assert_num_queries
):
    import datetime

    from django.utils import timezone

    from nuanjia.stations.models import Visit

    station = make_station()
    now = timezone.now()
    for n in range(3):
        at = now - datetime.timedelta(minutes=n)
        Visit.objects.create(station=station, at=at, on=timezone.localdate(at), hour=at.hour)
    client = login(caseworker)
    answer = api_queries(
        client, "/api/v1/stations/visits", {"page_size": 2}, 8, django_assert_num_queries
    )
    assert answer["count"] == 3 and len(answer["items"]) == 1
