"""The trips through the API: a trip set up, a worker nominated within the places, approved by
another person through the step operation, refused with both places back; the travel partner's
token lists its trips (names masked unless the member consented) and marks who went."""

import pytest
from django.test import Client

from nuanjia.campaigns.models import Nomination, Trip
from nuanjia.campaigns.rules import NominationStatus
from nuanjia.core import clock
from nuanjia.core.masking import mask_name
from nuanjia.members.models import Device
from nuanjia.members.services import partners
from nuanjia.members.tests.conftest import last_code

from .conftest import TRAVEL_PHONE
from .trips_support import *  # noqa: F403 -- the trips fixtures
from .trips_support import DURING, consent, enrolled_workers, give_city_places, make_trip

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("texts")]
API = "/api/v1/campaigns"
PARTNER_API = "/api/v1/partner/campaigns"


@pytest.fixture
def trip(trip_activity, trip_contract, province_planner):
    give_city_places(trip_activity, province_planner, 3)
    return make_trip(trip_activity, trip_contract, province_planner, places=2)


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def _signed_in(user) -> Client:
    """A second browser (the `login` fixture signs in its one client)."""
    from conftest import verified_login

    client = Client()
    verified_login(client, user)
    return client


def _partner_token() -> Client:
    partners.send_partner_code(TRAVEL_PHONE, ip="10.1.1.2", text="code %(code)s %(minutes)d")
    _user, raw = partners.partner_sign_in(
        TRAVEL_PHONE, last_code(TRAVEL_PHONE), kind=Device.Kind.API
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_a_trip_is_set_up_and_listed(trip_activity, trip_contract, province_planner, login):
    client = login(province_planner)
    body = {"contract_id": trip_contract.pk, "name": "嵩山团", "place": "登封",
            "starts_on": "2026-07-10", "ends_on": "2026-07-14", "places": 5}  # fmt: skip
    bad = post(client, f"{API}/activities/{trip_activity.pk}/trips", body | {"ends_on": "7/14"})
    assert bad.status_code == 400 and bad.json()["field"] == "ends_on"
    made = post(client, f"{API}/activities/{trip_activity.pk}/trips", body)
    assert made.status_code == 201, made.json()
    assert made.json()["cost_fen"] == trip_contract.price_fen and made.json()["remaining"] == 5
    listed = client.get(f"{API}/activities/{trip_activity.pk}/trips").json()
    assert [row["name"] for row in listed["items"]] == ["嵩山团"]
    trip_id = made.json()["id"]
    assert post(client, f"{API}/trips/{trip_id}/places", {"places": 7}).json()["places"] == 7
    closed = post(client, f"{API}/trips/{trip_id}/close", {"reason": ""})
    assert closed.json()["status"] == "closed"


def test_nominate_approve_by_another_and_refuse_through_the_api(
    trip, trip_activity, city_caseworker, city_approver, login
):
    first, second, third = enrolled_workers(trip_activity, 3)
    caseworker = login(city_caseworker)
    made = post(caseworker, f"{API}/trips/{trip.pk}/nominations", {"worker_id": first.pk})
    assert made.status_code == 201, made.json()
    assert made.json()["steps"] == ["withdraw"]
    nomination_id = made.json()["id"]
    post(caseworker, f"{API}/trips/{trip.pk}/nominations", {"worker_id": second.pk})
    full = post(caseworker, f"{API}/trips/{trip.pk}/nominations", {"worker_id": third.pk})
    assert full.status_code == 400 and full.json()["code"] == "no_place"
    approver = _signed_in(city_approver)
    approved = post(approver, f"{API}/nominations/{nomination_id}/approve", {"note": ""})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    listed = caseworker.get(f"{API}/trips/{trip.pk}/nominations", {"status": "nominated"})
    [waiting] = listed.json()["items"]
    no_reason = post(approver, f"{API}/nominations/{waiting['id']}/refuse", {"note": ""})
    assert no_reason.status_code == 422
    refused = post(approver, f"{API}/nominations/{waiting['id']}/refuse", {"note": "名额调整"})
    assert refused.json()["status"] == "withdrawn"
    detail = caseworker.get(f"{API}/trips/{trip.pk}").json()
    assert (detail["taken"], detail["remaining"]) == (1, 1)
    assert detail["unions"][0]["approved"] == 1 and detail["unions"][0]["quota_left"] == 2


def test_the_nominator_cannot_approve_through_the_api(trip, trip_activity, province_planner, login):
    [worker] = enrolled_workers(trip_activity, 1)
    client = login(province_planner)
    made = post(client, f"{API}/trips/{trip.pk}/nominations",
                {"worker_id": worker.pk, "org": "410100"})  # fmt: skip
    refused = post(client, f"{API}/nominations/{made.json()['id']}/approve", {"note": ""})
    assert refused.status_code == 400 and refused.json()["code"] == "maker_checker"


def test_the_partner_api_masks_names_without_consent_and_marks_attendance(
    trip, trip_activity, city_caseworker, city_approver, travel_partner, login
):
    named, masked = enrolled_workers(trip_activity, 2, name="周旅")
    caseworker, approver = login(city_caseworker), _signed_in(city_approver)
    ids = []
    for worker in (named, masked):
        made = post(caseworker, f"{API}/trips/{trip.pk}/nominations", {"worker_id": worker.pk})
        ids.append(made.json()["id"])
        post(approver, f"{API}/nominations/{ids[-1]}/approve", {"note": ""})
    consent(named, travel_partner[0], "13900005678")
    partner = _partner_token()
    [listed] = partner.get(f"{PARTNER_API}/trips").json()
    names = {p["nomination_id"]: (p["name"], p["name_shown"]) for p in listed["people"]}
    assert names == {ids[0]: ("周旅0", True), ids[1]: (mask_name("周旅1"), False)}
    early = post(partner, f"{PARTNER_API}/nominations/{ids[1]}/attendance", {"attended": False})
    assert early.status_code == 400
    with clock.as_of(DURING):
        marked = post(partner, f"{PARTNER_API}/nominations/{ids[1]}/attendance",
                      {"attended": False})  # fmt: skip
    assert marked.status_code == 200 and marked.json()["status"] == NominationStatus.ABSENT
    assert marked.json()["name"] == mask_name("周旅1")
    assert Nomination.objects.get(pk=ids[1]).status == NominationStatus.ABSENT
    assert Trip.objects.get(pk=trip.pk).taken == 2  # did not go: the place stays used
    # a staff token is no partner token
    assert caseworker.get(f"{PARTNER_API}/trips").status_code == 401
