"""The merchant's phone pages, the member's offers page, the staff pages and the API."""

import datetime
import re
import uuid

import pytest
import time_machine
from django.test import Client
from django.utils.translation import gettext

from conftest import verified_login
from nuanjia.benefits.models import Flag, Offer, Redemption
from nuanjia.benefits.services import redemptions
from nuanjia.orgs.rules import Role

from .support import (
    CAR_WASH_PHONE,
    bound_member_client,
    card,
    key,
    local,
    offer_for,
    partner_client,
)

pytestmark = pytest.mark.django_db
NOON = local(2026, 12, 6, 12)


@time_machine.travel(NOON, tick=False)
def test_a_merchant_scans_sees_the_uses_left_and_confirms_once(car_wash, worker, texts):
    _partner, outlet, _person, _terms, offer = car_wash
    phone = partner_client(CAR_WASH_PHONE)
    home = phone.get("/p/").content.decode()
    assert gettext("Member benefits") in home
    page = phone.post("/p/benefits/", {"action": "look", "outlet": outlet.pk,
                                       "code": card(worker)}).content.decode()  # fmt: skip
    assert 'data-testid="benefit-offer"' in page and "五元洗车" in page
    attempt = re.search(r'name="key" value="([0-9a-f-]+)"', page).group(1)
    form = {"action": "confirm", "outlet": outlet.pk, "code": card(worker), "key": attempt,
            "offer": offer.pk}  # fmt: skip
    done = phone.post("/p/benefits/", form).content.decode()
    assert 'data-status="redeemed"' in done
    again = phone.post("/p/benefits/", form).content.decode()  # the form sent twice
    assert 'data-status="redeemed"' in again and Redemption.objects.count() == 1
    typed = phone.post("/p/benefits/", {"action": "look", "outlet": outlet.pk,
                                        "number": "1", "id_last4": ""}).content.decode()  # fmt: skip
    assert gettext("Enter the last 4 of the ID number.") in typed
    uses = phone.get("/p/benefits/uses/").content.decode()
    assert 'data-testid="merchant-use"' in uses
    phone.post("/p/benefits/uses/", {"redemption": Redemption.objects.get().pk, "reason": "误操作"})
    assert Redemption.objects.get().reversed


@time_machine.travel(NOON, tick=False)
def test_the_member_sees_offers_and_uses_left(car_wash, worker, texts):
    _partner, _outlet, person, _terms, offer = car_wash
    redemptions.redeem(person, offer=offer.pk, key=key(), code=card(worker))
    client = bound_member_client("13855551234", worker)
    page = client.get("/m/benefits/").content.decode()
    assert "五元洗车" in page
    assert gettext("Uses left: %(left)s") % {"left": 1} in page
    assert gettext("My member benefits") in client.get("/m/").content.decode()


def _staff_client(user):
    client = Client()
    verified_login(client, user)
    return client


def test_staff_add_terms_and_an_offer_then_list_uses_and_review_flags(
    car_wash, worker, planner, make_staff
):
    _partner, _outlet, person, terms, _offer = car_wash
    client = _staff_client(planner)
    assert "五元洗车" in client.get("/benefits/").content.decode()
    form = {"terms": terms.pk, "name": "五元观影", "member_price": "5", "subsidy": "30",
            "per_week": "1", "budget_period": "month", "starts_on": "2026-01-01",
            "ends_on": "2027-12-31", "org": terms.org_id, "rule": "", "is_active": "on"}  # fmt: skip
    assert client.post("/benefits/offers/new/", form).status_code == 302
    cinema = Offer.objects.get(name="五元观影")
    assert (cinema.subsidy_fen, cinema.per_week) == (3000, 1)
    bad = client.post("/benefits/offers/new/", form | {"name": "x", "subsidy": "abc"})
    assert bad.status_code == 200 and not Offer.objects.filter(name="x").exists()
    bad_rule = client.post("/benefits/offers/new/", form | {"name": "y", "rule": "{oops"})
    assert gettext("Write the member group as a rule in JSON.") in bad_rule.content.decode()
    edit = client.post(f"/benefits/offers/{cinema.pk}/", form | {"per_week": "2"})
    assert edit.status_code == 302 and Offer.objects.get(pk=cinema.pk).per_week == 2
    for minute in range(6):
        redemptions.redeem(person, offer=cinema.pk if minute % 2 else _offer.pk, key=key(),
                           code=card(worker), at=local(2026, 12, 6, 8, minute))  # fmt: skip
    uses = client.get("/benefits/uses/").content.decode()
    assert uses.count("<tr>") >= 2
    assert client.get("/benefits/uses/export.xlsx").status_code == 200
    assert not Flag.objects.exists()  # four uses: no burst


def test_a_burst_flag_is_reviewed_through_the_api(car_wash, worker, planner, make_staff):
    from nuanjia.accounts.services import issue_api_token

    _partner, _outlet, person, terms, _offer = car_wash
    free = offer_for(terms, planner, name="一分乘公交", price=1, subsidy=199)
    for minute in range(6):
        redemptions.redeem(person, offer=free.pk, key=key(), code=card(worker),
                           at=local(2026, 12, 6, 8, minute))  # fmt: skip
    reviewer = make_staff("410000", Role.REVIEWER)
    _token, raw = issue_api_token(reviewer, name="t", by=reviewer)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    listed = api.get("/api/v1/benefits/flags").json()
    flag_id = listed["items"][0]["id"]
    assert listed["items"][0]["kind"] == "burst"
    answer = api.post(f"/api/v1/benefits/flags/{flag_id}/confirm", {"note": "代刷"},
                      content_type="application/json")  # fmt: skip
    assert answer.status_code == 200 and answer.json()["status"] == "confirmed"


def test_the_partner_api_reads_a_card_redeems_once_per_key_and_reverses(car_wash, worker, texts):
    _partner, outlet, _person, _terms, offer = car_wash
    api = partner_client(CAR_WASH_PHONE, kind="api")
    read = api.post("/api/v1/partner/benefits/card", {"code": card(worker), "outlet": outlet.pk},
                    content_type="application/json").json()  # fmt: skip
    assert read["offers"][0]["left"] == 2
    body = {"code": card(worker), "offer": offer.pk, "key": str(uuid.uuid4()), "outlet": outlet.pk}
    first = api.post("/api/v1/partner/benefits/redeem", body, content_type="application/json")
    second = api.post("/api/v1/partner/benefits/redeem", body, content_type="application/json")
    assert first.json()["ok"] and second.json()["resent"]
    assert first.json()["redemption_id"] == second.json()["redemption_id"]
    bad = api.post("/api/v1/partner/benefits/redeem", body | {"key": "nope"},
                   content_type="application/json")  # fmt: skip
    assert bad.status_code in (400, 422)
    uses = api.get("/api/v1/partner/benefits/uses", {"day": first_day()}).json()
    assert isinstance(uses, list)
    reversed_ = api.post("/api/v1/partner/benefits/reverse",
                         {"redemption": first.json()["redemption_id"], "reason": "退单"},
                         content_type="application/json")  # fmt: skip
    assert reversed_.status_code == 200 and reversed_.json()["reversed"]


def first_day() -> str:
    return datetime.date.today().isoformat()


def test_the_staff_api_adds_and_changes_offers(car_wash, planner):
    from nuanjia.accounts.services import issue_api_token

    _partner, _outlet, _person, terms, offer = car_wash
    _token, raw = issue_api_token(planner, name="t", by=planner)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    body = {"terms_id": terms.pk, "name": "五元观影", "member_price_fen": 500,
            "subsidy_fen": 3000, "starts_on": "2026-01-01", "ends_on": "2027-12-31",
            "limits": {"week": 1}, "budget_uses": 1000}  # fmt: skip
    made = api.post("/api/v1/benefits/offers", body, content_type="application/json")
    assert made.status_code == 201 and made.json()["per_week"] == 1
    changed = api.put(f"/api/v1/benefits/offers/{made.json()['id']}", body | {"limits": {}},
                      content_type="application/json")  # fmt: skip
    assert changed.json()["per_week"] is None
    refused = api.post("/api/v1/benefits/offers", body | {"name": "x", "ends_on": "2020-01-01"},
                       content_type="application/json")  # fmt: skip
    assert refused.status_code == 400 and "ends_on" in refused.content.decode()
    assert api.get(f"/api/v1/benefits/offers/{offer.pk}").json()["name"] == "五元洗车"
    assert api.get("/api/v1/benefits/redemptions").status_code == 200
