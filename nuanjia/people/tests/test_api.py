"""The people API: scoped worker CRUD with search, the 409 duplicate answer, transfer endpoints,
and never a clear ID or bank number in any answer."""

import datetime

import pytest
from django.test import Client

from conftest import verified_login
from nuanjia.accounts.services import issue_api_token
from nuanjia.people import services
from nuanjia.people.models import TransferRequest, Worker

from .conftest import ZHANG_ID
from .support import id_number, register

pytestmark = pytest.mark.django_db

BANK = "6222021234567890123"


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def patch(client, url, data):
    return client.patch(url, data, content_type="application/json")


def test_the_list_is_scoped_searchable_and_paginated(login, caseworker, outsider, zhang):
    register(outsider, name="张三")
    for number in range(55):
        register(caseworker, name=f"李{number:02d}")
    client = login(caseworker)
    body = client.get("/api/v1/people/workers/").json()
    assert body["count"] == 56 and len(body["items"]) == 50
    assert {item["org"]["code"] for item in body["items"]} == {"410108"}
    found = client.get("/api/v1/people/workers/", {"q": "zs"}).json()
    assert [item["name"] for item in found["items"]] == ["张三"]
    item = found["items"][0]
    assert (
        item["id_number_masked"] == zhang.id_number_masked
        and item["bank_account_masked"] == "**** **** **** 0123"
    )
    assert (
        item["occupations"] == ["外卖配送员"]
        and item["employer"]["name"] == "郑州惠济区百味餐饮管理有限公司"
    )
    assert ZHANG_ID not in str(found) and BANK not in str(found)


def test_a_bearer_token_client_registers_a_worker(client, caseworker):
    _token, raw = issue_api_token(caseworker, name="手机", by=caseworker)
    response = client.post(
        "/api/v1/people/workers/",
        {
            "name": "王五",
            "id_number": id_number(),
            "phone": "138 0000 1234",
            "bank_name": "建行",
            "bank_account": BANK,
            "birth_date": None,
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 201
    body = response.json()
    assert (
        body["gender"] == "male"
        and body["birth_date"] == "1985-06-15"
        and body["phone"] == "13800001234"
    )
    assert id_number() not in response.content.decode() and BANK not in response.content.decode()
    assert Worker.objects.get().created_by == caseworker


def test_an_id_kept_in_another_county_answers_409_with_the_masked_record(login, zhang, outsider):
    response = post(
        login(outsider), "/api/v1/people/workers/", {"name": "张三", "id_number": ZHANG_ID}
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "duplicate_worker" and body["field"] == "id_number"
    assert body["existing"] == {
        "name": "张*",
        "id_number": zhang.id_number_masked,
        "org": "郑州市惠济区总工会",
        "is_in_your_area": False,
    }
    assert body["transfer_endpoint"] == "/api/v1/people/transfers/"
    assert ZHANG_ID not in response.content.decode()


def test_bad_fields_answer_400_naming_the_field(login, caseworker):
    response = post(
        login(caseworker), "/api/v1/people/workers/", {"name": "王五", "phone": "12345"}
    )
    assert response.status_code == 400 and response.json()["field"] == "phone"
    response = post(login(caseworker), "/api/v1/people/workers/", {"name": ""})
    assert response.status_code == 422 and response.json()["field"] == "name"


def test_get_and_update_a_worker(login, caseworker, zhang):
    client = login(caseworker)
    assert client.get(f"/api/v1/people/workers/{zhang.pk}").json()["name"] == "张三"
    response = patch(
        client,
        f"/api/v1/people/workers/{zhang.pk}",
        {"address": "惠济区新城路2号", "id_number": ""},
    )
    assert response.status_code == 200 and response.json()["address"] == "惠济区新城路2号"
    zhang.refresh_from_db()
    assert zhang.id_last4 == ZHANG_ID[-4:] and zhang.phone == "13812345678"


def test_another_county_and_administrators_cannot_reach_a_worker(
    login, outsider, system_admin, zhang
):
    client = login(outsider)
    assert client.get(f"/api/v1/people/workers/{zhang.pk}").status_code == 404
    assert patch(client, f"/api/v1/people/workers/{zhang.pk}", {"name": "x"}).status_code == 404
    admin = login(system_admin)
    assert admin.get("/api/v1/people/workers/").status_code == 403
    assert admin.get(f"/api/v1/people/workers/{zhang.pk}").status_code == 403


def test_a_leader_reads_but_does_not_register(login, leader, zhang):
    client = login(leader)
    assert client.get(f"/api/v1/people/workers/{zhang.pk}").status_code == 200
    assert post(client, "/api/v1/people/workers/", {"name": "王五"}).status_code == 403


def test_transfers_are_asked_by_id_number_and_decided_by_the_owning_union(
    login, zhang, caseworker, outsider
):
    kaifeng = login(outsider)
    missing = post(
        kaifeng,
        "/api/v1/people/transfers/",
        {"id_number": id_number("410204", datetime.date(1970, 1, 1), 9), "reason": "现居开封"},
    )
    assert missing.status_code == 400 and missing.json()["field"] == "id_number"
    mistyped = ZHANG_ID[:-1] + ("1" if ZHANG_ID[-1] != "1" else "2")
    typo = post(kaifeng, "/api/v1/people/transfers/", {"id_number": mistyped, "reason": "现居开封"})
    assert typo.status_code == 400 and "校验" in typo.json()["message"]
    asked = post(
        kaifeng, "/api/v1/people/transfers/", {"id_number": ZHANG_ID, "reason": "现居开封"}
    )
    assert asked.status_code == 201
    body = asked.json()
    assert (
        body["worker_id"] is None
        and body["worker_name"] == "张*"
        and body["worker_id_number"] == zhang.id_number_masked
    )
    assert (body["from_org"]["code"], body["to_org"]["code"], body["status"]) == (
        "410108",
        "410204",
        "pending",
    )
    transfer_id = body["id"]
    assert post(kaifeng, f"/api/v1/people/transfers/{transfer_id}/accept", {}).status_code == 403

    owner = Client()  # `login` signs in the one test client; the owner needs their own
    verified_login(owner, caseworker)
    listed = owner.get("/api/v1/people/transfers/", {"status": "pending"}).json()
    assert [item["id"] for item in listed["items"]] == [transfer_id] and listed["items"][0][
        "worker_id"
    ] == zhang.pk
    accepted = post(owner, f"/api/v1/people/transfers/{transfer_id}/accept", {"note": "同意"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    zhang.refresh_from_db()
    assert zhang.org == outsider.org
    assert kaifeng.get(f"/api/v1/people/transfers/{transfer_id}").json()["worker_id"] == zhang.pk
    assert ZHANG_ID not in str(kaifeng.get("/api/v1/people/transfers/").json())


def test_a_transfer_of_other_counties_is_not_found(login, zhang, outsider, make_staff):
    transfer = services.request_transfer(zhang, by=outsider, reason="现居开封")
    stranger = login(make_staff("410302", "caseworker"))  # 洛阳
    assert stranger.get(f"/api/v1/people/transfers/{transfer.pk}").status_code == 404
    assert post(stranger, f"/api/v1/people/transfers/{transfer.pk}/decline", {}).status_code == 404
    assert TransferRequest.objects.get().status == TransferRequest.Status.PENDING


def test_the_schema_never_offers_a_clear_number_field(client):
    schema = client.get("/api/v1/openapi.json").json()
    out = {
        name: component
        for name, component in schema["components"]["schemas"].items()
        if name in ("WorkerOut", "TransferOut")
    }
    fields = {field for component in out.values() for field in component["properties"]}
    assert "id_number" not in fields and "bank_account" not in fields
    assert {"id_number_masked", "bank_account_masked"} <= fields
