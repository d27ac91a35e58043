"""Dining coupons: issued to the members a rule chooses, shown on the phone, used once at the
merchant on a bill of at least the threshold, refused after the expiry; races on PostgreSQL
are in test_races."""

import datetime

import pytest
from django.test import Client
from django.utils.translation import gettext

from conftest import verified_login
from nuanjia.benefits.models import Coupon, CouponBatch, Redemption
from nuanjia.benefits.services import coupons, redemptions, reversals
from nuanjia.core.errors import RuleViolation

from .support import bound_member_client, card, key, local, member, merchant, terms_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def restaurant(planner):
    partner, outlet, person = merchant(planner, name="郑州老街餐馆", outlet="二七店",
                                       phone="13700007777")  # fmt: skip
    return partner, outlet, person, terms_for(partner, planner)


def _batch(terms, planner, **kwargs):
    values = {"name": "餐饮消费券", "face_value_fen": 2000, "threshold_fen": 10000,
              "valid_from": datetime.date(2026, 12, 1), "expires_on": datetime.date(2026, 12, 31),
              "org": terms.org, "rule": None}  # fmt: skip
    values.update(kwargs)
    return coupons.create_batch(terms, by=planner, **values)


def test_a_batch_is_issued_by_rule_and_used_once_on_a_big_enough_bill(restaurant, planner):
    _partner, outlet, person, terms = restaurant
    woman, man, non_member = member(), member(), member()
    woman.gender, man.gender = "female", "male"
    woman.save(update_fields=["gender"])
    man.save(update_fields=["gender"])
    non_member.union = None
    non_member.save(update_fields=["union"])
    batch = _batch(terms, planner, rule={"fact": "gender", "op": "in", "value": ["female"]})
    assert batch.issued == 1 and Coupon.objects.get().worker == woman
    at = local(2026, 12, 6, 12)
    found = redemptions.look_up(person, code=card(woman), at=at)
    ticket = found.coupons[0]
    small = coupons.redeem_coupon(person, coupon=ticket.pk, key=key(), bill_fen=9999,
                                  code=card(woman), at=at)  # fmt: skip
    assert small.status == "below_threshold"
    used = coupons.redeem_coupon(person, coupon=ticket.pk, key=key(), bill_fen=12800,
                                 code=card(woman), outlet=outlet.pk, at=at)  # fmt: skip
    assert used.ok and used.member_price_fen == 10800
    assert Redemption.objects.get().subsidy_fen == 2000
    twice = coupons.redeem_coupon(person, coupon=ticket.pk, key=key(), bill_fen=12800,
                                  code=card(woman), at=at)  # fmt: skip
    assert twice.status == "coupon_used"
    reversals.reverse(person, used.redemption_id, reason="退菜", at=local(2026, 12, 6, 13))
    assert Coupon.objects.get().status == "issued"  # usable again


def test_an_expired_coupon_is_refused(restaurant, planner, worker):
    _partner, _outlet, person, terms = restaurant
    _batch(terms, planner)
    ticket = Coupon.objects.get(worker=worker)
    late = coupons.redeem_coupon(person, coupon=ticket.pk, key=key(), bill_fen=20000,
                                 code=card(worker), at=local(2027, 1, 1, 0, 0, 0))  # fmt: skip
    assert late.status == "coupon_expired"
    assert late.message == gettext("This coupon expired on %(day)s.") % {"day": "2026-12-31"}
    on_time = coupons.redeem_coupon(person, coupon=ticket.pk, key=key(), bill_fen=20000,
                                    code=card(worker), at=local(2026, 12, 31, 23, 59, 59))  # fmt: skip
    assert on_time.ok


def test_another_merchant_or_member_cannot_use_the_coupon(restaurant, planner, worker):
    _partner, _outlet, person, terms = restaurant
    _batch(terms, planner)
    ticket = Coupon.objects.get(worker=worker)
    _other, _place, stranger = merchant(planner, name="别家饭店", phone="13700008888")
    at = local(2026, 12, 6, 12)
    refused = coupons.redeem_coupon(stranger, coupon=ticket.pk, key=key(), bill_fen=20000,
                                    code=card(worker), at=at)  # fmt: skip
    assert refused.status == "coupon_not_usable"
    someone = member()
    theirs = coupons.redeem_coupon(person, coupon=ticket.pk, key=key(), bill_fen=20000,
                                   code=card(someone), at=at)  # fmt: skip
    assert theirs.status == "coupon_not_usable"


def test_bad_batches_are_refused_naming_the_field(restaurant, planner):
    _partner, _outlet, _person, terms = restaurant
    for change, field in [({"face_value_fen": 0}, "face_value_fen"),
                          ({"threshold_fen": -1}, "threshold_fen"),
                          ({"expires_on": datetime.date(2026, 11, 1)}, "expires_on"),
                          ({"name": " "}, "name")]:  # fmt: skip
        with pytest.raises(RuleViolation) as refused:
            _batch(terms, planner, **change)
        assert refused.value.field == field
    assert not CouponBatch.objects.exists()


def test_staff_issue_a_batch_and_the_member_sees_the_coupon(restaurant, planner, worker, texts):
    import time_machine

    _partner, _outlet, _person, terms = restaurant
    client = Client()
    verified_login(client, planner)
    form = {"terms": terms.pk, "name": "餐饮消费券", "face_value": "20", "threshold": "100",
            "valid_from": "2026-12-01", "expires_on": "2026-12-31", "org": terms.org_id}  # fmt: skip
    assert client.post("/benefits/coupons/new/", form).status_code == 302
    assert "餐饮消费券" in client.get("/benefits/coupons/").content.decode()
    with time_machine.travel(local(2026, 12, 6, 12), tick=False):
        phone = bound_member_client("13855554321", worker)
        page = phone.get("/m/benefits/").content.decode()
    assert 'data-testid="my-coupon"' in page and "郑州老街餐馆" in page
