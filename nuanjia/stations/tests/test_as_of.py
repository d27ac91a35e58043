"""Station statistics come from the daily visit rollup, which the nightly job rebuilds: the
page and the API say when it last ran ("数据截至"), or that it has not run yet."""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from nuanjia.core import schedule
from nuanjia.stations import services

API = "/api/v1/stations"


@pytest.fixture
def yesterdays_tally(keeper, make_station):
    station = make_station()
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    services.record_tally(station, on=yesterday, visits=5, by=keeper)
    return station


@pytest.mark.django_db
def test_before_the_nightly_rollup_ran_the_statistics_say_so(login, caseworker, yesterdays_tally):
    client = login(caseworker)
    page = client.get(reverse("stations:statistics")).content.decode()
    assert "数据截至：夜间任务尚未运行" in page
    body = client.get(f"{API}/statistics").json()
    assert body["total"] == 5 and body["as_of"] is None


@pytest.mark.django_db(transaction=True)  # the task worker closes the test's connection
def test_after_the_rollup_ran_the_page_and_the_api_give_its_time(
    login, caseworker, yesterdays_tally
):
    assert schedule.enqueue_due(timezone.now().replace(hour=23))
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    finished = schedule.last_finished("stations.nightly_rollup")
    assert finished is not None
    client = login(caseworker)
    stamp = timezone.localtime(finished).strftime("%Y-%m-%d %H:%M")
    page = client.get(reverse("stations:statistics")).content.decode()
    assert f"数据截至 {stamp}" in page and "尚未运行" not in page
    body = client.get(f"{API}/statistics").json()
    as_of = datetime.datetime.fromisoformat(body["as_of"])  # JSON keeps milliseconds
    assert abs(as_of - finished) < datetime.timedelta(milliseconds=1)
    coverage = client.get(reverse("stations:coverage")).content.decode()
    assert "数据截至" not in coverage  # computed live from the stations


@pytest.mark.django_db
def test_the_api_schema_documents_the_as_of_field():
    schema = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    field = schema["StatisticsOut"]["properties"]["as_of"]
    assert "nightly rollup" in field["description"]
    assert "as_of" in schema["StatisticsOut"]["required"]
