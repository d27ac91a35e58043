"""The funds API: balances and transactions in scope, allocation with the pages' rules."""

import pytest
from django.utils import translation

from nuanjia.funds.models import Transaction

pytestmark = pytest.mark.django_db


def test_balances_show_own_and_subtree_figures(login, funded, leader):
    body = login(leader).get("/api/v1/funds/balances").json()
    assert body["org_code"] == "410100"
    warmth = next(row for row in body["balances"] if row["earmark"] == "warmth")
    assert warmth["own"]["available_yuan"] == "2000.00"
    assert warmth["subtree"]["total_fen"] == 600_000
    body = login(leader).get("/api/v1/funds/balances?org=410108").json()
    assert (
        next(row for row in body["balances"] if row["earmark"] == "warmth")["own"]["available_fen"]
        == 400_000
    )


def test_balances_of_an_org_out_of_scope_answer_404(login, funded, leader):
    assert login(leader).get("/api/v1/funds/balances?org=410200").status_code == 404


def test_transactions_are_scoped_and_paginated(login, funded, finance, orgs):
    body = login(finance).get("/api/v1/funds/transactions").json()
    ids = {item["id"] for item in body["items"]}
    into_huiji = Transaction.objects.get(kind="allocate", counterpart_org=orgs["410108"])
    assert into_huiji.pk in ids
    assert not ids & set(Transaction.objects.filter(kind="receive").values_list("pk", flat=True))
    detail = login(finance).get(f"/api/v1/funds/transactions/{into_huiji.pk}").json()
    assert sum(entry["amount_fen"] for entry in detail["entries"]) == 0


def test_allocation_through_the_api(login, funded, city_finance, orgs):
    client = login(city_finance)
    response = client.post(
        "/api/v1/funds/allocations",
        {"to_org": "410108", "earmark": "warmth", "amount": "1500.25", "memo": "API"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["amount_fen"] == 150_025


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"to_org": "410108", "earmark": "warmth", "amount": "0"}, "amount"),
        ({"to_org": "410108", "earmark": "warmth", "amount": "-1"}, "amount"),
        ({"to_org": "410108", "earmark": "warmth", "amount": "1.001"}, "amount"),
        ({"to_org": "410108", "earmark": "warmth", "amount": "2000.01"}, "amount"),
        ({"to_org": "410204", "earmark": "warmth", "amount": "1"}, "to_org"),
        ({"to_org": "410108", "earmark": "nope", "amount": "1"}, "earmark"),
    ],
)
def test_bad_allocations_get_a_chinese_message_and_change_nothing(
    login, funded, city_finance, payload, field
):
    before = Transaction.objects.count()
    with translation.override("zh-hans"):
        response = login(city_finance).post(
            "/api/v1/funds/allocations",
            payload,
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body.get("field") == field or field in str(body)
    assert Transaction.objects.count() == before


def test_leaders_cannot_allocate_and_caseworkers_cannot_read(login, funded, leader, caseworker):
    response = login(leader).post(
        "/api/v1/funds/allocations",
        {"to_org": "410108", "earmark": "warmth", "amount": "1"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert login(caseworker).get("/api/v1/funds/balances").status_code == 403
