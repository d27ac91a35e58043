"""The API: a line set up, a volunteer registered with a qualification, shifts and the gap
between them, a swap proposed and approved by another person, a session whose notes show
only on its own answer to the supervisor; bad input answers 400 naming the field."""

import pytest
from django.test import Client

from conftest import verified_login
from nuanjia.counselling.models import Line

from .conftest import at

pytestmark = pytest.mark.django_db
API = "/api/v1/counselling"


def _client(user) -> Client:
    client = Client()
    verified_login(client, user)
    return client


def test_the_roster_and_a_swap_through_the_api(caseworker, supervisor):
    cw = _client(caseworker)
    answer = cw.post(f"{API}/lines", {"name": "郑州热线", "min_on_duty": 1,
                                      "supervisor_id": supervisor.pk}, content_type="application/json")  # fmt: skip
    assert answer.status_code == 201, answer.content
    line = answer.json()["id"]
    wang = cw.post(f"{API}/lines/{line}/helpers", {"kind": "volunteer", "name": "王志愿",
                   "phone": "13900001111"}, content_type="application/json").json()  # fmt: skip
    zhao = cw.post(f"{API}/lines/{line}/helpers", {"kind": "volunteer", "name": "赵志愿"},
                   content_type="application/json").json()  # fmt: skip
    qual = cw.post(f"{API}/helpers/{wang['id']}/qualifications", {"kind": "心理咨询师三级",
                   "number": "PX-1", "issuer": "人社厅", "valid_until": "2028-01-01"},
                   content_type="application/json")  # fmt: skip
    assert qual.status_code == 201 and qual.json()["qualifications"][0]["number"] == "PX-1"
    assert wang["phone_masked"] == "139****1111"
    for start, end in (
        ("2026-05-10T10:00", "2026-05-11T03:00"),
        ("2026-05-11T07:00", "2026-05-18T00:00"),
    ):
        shift = cw.post(f"{API}/lines/{line}/shifts", {"helper_id": wang["id"], "starts_at": start,
                        "ends_at": end}, content_type="application/json")  # fmt: skip
        if shift.status_code != 201:  # the second is longer than 24 hours
            assert shift.json()["field"] == "ends_at"
    gaps = cw.get(f"{API}/lines/{line}/gaps?days=1").json()
    assert gaps and gaps[0]["on_duty"] == 0
    first = cw.get(f"{API}/lines/{line}/shifts").json()["items"][0]
    swap = cw.post(f"{API}/shifts/{first['id']}/swaps", {"taker_id": zhao["id"]},
                   content_type="application/json")  # fmt: skip
    assert swap.status_code == 201
    refused = cw.post(
        f"{API}/swaps/{swap.json()['id']}/approve", {}, content_type="application/json"
    )
    assert refused.status_code in (403, 400)
    approved = _client(supervisor).post(f"{API}/swaps/{swap.json()['id']}/approve", {},
                                        content_type="application/json")  # fmt: skip
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


def test_a_session_in_the_api_shows_notes_only_on_its_own_answer(
    people, counsellor_staff, supervisor, caseworker
):
    counsellor, _ = people
    mine = _client(counsellor_staff)
    answer = mine.post(f"{API}/sessions", {"helper_id": counsellor.pk, "channel": "call",
                       "started_at": "2026-05-10T01:00", "minutes": 30, "risk": "high",
                       "notes": "秘密内容", "ambulance_called": True}, content_type="application/json")  # fmt: skip
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["notes"] == "秘密内容" and body["ambulance_called"]
    listed = _client(supervisor).get(f"{API}/sessions").json()
    assert "秘密内容" not in str(listed) and "notes" not in listed["items"][0]
    assert _client(caseworker).get(f"{API}/sessions/{body['id']}").json()["notes"] is None
    done = _client(supervisor).post(f"{API}/sessions/{body['id']}/follow-up", {"note": "已回访"},
                                    content_type="application/json")  # fmt: skip
    assert done.status_code == 200 and done.json()["followed_up_at"]


def test_bad_input_names_the_field(caseworker):
    answer = _client(caseworker).post(f"{API}/lines", {"name": "", "min_on_duty": 1},
                                      content_type="application/json")  # fmt: skip
    assert answer.status_code == 400 and answer.json()["field"] == "name"
    assert not Line.objects.exists()


def test_an_event_with_attendance(caseworker):
    client = _client(caseworker)
    event = client.post(f"{API}/events", {"kind": "column", "series": "职工心灵夜话",
                        "title": "夜班与情绪", "held_at": "2026-05-12T20:00"},
                        content_type="application/json")  # fmt: skip
    assert event.status_code == 201
    added = client.post(f"{API}/events/{event.json()['id']}/attendance", {"name": "张三"},
                        content_type="application/json")  # fmt: skip
    assert added.status_code == 201 and added.json()["attended"] == 1
    assert at(12, 20)
