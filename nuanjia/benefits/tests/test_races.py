"""PostgreSQL races on redemptions: limits, budgets and attempt keys hold exactly when many
phones confirm at once."""

from nuanjia.benefits.models import Attempt, BudgetCounter, MemberCounter, Redemption
from nuanjia.benefits.services import redemptions
from nuanjia.benefits.services.redemptions import Status
from nuanjia.core.audit import AuditEvent, verify_chain
from tests.concurrency import postgresql_module, race

from .support import card, key, local, member, offer_for

pytestmark = postgresql_module()


def test_a_member_with_one_use_left_gets_exactly_one_of_a_hundred_at_once(car_wash, worker):
    """五元洗车, 2 a calendar month: one used already, 100 phones confirm together."""
    _partner, outlet, person, _terms, offer = car_wash
    at = local(2026, 12, 6, 10)
    assert redemptions.redeem(person, offer=offer.pk, key=key(), code=card(worker), at=at).ok
    code = card(worker)

    def confirm(_i):
        return redemptions.redeem(person, offer=offer.pk, key=key(), code=code,
                                  outlet=outlet.pk, at=at)  # fmt: skip

    results = race(confirm, threads=100)
    assert not [r for r in results if isinstance(r, Exception)], results
    statuses = sorted(r.status for r in results)
    assert statuses == [Status.LIMIT] * 99 + [Status.REDEEMED]
    assert Redemption.objects.filter(worker=worker).count() == 2
    assert MemberCounter.objects.get(worker=worker).used == 2
    assert AuditEvent.objects.filter(action="benefits.redeemed").count() == 2
    assert verify_chain() is None


def test_the_same_key_sent_at_once_creates_one_use(car_wash, worker):
    _partner, _outlet, person, _terms, offer = car_wash
    attempt, code, at = key(), card(worker), local(2026, 12, 6, 10)

    def confirm(_i):
        return redemptions.redeem(person, offer=offer.pk, key=attempt, code=code, at=at)

    results = race(confirm, threads=20)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert {r.redemption_id for r in results} == {Redemption.objects.get().pk}
    assert Attempt.objects.count() == 1


def test_a_budget_of_n_uses_is_never_exceeded(car_wash, planner):
    _partner, _outlet, person, terms, _offer = car_wash
    budgeted = offer_for(terms, planner, name="五元观影", budget_uses=7, budget_period="month")
    people = [member() for _ in range(30)]
    codes = [card(someone) for someone in people]
    at = local(2026, 12, 6, 10)

    def confirm(i):
        return redemptions.redeem(person, offer=budgeted.pk, key=key(), code=codes[i], at=at)

    results = race(confirm, threads=30)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r.ok for r in results) == 7
    assert {r.status for r in results if not r.ok} == {Status.BUDGET}
    assert Redemption.objects.filter(offer=budgeted).count() == 7
    assert BudgetCounter.objects.get(offer=budgeted).used == 7
