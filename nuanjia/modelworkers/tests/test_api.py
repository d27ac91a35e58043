"""The API: the register filtered by level, a base recorded and changed, a pairing with its
visit, a standard row, a case taken on, a payment proposed and approved by another person
(one POST per step); bad input answers 400 naming the field."""

import pytest
from django.test import Client

from conftest import verified_login

pytestmark = pytest.mark.django_db
API = "/api/v1/modelworkers"


def _client(user) -> Client:
    client = Client()
    verified_login(client, user)
    return client


def _post(client, path, body):
    return client.post(f"{API}{path}", body, content_type="application/json")


def test_a_base_and_a_pairing_through_the_api(caseworker, model_worker, advanced_worker):
    cw = _client(caseworker)
    register = cw.get(f"{API}/register?level=provincial").json()
    assert [row["name"] for row in register["items"]] == ["张劳模"]
    assert len(cw.get(f"{API}/register").json()["items"]) == 2
    base = _post(cw, "/bases", {"worker_id": model_worker.pk, "region_code": "410122",
                                "village": "大王庄村", "money_fen": 100, "started_on": "2025-03-01"})  # fmt: skip
    assert base.status_code == 201, base.content
    changed = cw.patch(f"{API}/bases/{base.json()['id']}", {"money_fen": 500},
                       content_type="application/json")  # fmt: skip
    assert changed.json()["money_fen"] == 500
    pairing = _post(cw, "/pairings", {"worker_id": model_worker.pk, "base_id": base.json()["id"],
                                      "starts_on": "2025-03-01"})  # fmt: skip
    assert pairing.status_code == 201 and pairing.json()["target"] == "village"
    visit = _post(cw, f"/pairings/{pairing.json()['id']}/visits", {"visited_on": "2025-04-01"})
    assert visit.status_code == 201
    bad = _post(cw, "/bases", {"worker_id": model_worker.pk, "region_code": "410100",
                               "village": "x", "started_on": "2025-03-01"})  # fmt: skip
    assert bad.status_code == 400 and bad.json()["field"] == "region_code"


def test_help_through_the_api(caseworker, approver, model_worker, standard, help_money):
    cw, ap = _client(caseworker), _client(approver)
    case = _post(cw, "/cases", {"worker_id": model_worker.pk, "frequency": "monthly",
                                "income_monthly_fen": 0, "income_note": "无收入",
                                "starts_on": "2026-01-01"})  # fmt: skip
    assert case.status_code == 201, case.content
    payment = _post(cw, f"/cases/{case.json()['id']}/payments", {})
    assert payment.status_code == 201 and payment.json()["amount_fen"] == 50_000
    again = _post(cw, f"/cases/{case.json()['id']}/payments", {})
    assert again.status_code == 400
    approved = _post(ap, f"/payments/{payment.json()['id']}/approve", {"note": "同意"})
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    listed = cw.get(f"{API}/payments").json()["items"]
    assert [row["status"] for row in listed] == ["approved"]
