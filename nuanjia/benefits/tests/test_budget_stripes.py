"""An offer's budget is kept in stripes: never passed, refused only when every stripe is full,
spread again when the budget changes, given back by a reversal."""

import datetime

import pytest
from django.db.models import Sum
from hypothesis import given
from hypothesis import strategies as st

from nuanjia.benefits.models import BudgetCounter
from nuanjia.benefits.services import confirm, counters, offers, reversals
from nuanjia.benefits.services.counters import BUDGET_STRIPES, spread_uses, stripe_cap
from nuanjia.benefits.services.redemptions import Status

from .support import card, key, local, member, offer_for

pytestmark = pytest.mark.django_db
AT = local(2026, 12, 6, 10)


def _used(offer) -> int:
    return BudgetCounter.objects.filter(offer=offer).aggregate(used=Sum("used"))["used"] or 0


@given(budget=st.integers(0, 10_000), used=st.integers(0, 20_000))
def test_the_stripes_share_the_budget_and_a_spread_keeps_every_use(budget, used):
    caps = [stripe_cap(budget, stripe) for stripe in range(BUDGET_STRIPES)]
    assert sum(caps) == budget and max(caps) - min(caps) <= 1
    spread = spread_uses(budget, used)
    assert sum(spread) == used
    assert all(count <= cap for count, cap in zip(spread[1:], caps[1:], strict=True))
    if used > budget:  # past the budget: every stripe full, the rest on stripe 0
        assert spread[1:] == caps[1:] and spread[0] == caps[0] + used - budget


def test_members_of_different_stripes_take_different_rows_and_the_last_use_any_room(
    car_wash, planner
):
    _partner, _outlet, person, terms, _offer = car_wash
    offer = offer_for(terms, planner, name="十元观影", budget_uses=10, budget_period="month")
    people = [member() for _ in range(12)]
    answers = [
        confirm.confirm(person, offer=offer.pk, key=key(), code=card(someone), at=AT)
        for someone in people
    ]
    assert [answer.status for answer in answers].count(Status.REDEEMED) == 10
    assert {answer.status for answer in answers[10:]} == {Status.BUDGET}
    rows = dict(BudgetCounter.objects.filter(offer=offer).values_list("stripe", "used"))
    assert sum(rows.values()) == 10 and len(rows) == BUDGET_STRIPES
    assert all(used <= stripe_cap(10, stripe) for stripe, used in rows.items())


def test_a_lowered_budget_is_spread_again_and_refuses_when_spent(car_wash, planner, tree):
    _partner, _outlet, person, terms, _offer = car_wash
    offer = offer_for(terms, planner, name="十元观影", budget_uses=80, budget_period="month")
    for _ in range(20):
        assert confirm.confirm(person, offer=offer.pk, key=key(), code=card(member()), at=AT).ok
    offers.save_offer(
        terms, name=offer.name, member_price_fen=500, subsidy_fen=2500,
        starts_on=offer.starts_on, ends_on=offer.ends_on, budget_uses=16,
        budget_period="month", offer=offer, by=planner,
    )  # fmt: skip
    assert _used(offer) == 20  # every use kept
    assert counters.budget_left(offer, AT.date()) == -4
    refused = confirm.confirm(person, offer=offer.pk, key=key(), code=card(member()), at=AT)
    assert refused.status == Status.BUDGET


def test_a_reversed_use_returns_to_the_budget(car_wash, planner):
    _partner, _outlet, person, terms, _offer = car_wash
    offer = offer_for(terms, planner, name="十元观影", budget_uses=1, budget_period="month")
    first, second = member(), member()
    used = confirm.confirm(person, offer=offer.pk, key=key(), code=card(first), at=AT)
    assert used.ok
    assert confirm.confirm(person, offer=offer.pk, key=key(), code=card(second), at=AT).status == (
        Status.BUDGET
    )
    reversals.reverse(
        person, used.redemption_id, reason="扫错了", at=AT + datetime.timedelta(hours=1)
    )
    assert _used(offer) == 0
    later = AT + datetime.timedelta(hours=2)
    assert confirm.confirm(person, offer=offer.pk, key=key(), code=card(second), at=later).ok
