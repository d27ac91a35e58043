"""The campaigns API: the same steps as the pages, with the same refusals."""

import datetime

import pytest
from django.test import Client

from conftest import verified_login
from nuanjia.campaigns.models import Enrolment, Roster
from nuanjia.campaigns.rules import RosterStatus

from .conftest import make_worker

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    verified_login(client, user)
    return client


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_a_campaign_from_creation_to_an_approved_list(
    tree, province_planner, city_caseworker, city_approver
):
    for _ in range(4):
        make_worker("410108")
    client = _client(province_planner)
    created = _post(
        client,
        "/api/v1/campaigns/",
        {
            "code": "2027-spring",
            "name": "2027年春送温暖",
            "lead_org": "410000",
            "starts_on": "2027-01-01",
            "ends_on": "2027-02-28",
            "levels": ["province", "city", "county"],
            "earmarks": ["warmth"],
        },
    )
    assert created.status_code == 201, created.json()
    campaign_id = created.json()["id"]
    assert (
        _post(client, f"/api/v1/campaigns/{campaign_id}/status", {"status": "open"}).status_code
        == 200
    )
    activity = _post(
        client,
        f"/api/v1/campaigns/{campaign_id}/activities",
        {
            "kind": "visit",
            "name": "春节慰问",
            "org": "410000",
            "grant_type": "warmth",
            "cash_fen": 50000,
        },
    )
    assert activity.status_code == 201, activity.json()
    activity_id = activity.json()["id"]
    city = _client(city_caseworker)
    preview = city.get(f"/api/v1/campaigns/activities/{activity_id}/preview", {"org": "410100"})
    assert preview.json()["total"] == 4
    moved = _post(
        city, f"/api/v1/campaigns/activities/{activity_id}/runs", {"org": "410100", "expected": 3}
    )
    assert moved.status_code == 409 and moved.json()["total"] == 4
    run = _post(
        city, f"/api/v1/campaigns/activities/{activity_id}/runs", {"org": "410100", "expected": 4}
    )
    assert run.status_code == 201 and run.json()["added"] == 4
    roster_id = run.json()["roster_id"]
    rows = city.get(f"/api/v1/campaigns/lists/{roster_id}/rows").json()
    assert rows["count"] == 4 and all(row["by_rule"] for row in rows["items"])
    assert _post(city, f"/api/v1/campaigns/lists/{roster_id}/submit", {}).status_code == 200
    refused = _post(city, f"/api/v1/campaigns/lists/{roster_id}/approve", {})
    assert refused.status_code in (400, 403)
    approved = _post(_client(city_approver), f"/api/v1/campaigns/lists/{roster_id}/approve", {})
    assert approved.status_code == 200, approved.json()
    assert Roster.objects.get(pk=roster_id).status == RosterStatus.APPROVED
    assert Enrolment.objects.filter(roster_id=roster_id).count() == 4


def test_places_and_bookings_through_the_api(places_activity, province_planner):
    client = _client(province_planner)
    base = f"/api/v1/campaigns/activities/{places_activity.pk}"
    assert _post(client, f"{base}/places", {"total": 2}).json()["remaining"] == 2
    given = _post(client, f"{base}/places/allocate", {"to_org": "410100", "places": 3})
    assert given.status_code == 400 and given.json()["field"] == "places"
    worker = make_worker("410000")
    booked = _post(client, f"{base}/bookings", {"worker_id": worker.pk})
    assert booked.status_code == 201
    again = _post(client, f"{base}/bookings", {"worker_id": worker.pk})
    assert again.status_code == 400 and again.json()["field"] == "worker"
    cancelled = _post(
        client, f"/api/v1/campaigns/bookings/{booked.json()['id']}/cancel", {"reason": "改期"}
    )
    assert cancelled.json()["status"] == "cancelled"
    assert client.get(f"{base}/places").json()[0]["remaining"] == 2


def test_a_bad_period_is_refused_naming_the_field(tree, province_planner):
    answer = _post(
        _client(province_planner),
        "/api/v1/campaigns/",
        {
            "code": "bad",
            "name": "坏",
            "lead_org": "410000",
            "starts_on": str(datetime.date(2027, 2, 1)),
            "ends_on": str(datetime.date(2027, 1, 1)),
        },
    )
    assert answer.status_code == 400 and answer.json()["field"] == "ends_on"
