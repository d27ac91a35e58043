"""The staff API's gift bag and limit operations: setting a bag up, receiving its stock and
setting the union's approval limit — the pages' services, with their audit events; bad input
is a Chinese message naming the field, other unions' bags and points are out of reach."""

import pytest
from django.test import Client
from django.utils.translation import gettext as _

from nuanjia.accounts.services import issue_api_token
from nuanjia.core.models import AuditEvent
from nuanjia.members.models import Partner
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.produce import services
from nuanjia.produce.models import BagStockMove, GiftBag

from .conftest import warmth, zhengzhou

pytestmark = pytest.mark.django_db


def api_client(staff) -> Client:
    _token, raw = issue_api_token(staff, name="produce-api", by=staff)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def bag_body(producer, point, **changes):
    return {
        "org": "410100", "producer_id": producer.pk, "earmark": "warmth",
        "name": "1元购爱心蔬菜礼包", "grams": 2500, "member_price_fen": 100,
        "subsidy_fen": 1150, "point_ids": [point[0].pk],
    } | changes  # fmt: skip


def test_a_bag_is_set_up_and_stocked_through_the_api(producer, point, zz_caseworker):
    client = api_client(zz_caseworker)
    response = client.post(
        "/api/v1/produce/bags", bag_body(producer, point), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stock"] == 0 and body["earmark"] == "warmth"
    assert body["points"] == [{"id": point[0].pk, "name": "金水区爱心集采点"}]
    bag = GiftBag.objects.get(pk=body["id"])
    assert AuditEvent.objects.filter(action="produce.bag_created").count() == 1
    stocked = client.post(
        f"/api/v1/produce/bags/{bag.pk}/stock", {"bags": 10, "note": "首批"},
        content_type="application/json",
    )  # fmt: skip
    assert stocked.status_code == 200 and stocked.json()["stock"] == 10
    assert BagStockMove.objects.get(bag=bag).change == 10
    assert AuditEvent.objects.filter(action="produce.bag_stocked").count() == 1
    assert client.get(f"/api/v1/produce/bags/{bag.pk}").json()["stock"] == 10


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"grams": 0}, "grams"),
        ({"member_price_fen": -1}, "member_price_fen"),
        ({"earmark": "nope"}, "earmark"),
        ({"point_ids": [999_999]}, "point_ids"),
        ({"point_ids": []}, "point_ids"),
        ({"name": "礼包\u202e"}, "name"),
    ],
)
def test_bad_bag_input_names_the_field_and_changes_nothing(
    producer, point, zz_caseworker, changes, field
):
    response = api_client(zz_caseworker).post(
        "/api/v1/produce/bags", bag_body(producer, point, **changes),
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code in (400, 422), response.content
    assert response.json()["field"] == field
    assert GiftBag.objects.count() == 0


def test_a_duplicate_name_and_bad_stock_are_refused(producer, point, zz_caseworker):
    client = api_client(zz_caseworker)
    first = client.post(
        "/api/v1/produce/bags", bag_body(producer, point), content_type="application/json"
    )
    again = client.post(
        "/api/v1/produce/bags", bag_body(producer, point), content_type="application/json"
    )
    assert again.status_code == 400 and again.json()["field"] == "name"
    assert again.json()["message"] == _("This union already has a gift bag of this name.")
    url = f"/api/v1/produce/bags/{first.json()['id']}/stock"
    for bags in (0, -3, "x"):
        response = client.post(url, {"bags": bags}, content_type="application/json")
        assert response.status_code == 422 and response.json()["field"] == "bags"
    assert GiftBag.objects.get().stock == 0


def test_other_unions_bags_producers_and_points_are_out_of_reach(
    producer, point, zz_caseworker, make_staff
):
    bag = services.create_bag(
        zhengzhou(), producer, warmth(), name="郑州礼包", grams=2500, member_price_fen=100,
        subsidy_fen=0, points=[point[0]], by=zz_caseworker,
    )  # fmt: skip
    kaifeng = make_staff("410200", Role.CASEWORKER, username="kf_produce_cw")
    client = api_client(kaifeng)
    assert client.get(f"/api/v1/produce/bags/{bag.pk}").status_code == 404
    stock = client.post(
        f"/api/v1/produce/bags/{bag.pk}/stock", {"bags": 5}, content_type="application/json"
    )
    assert stock.status_code == 404
    body = bag_body(producer, point, org="410200", name="开封礼包")
    assert (
        client.post("/api/v1/produce/bags", body, content_type="application/json").status_code
        == 404
    )
    kf_point = Partner.objects.create(
        org=Org.objects.get(code="410200"), name="开封集采点", kind=Partner.Kind.COLLECTION_POINT
    )
    theirs = api_client(zz_caseworker).post(
        "/api/v1/produce/bags", bag_body(producer, point, point_ids=[kf_point.pk]),
        content_type="application/json",
    )  # fmt: skip
    assert theirs.status_code == 400 and theirs.json()["field"] == "point_ids"
    assert GiftBag.objects.get(pk=bag.pk).stock == 0 and GiftBag.objects.count() == 1


def test_a_leader_without_a_producer_role_is_refused(producer, point, make_staff):
    leader = make_staff("410100", Role.LEADER, username="zz_produce_leader2")
    response = api_client(leader).post(
        "/api/v1/produce/bags", bag_body(producer, point), content_type="application/json"
    )
    assert response.status_code in (400, 403)
    assert GiftBag.objects.count() == 0


def test_the_approval_limit_is_read_and_set_by_an_approver(zz_approver, zz_caseworker):
    client = api_client(zz_approver)
    assert client.get("/api/v1/produce/limit").json() == {"org": "410100", "limit_fen": 0}
    response = client.put(
        "/api/v1/produce/limit", {"limit_fen": 500_000}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["limit_fen"] == 500_000
    assert services.order_limit(zhengzhou()) == 500_000
    assert AuditEvent.objects.filter(action="produce.limit_set").count() == 1
    bad = client.put("/api/v1/produce/limit", {"limit_fen": -1}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "limit_fen"
    refused = api_client(zz_caseworker).put(
        "/api/v1/produce/limit", {"limit_fen": 1}, content_type="application/json"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "forbidden"
    assert services.order_limit(zhengzhou()) == 500_000


def test_a_county_below_inherits_the_limit_and_sets_its_own(zz_approver, make_staff):
    services.set_order_limit(zhengzhou(), 500_000, by=zz_approver)
    county = make_staff("410108", Role.APPROVER, username="hj_produce_ap")
    client = api_client(county)
    assert client.get("/api/v1/produce/limit").json() == {"org": "410108", "limit_fen": 500_000}
    client.put("/api/v1/produce/limit", {"limit_fen": 1000}, content_type="application/json")
    assert services.order_limit(zhengzhou()) == 500_000
    assert services.order_limit(Org.objects.get(code="410108")) == 1000


def change_body(point, **changes):
    return {
        "name": "1元购爱心礼包（冬）", "member_price_fen": 200, "subsidy_fen": 900,
        "point_ids": [point[0].pk], "is_open": False,
    } | changes  # fmt: skip


def test_a_bag_is_changed_through_the_api_and_its_page(producer, point, zz_caseworker, make_staff):
    from conftest import verified_login

    bag = services.create_bag(
        zhengzhou(), producer, warmth(), name="郑州礼包", grams=2500, member_price_fen=100,
        subsidy_fen=1150, points=[point[0]], by=zz_caseworker,
    )  # fmt: skip
    client = api_client(zz_caseworker)
    url = f"/api/v1/produce/bags/{bag.pk}"
    response = client.put(url, change_body(point), content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["member_price_fen"], body["subsidy_fen"], body["is_open"]) == (
        "1元购爱心礼包（冬）", 200, 900, False,
    )  # fmt: skip
    event = AuditEvent.objects.get(action="produce.bag_changed")
    assert event.changes["member_price_fen"] == [100, 200]
    bad = client.put(url, change_body(point, member_price_fen=-5), content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "member_price_fen"
    blank = client.put(url, change_body(point, name=" "), content_type="application/json")
    assert blank.status_code == 400 and blank.json()["field"] == "name"
    kaifeng = api_client(make_staff("410200", Role.CASEWORKER, username="kf_produce_cw2"))
    assert kaifeng.put(url, change_body(point), content_type="application/json").status_code == 404
    page = Client()
    verified_login(page, zz_caseworker)
    assert page.get(f"/produce/bags/{bag.pk}/edit/").status_code == 200
    page.post(f"/produce/bags/{bag.pk}/edit/", {
        "name": "郑州礼包", "member_price_yuan": "1.00", "subsidy_yuan": "11.50",
        "points": [point[0].pk], "is_open": "on",
    })  # fmt: skip
    bag.refresh_from_db()
    assert (bag.name, bag.member_price_fen, bag.subsidy_fen, bag.is_open) == (
        "郑州礼包", 100, 1150, True,
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="produce.bag_changed").count() == 2
