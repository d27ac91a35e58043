"""The goods API: catalogue, stock and its moves, donations, sending down, purchases with
their steps (maker-checker as the pages), hand-outs named and bulk, returns; errors in the
one shape with the field at fault."""

import pytest

from nuanjia.campaigns.models import Handout, Stock
from nuanjia.orgs.rules import Role

from .goods_support import *  # noqa: F403 -- the goods fixtures
from .goods_support import make_worker, org

pytestmark = pytest.mark.django_db
API = "/api/v1/campaigns"


def post(client, path, body):
    return client.post(f"{API}{path}", body, content_type="application/json")


def test_items_stock_donations_and_allocations_through_the_api(items, planner, login):
    client = login(planner)
    added = post(client, "/goods/items", {"name": "手套", "unit": "件"})
    assert added.status_code == 201 and added.json()["unit"] == "件"
    bad = post(client, "/goods/items", {"name": "手套", "unit": "件"})
    assert bad.status_code == 400 and bad.json()["field"] == "name"
    assert len(client.get(f"{API}/goods/items").json()) == 4
    donated = post(
        client,
        "/goods/donations",
        {"item_id": items["hat"].pk, "quantity": 30, "source": "省慈善总会"},
    )
    assert donated.status_code == 201 and donated.json()["quantity"] == 30
    refused = post(
        client,
        "/goods/allocations",
        {"to_org": "410100", "item_id": items["hat"].pk, "quantity": 31},
    )
    assert refused.status_code == 400 and refused.json()["field"] == "quantity"
    sent = post(
        client,
        "/goods/allocations",
        {"to_org": "410100", "item_id": items["hat"].pk, "quantity": 10},
    )
    assert sent.status_code == 201 and sent.json()["quantity"] == -10
    stock = client.get(f"{API}/goods/stock").json()
    rows = {row["org"]: row["remaining"] for row in stock["items"]}
    assert rows == {"410000": 20, "410100": 10}
    province_stock = Stock.objects.get(org__code="410000")
    moves = client.get(f"{API}/goods/stock/{province_stock.pk}/moves", {"figure": "allocated_down"})
    assert [move["quantity"] for move in moves.json()["items"]] == [-10]


def test_a_purchase_through_the_api_needs_another_person_to_approve(
    campaign, items, zz_money, zz_caseworker, zz_approver, make_staff, login
):
    both = make_staff("410100", Role.CASEWORKER, Role.APPROVER, username="zz_both")
    client = login(both)
    proposed = post(
        client,
        "/goods/purchases",
        {
            "item_id": items["patch"].pk,
            "quantity": 20000,
            "amount_fen": 3_000_000,
            "earmark": "warmth",
            "supplier": "商贸公司",
            "campaign_id": campaign.pk,
        },
    )
    assert proposed.status_code == 201, proposed.content
    body = proposed.json()
    assert body["status"] == "proposed" and [e["action"] for e in body["events"]] == ["propose"]
    own = post(client, f"/goods/purchases/{body['id']}/approve", {"note": ""})
    assert own.status_code == 400 and own.json()["code"] == "maker_checker"
    caseworker = login(zz_caseworker)
    assert post(caseworker, f"/goods/purchases/{body['id']}/approve", {}).status_code == 403
    approved = post(login(zz_approver), f"/goods/purchases/{body['id']}/approve", {"note": "同意"})
    assert approved.status_code == 200 and approved.json()["status"] == "received"
    listed = login(zz_approver).get(f"{API}/goods/purchases", {"status": "received"}).json()
    assert [row["id"] for row in listed["items"]] == [body["id"]]


def test_hand_outs_named_and_bulk_and_a_return_through_the_api(
    activity, items, ay_caseworker, login
):
    from nuanjia.campaigns import services

    anyang = org("410500")
    services.receive_donation(anyang, items["hat"], 10, source="爱心企业", by=ay_caseworker)
    courier = make_worker("410500", "快递员老周")
    client = login(ay_caseworker)
    path = f"/activities/{activity.pk}/handouts"
    named = post(client, path, {"item_id": items["hat"].pk, "quantity": 1, "worker_id": courier.pk})
    assert named.status_code == 201 and named.json()["worker_id"] == courier.pk
    again = post(client, path, {"item_id": items["hat"].pk, "quantity": 1, "worker_id": courier.pk})
    assert again.status_code == 400 and again.json()["field"] == "item"
    unsigned = post(
        client,
        path,
        {"item_id": items["hat"].pk, "quantity": 5, "recipient_group": "快递站", "people_count": 5},
    )
    assert unsigned.status_code == 400 and unsigned.json()["field"] == "signed_by_name"
    bulk = post(
        client,
        path,
        {
            "item_id": items["hat"].pk,
            "quantity": 5,
            "recipient_group": "快递站",
            "people_count": 5,
            "signed_by_name": "站长",
            "signed_on": "2026-01-05",
        },
    )
    assert bulk.status_code == 201, bulk.content
    too_many = post(
        client,
        path,
        {
            "item_id": items["hat"].pk,
            "quantity": 5,
            "recipient_group": "另一站",
            "signed_by_name": "站长",
            "signed_on": "2026-01-05",
        },
    )
    assert too_many.status_code == 400 and too_many.json()["code"] == "insufficient_stock"
    returned = post(client, f"/goods/handouts/{bulk.json()['id']}/return", {"reason": "录错了"})
    assert returned.status_code == 200 and returned.json()["returned"] is True
    listed = client.get(f"{API}{path}").json()
    assert len(listed["items"]) == 2
    assert Stock.objects.get(org=anyang).remaining == 9
    assert Handout.objects.filter(returned=False).count() == 1


def test_another_county_cannot_reach_a_hand_out_or_a_stock(
    activity, items, ay_caseworker, outsider, login
):
    from nuanjia.campaigns import services

    anyang = org("410500")
    services.receive_donation(anyang, items["hat"], 10, source="爱心企业", by=ay_caseworker)
    handout = services.hand_out(
        activity, anyang, items["hat"], 1, worker=make_worker("410500"), by=ay_caseworker
    )
    client = login(outsider)
    stock = Stock.objects.get(org=anyang)
    assert client.get(f"{API}/goods/stock/{stock.pk}/moves").status_code == 404
    assert post(client, f"/goods/handouts/{handout.pk}/return", {"reason": "x"}).status_code == 404
    assert client.get(f"{API}/goods/stock").json()["items"] == []
