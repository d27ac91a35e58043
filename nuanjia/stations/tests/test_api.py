"""The stations API: public search and check-in, staff registry and statistics."""

import datetime

import pytest
from django.core.cache import cache

from nuanjia.stations import rules, services
from nuanjia.stations.models import Station, Visit

from .conftest import HUIJI

pytestmark = pytest.mark.django_db
API = "/api/v1/stations"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_nearest_answers_in_the_callers_datum_without_a_token(client, make_station):
    lat, lng = HUIJI
    station = make_station(lat=lat + 0.002, lng=lng, facilities={"热饭": None, "充电": None})
    gcj = rules.wgs84_to_gcj02(lat, lng)
    response = client.get(
        f"{API}/nearest",
        {"lat": gcj[0], "lng": gcj[1], "datum": "gcj02", "facilities": ["microwave"]},
    )
    assert response.status_code == 200
    [row] = response.json()
    assert row["code"] == station.code
    assert row["distance_m"] == pytest.approx(222, abs=2)
    assert (row["lat"], row["lng"]) == pytest.approx(station.gcj02, abs=1e-6)
    assert set(row["facilities"]) == {"热饭", "充电"}
    assert row["navigate_url"].startswith("https://uri.amap.com/marker?")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": 113.6, "lng": 34.8}, "lat"),
        ({"lat": 34.8, "lng": 113.6, "facilities": ["sauna"]}, "facilities"),
        ({"lat": 34.8, "lng": 113.6, "datum": "mars"}, "datum"),
    ],
)
def test_bad_search_input_gets_a_400_naming_the_field(client, params, field):
    response = client.get(f"{API}/nearest", params)
    assert response.status_code == 400
    assert response.json()["field"] == field


def test_check_in_through_the_api(client, make_station, keeper):
    station = make_station()
    response = client.post(
        f"{API}/checkin/{station.code}",
        {"services": ["water"], "card_or_phone": "13912345678"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert Visit.objects.get().visitor_hint == "139****5678"
    services.set_station_status(station, Station.Status.CLOSED, by=keeper)
    refused = client.post(f"{API}/checkin/{station.code}", {}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "station_closed"
    assert Visit.objects.count() == 1


def test_a_repeat_check_in_through_the_api_is_refused(client, make_station):
    station = make_station()
    url = f"{API}/checkin/{station.code}"
    body = {"services": ["water"], "card_or_phone": "13912345678"}
    assert client.post(url, body, content_type="application/json").status_code == 200
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "repeat_checkin"
    anonymous = [
        client.post(url, {"services": ["rest"]}, content_type="application/json").status_code
        for _n in range(2)
    ]
    assert anonymous == [200, 400]
    assert Visit.objects.count() == 2


def test_staff_list_and_detail_are_scoped(login, caseworker, outsider, make_station):
    station = make_station()
    client = login(caseworker)
    assert [row["code"] for row in client.get(f"{API}/").json()["items"]] == [station.code]
    assert client.get(f"{API}/{station.pk}").status_code == 200
    client = login(outsider)
    assert client.get(f"{API}/").json()["items"] == []
    assert client.get(f"{API}/{station.pk}").status_code == 404


def test_staff_endpoints_need_a_sign_in(client, make_station):
    assert client.get(f"{API}/").status_code == 401


def test_statistics_through_the_api(login, caseworker, keeper, make_station):
    station = make_station()
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    services.record_tally(station, on=yesterday, visits=4, by=keeper)
    body = login(caseworker).get(f"{API}/statistics").json()
    assert body["total"] == 4


def test_the_public_search_is_rate_limited(client):
    statuses = [
        client.get(f"{API}/nearest", {"lat": 34.8, "lng": 113.6}).status_code for _n in range(61)
    ]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429


def test_nearest_at_a_wall_clock_time(client, make_station):
    lat, lng = HUIJI
    make_station(lat=lat + 0.002, lng=lng, hours="每天 20:00-06:00")
    night = client.get(f"{API}/nearest", {"lat": lat, "lng": lng, "at": "2026-11-23T23:00:00"})
    noon = client.get(f"{API}/nearest", {"lat": lat, "lng": lng, "at": "2026-11-23T12:00:00+08:00"})
    assert len(night.json()) == 1 and noon.json() == []
