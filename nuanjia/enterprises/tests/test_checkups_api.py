"""Legal check-ups and visits in the API: the same steps as the pages (record a check-up with
its findings, close a finding, record a visit, add a follow-up task, mark it done), the pages'
refusals in the one error shape, another county's rows out of reach, an audit event each."""

import datetime

import pytest

from nuanjia.core.audit import AuditEvent
from nuanjia.enterprises.models_checkups import CheckUp, FollowUpTask

from .support import *  # noqa: F403 -- the fixtures
from .support import make_firm

pytestmark = pytest.mark.django_db
API = "/api/v1/enterprises"


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_a_checkup_and_a_visit_through_the_api(login, caseworker):
    firm = make_firm(caseworker)
    client = login(caseworker)
    made = _post(client, f"{API}/checkups", {
        "firm_id": firm.pk, "checked_on": "2026-04-20", "advice": "按月足额发放工资",
        "follow_up_on": "2026-05-20",
        "findings": [{"item": "wages", "description": "3月工资迟发10天"},
                     {"item": "insurance", "description": "2人未参保"}],
    })  # fmt: skip
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["checklist"]["contracts"] is True and body["checklist"]["wages"] is False
    assert {f["item"] for f in body["findings"]} == {"wages", "insurance"}
    wages = next(f for f in body["findings"] if f["item"] == "wages")
    url = f"{API}/checkups/{body['id']}/findings/{wages['id']}/close"
    closed = _post(client, url, {"closed_on": "2026-05-06"})
    assert closed.status_code == 200, closed.json()
    assert next(f for f in closed.json()["findings"] if f["item"] == "wages")["closed_on"] == (
        "2026-05-06"
    )
    again = _post(client, url, {})
    assert again.status_code == 400 and again.json()["field"] == "closed_on"
    assert client.get(f"{API}/checkups").json()["items"][0]["id"] == body["id"]
    assert client.get(f"{API}/checkups/{body['id']}").status_code == 200

    visit = _post(client, f"{API}/visits", {
        "firm_id": firm.pk, "visited_on": "2026-04-29", "difficulties": "订单下降，资金周转困难",
        "causes": "上游客户停产", "placement": "轮岗轮休，无裁员",
    })  # fmt: skip
    assert visit.status_code == 201, visit.json()
    visit_id = visit.json()["id"]
    task = _post(client, f"{API}/visits/{visit_id}/tasks", {
        "owner_id": caseworker.pk, "description": "协调稳岗返还", "working_days": 5,
    })  # fmt: skip
    assert task.status_code == 201, task.json()
    (row,) = task.json()["tasks"]
    assert row["due_on"] > "2026-04-29" and row["done_on"] is None
    done = _post(
        client, f"{API}/visits/{visit_id}/tasks/{row['id']}/done", {"done_on": "2026-05-08"}
    )
    assert done.status_code == 200 and done.json()["tasks"][0]["done_on"] == "2026-05-08"
    assert client.get(f"{API}/visits").json()["items"][0]["id"] == visit_id
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "enterprises.checkup_recorded", "enterprises.finding_closed",
        "enterprises.visit_recorded", "enterprises.task_added", "enterprises.task_done",
    } <= actions  # fmt: skip


def test_the_api_refuses_what_the_pages_refuse(login, caseworker, make_staff):
    firm = make_firm(caseworker)
    client = login(caseworker)
    bad_item = _post(client, f"{API}/checkups", {
        "firm_id": firm.pk, "checked_on": "2026-04-20",
        "findings": [{"item": "canteen", "description": "x"}],
    })  # fmt: skip
    assert bad_item.status_code == 422 and bad_item.json()["code"]
    twice = _post(client, f"{API}/checkups", {
        "firm_id": firm.pk, "checked_on": "2026-04-20",
        "findings": [{"item": "wages", "description": "a"}, {"item": "wages", "description": "b"}],
    })  # fmt: skip
    assert twice.status_code == 400 and twice.json()["field"] == "findings"
    early = _post(client, f"{API}/checkups", {
        "firm_id": firm.pk, "checked_on": "2026-04-20", "follow_up_on": "2026-04-01",
    })  # fmt: skip
    assert early.status_code == 400 and early.json()["field"] == "follow_up_on"
    bad_day = _post(client, f"{API}/visits", {
        "firm_id": firm.pk, "visited_on": "29/04/2026", "difficulties": "x",
    })  # fmt: skip
    assert bad_day.status_code == 400 and bad_day.json()["field"] == "visited_on"
    no_difficulty = _post(client, f"{API}/visits", {
        "firm_id": firm.pk, "visited_on": "2026-04-29", "difficulties": " ",
    })  # fmt: skip
    assert no_difficulty.status_code == 400 and no_difficulty.json()["field"] == "difficulties"
    visit_id = _post(client, f"{API}/visits", {
        "firm_id": firm.pk, "visited_on": "2026-04-29", "difficulties": "订单下降",
    }).json()["id"]  # fmt: skip
    far = make_staff("410204", "caseworker", username="kf_far_owner")
    for owner, days, field in ((caseworker.pk, 0, "working_days"), (far.pk, 5, "owner_id")):
        refused = _post(client, f"{API}/visits/{visit_id}/tasks", {
            "owner_id": owner, "description": "x", "working_days": days,
        })  # fmt: skip
        assert refused.status_code == 400 and refused.json()["field"] == field
    assert FollowUpTask.objects.count() == 0 and CheckUp.objects.count() == 0


def test_another_county_and_a_viewer_are_refused(login, caseworker, make_staff):
    firm = make_firm(caseworker)
    client = login(caseworker)
    checkup_id = _post(client, f"{API}/checkups", {
        "firm_id": firm.pk, "checked_on": "2026-04-20",
        "findings": [{"item": "wages", "description": "迟发"}],
    }).json()["id"]  # fmt: skip
    finding_id = client.get(f"{API}/checkups/{checkup_id}").json()["findings"][0]["id"]
    client.logout()
    other = login(make_staff("410204", "caseworker", username="kf_ent_caseworker"))
    assert other.get(f"{API}/checkups/{checkup_id}").status_code == 404
    assert other.get(f"{API}/checkups").json()["items"] == []
    closed = _post(other, f"{API}/checkups/{checkup_id}/findings/{finding_id}/close", {})
    assert closed.status_code == 404 and closed.json()["code"] == "not_found"
    stranger = _post(other, f"{API}/visits", {
        "firm_id": firm.pk, "visited_on": "2026-04-29", "difficulties": "x",
    })  # fmt: skip
    assert stranger.status_code == 404
    other.logout()
    viewer = login(make_staff("410108", "leader", username="hj_ent_leader"))
    assert viewer.get(f"{API}/checkups/{checkup_id}").status_code == 200
    refused = _post(viewer, f"{API}/checkups/{checkup_id}/findings/{finding_id}/close", {})
    assert refused.status_code == 403
    assert CheckUp.objects.get().findings.get().closed_on is None
    assert datetime.date(2026, 4, 20) == CheckUp.objects.get().checked_on
