"""PostgreSQL races on redemptions: limits, budgets and attempt keys hold exactly when many
phones confirm at once."""

import pytest

from nuanjia.benefits.models import Attempt, BudgetCounter, MemberCounter, Redemption
from nuanjia.benefits.services import confirm as fast
from nuanjia.benefits.services import redemptions
from nuanjia.benefits.services.redemptions import Status
from nuanjia.core.audit import AuditEvent, verify_chain
from tests.concurrency import postgresql_module, race

from .support import card, key, local, member, offer_for

pytestmark = postgresql_module()

# the ordinary path and the fast path (the partner page's and the API's) hold the same limits
PATHS = pytest.mark.parametrize(
    "redeem", [redemptions.redeem, fast.confirm], ids=["ordinary", "fast"]
)


def _patiently(work):
    """The server takes 100 connections in all (a few kept for superusers): a thread refused
    one tries again shortly, so all 100 attempts still run, most of them at once."""
    import time

    from django.db import OperationalError, connection

    for _ in range(200):
        try:
            return work()
        except OperationalError as error:
            if "too many clients" not in str(error):
                raise
            connection.close()
            time.sleep(0.05)
    raise AssertionError("no connection")


@PATHS
def test_a_member_with_one_use_left_gets_exactly_one_of_a_hundred_at_once(car_wash, worker, redeem):
    """五元洗车, 2 a calendar month: one used already, 100 phones confirm together."""
    _partner, outlet, person, _terms, offer = car_wash
    at = local(2026, 12, 6, 10)
    assert redemptions.redeem(person, offer=offer.pk, key=key(), code=card(worker), at=at).ok
    code = card(worker)

    def confirm(_i):
        return _patiently(lambda: redeem(person, offer=offer.pk, key=key(), code=code,
                                                     outlet=outlet.pk, at=at))  # fmt: skip

    results = race(confirm, threads=100)
    assert not [r for r in results if isinstance(r, Exception)], results
    statuses = sorted(r.status for r in results)
    assert statuses == [Status.LIMIT] * 99 + [Status.REDEEMED]
    assert Redemption.objects.filter(worker=worker).count() == 2
    assert MemberCounter.objects.get(worker=worker).used == 2
    assert AuditEvent.objects.filter(action="benefits.redeemed").count() == 2
    assert verify_chain() is None


@PATHS
def test_the_same_key_sent_at_once_creates_one_use(car_wash, worker, redeem):
    _partner, _outlet, person, _terms, offer = car_wash
    attempt, code, at = key(), card(worker), local(2026, 12, 6, 10)

    def confirm(_i):
        return redeem(person, offer=offer.pk, key=attempt, code=code, at=at)

    results = race(confirm, threads=20)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert {r.redemption_id for r in results} == {Redemption.objects.get().pk}
    assert Attempt.objects.count() == 1


@PATHS
def test_a_budget_of_n_uses_is_never_exceeded(car_wash, planner, redeem):
    _partner, _outlet, person, terms, _offer = car_wash
    budgeted = offer_for(terms, planner, name="五元观影", budget_uses=7, budget_period="month")
    people = [member() for _ in range(30)]
    codes = [card(someone) for someone in people]
    at = local(2026, 12, 6, 10)

    def confirm(i):
        return redeem(person, offer=budgeted.pk, key=key(), code=codes[i], at=at)

    results = race(confirm, threads=30)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r.ok for r in results) == 7
    assert {r.status for r in results if not r.ok} == {Status.BUDGET}
    assert Redemption.objects.filter(offer=budgeted).count() == 7
    assert sum(BudgetCounter.objects.filter(offer=budgeted).values_list("used", flat=True)) == 7
    assert BudgetCounter.objects.filter(offer=budgeted, used__gt=1).count() == 0  # one a stripe


def test_one_coupon_confirmed_at_once_on_many_phones_is_used_once(car_wash, planner, worker):
    import datetime

    from nuanjia.benefits.models import Coupon
    from nuanjia.benefits.services import coupons

    _partner, _outlet, person, terms, _offer = car_wash
    coupons.create_batch(terms, name="餐饮消费券", face_value_fen=2000, threshold_fen=10000,
                         valid_from=datetime.date(2026, 12, 1),
                         expires_on=datetime.date(2026, 12, 31), org=terms.org, rule=None,
                         by=planner)  # fmt: skip
    ticket = Coupon.objects.get(worker=worker)
    code, at = card(worker), local(2026, 12, 6, 12)

    def use(_i):
        return coupons.redeem_coupon(person, coupon=ticket.pk, key=key(), bill_fen=15000,
                                     code=code, at=at)  # fmt: skip

    results = race(use, threads=20)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.status for r in results) == ["coupon_used"] * 19 + ["redeemed"]
    assert Redemption.objects.filter(coupon=ticket).count() == 1
