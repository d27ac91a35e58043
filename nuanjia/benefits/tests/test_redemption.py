"""Redemption at the merchant: scan → offers and uses left → confirm; resends, limits per
period at their Asia/Shanghai boundaries, budgets, member groups, reversals, flags."""

import datetime

import pytest
from django.utils.translation import gettext

from nuanjia.benefits.models import Attempt, Flag, OutletPlace, Redemption, Reversal
from nuanjia.benefits.rules import FlagKind
from nuanjia.benefits.services import offers, redemptions, reversals
from nuanjia.benefits.services.redemptions import Status
from nuanjia.core.audit import AuditEvent
from nuanjia.core.errors import RuleViolation
from nuanjia.members.cards import card_text
from nuanjia.members.services import partners

from .support import LAST4, card, key, local, member, offer_for

pytestmark = pytest.mark.django_db


def _redeem(person, offer, worker, at, *, attempt=None, outlet=None):
    return redemptions.redeem(person, offer=offer.pk, key=attempt or key(), code=card(worker),
                              outlet=outlet, at=at)  # fmt: skip


def test_the_scan_shows_the_offer_and_the_uses_left_then_a_confirm_takes_one(car_wash, worker):
    _partner, outlet, person, _terms, offer = car_wash
    at = local(2026, 12, 6, 10)
    found = redemptions.look_up(person, code=card(worker), outlet=outlet.pk, at=at)
    assert found.status == "valid"
    assert [(o.name, o.left) for o in found.offers] == [("五元洗车", 2)]
    assert "*" in found.name  # masked without the member's consent
    answer = _redeem(person, offer, worker, at, outlet=outlet.pk)
    assert answer.ok and answer.left == 1 and answer.member_price_fen == 500
    row = Redemption.objects.get()
    assert (row.subsidy_fen, row.day, row.outlet, row.org) == (
        2500,
        at.date(),
        outlet,
        worker.union,
    )
    assert AuditEvent.objects.filter(action="benefits.redeemed", object_id=str(row.pk)).exists()
    again = redemptions.look_up(person, code=card(worker), at=at)
    assert again.offers[0].left == 1


def test_a_resend_with_the_same_key_answers_the_same_and_creates_nothing(car_wash, worker):
    _partner, _outlet, person, _terms, offer = car_wash
    attempt = key()
    first = _redeem(person, offer, worker, local(2026, 12, 6, 10), attempt=attempt)
    # the QR has long expired: the resend still gets the first answer
    old_code = card_text(worker.pk, now=0)
    second = redemptions.redeem(person, offer=offer.pk, key=attempt, code=old_code)
    assert first.ok and second.ok and second.resent
    assert second.redemption_id == first.redemption_id
    assert Redemption.objects.count() == 1 and Attempt.objects.count() == 1


def test_a_refusal_is_kept_under_its_key_too(car_wash, worker):
    _partner, _outlet, person, _terms, offer = car_wash
    for _ in range(2):
        assert _redeem(person, offer, worker, local(2026, 12, 6, 10)).ok
    attempt = key()
    refused = _redeem(person, offer, worker, local(2026, 12, 6, 11), attempt=attempt)
    assert refused.status == Status.LIMIT
    assert refused.message == gettext("Used up for this month.")
    assert _redeem(person, offer, worker, local(2026, 12, 6, 11), attempt=attempt).status == (
        Status.LIMIT
    )
    assert Redemption.objects.count() == 2 and Attempt.objects.count() == 3


def test_the_calendar_month_ends_at_midnight_asia_shanghai(car_wash, worker):
    _partner, _outlet, person, _terms, offer = car_wash
    assert _redeem(person, offer, worker, local(2026, 11, 30, 23, 59, 58)).ok
    assert _redeem(person, offer, worker, local(2026, 11, 30, 23, 59, 59)).ok
    assert _redeem(person, offer, worker, local(2026, 11, 30, 23, 59, 59)).status == Status.LIMIT
    # 2026-12-01 00:00:00 in Shanghai is 2026-11-30 16:00 UTC: a new month all the same
    first = _redeem(person, offer, worker, local(2026, 12, 1, 0, 0, 0))
    assert first.ok and first.left == 1


def test_the_iso_week_starts_on_monday_midnight_asia_shanghai(car_wash, worker, planner):
    _partner, _outlet, person, terms, _offer = car_wash
    weekly = offer_for(terms, planner, name="五元观影", limits={"week": 1})
    sunday, monday = local(2026, 12, 6, 23, 59, 59), local(2026, 12, 7, 0, 0, 0)
    assert sunday.weekday() == 6
    assert _redeem(person, weekly, worker, sunday).ok
    assert _redeem(person, weekly, worker, sunday).status == Status.LIMIT
    assert _redeem(person, weekly, worker, monday).ok
    assert _redeem(person, weekly, worker, local(2026, 12, 13, 23, 59, 59)).status == Status.LIMIT


def test_the_day_and_year_limits_apply_together(car_wash, worker, planner):
    _partner, _outlet, person, terms, _offer = car_wash
    bus = offer_for(terms, planner, name="一分乘公交", price=1, subsidy=199,
                    limits={"day": 2, "year": 3})  # fmt: skip
    assert _redeem(person, bus, worker, local(2026, 12, 30, 8)).ok
    assert _redeem(person, bus, worker, local(2026, 12, 30, 18)).ok
    assert _redeem(person, bus, worker, local(2026, 12, 30, 19)).message == gettext(
        "Used up for today."
    )
    assert _redeem(person, bus, worker, local(2026, 12, 31, 8)).left == 0
    assert _redeem(person, bus, worker, local(2026, 12, 31, 9)).message == gettext(
        "Used up for this year."
    )
    assert _redeem(person, bus, worker, local(2027, 1, 1, 0)).ok


def test_a_budget_of_uses_is_shared_by_all_members(car_wash, planner):
    _partner, _outlet, person, terms, _offer = car_wash
    budgeted = offer_for(terms, planner, name="五元观影", budget_uses=2, budget_period="month")
    people = [member() for _ in range(3)]
    at = local(2026, 12, 6, 10)
    answers = [_redeem(person, budgeted, someone, at) for someone in people]
    assert [a.status for a in answers] == [Status.REDEEMED, Status.REDEEMED, Status.BUDGET]
    assert _redeem(person, budgeted, people[2], local(2027, 1, 1, 0)).ok


def test_the_member_group_and_the_union_subtree_decide_who_may_use_an_offer(car_wash, planner):
    _partner, _outlet, person, terms, _offer = car_wash
    women = offer_for(terms, planner, name="女职工专享",
                      rule={"fact": "gender", "op": "in", "value": ["female"]})  # fmt: skip
    zhengzhou = offer_for(terms, planner, name="郑州专享",
                          org=terms.org.children.get(code="410100"))  # fmt: skip
    man, kaifeng = member(), member("410204")
    man.gender = "male"
    man.save(update_fields=["gender"])
    at = local(2026, 12, 6, 10)
    assert _redeem(person, women, man, at).status == Status.NOT_ELIGIBLE
    assert _redeem(person, zhengzhou, kaifeng, at).status == Status.NOT_ELIGIBLE
    assert _redeem(person, zhengzhou, man, at).ok
    names = [o.name for o in redemptions.look_up(person, code=card(kaifeng), at=at).offers]
    assert names == ["五元洗车"]


def test_cards_that_are_not_members_or_expired_are_refused(car_wash, worker):
    _partner, _outlet, person, _terms, offer = car_wash
    expired = redemptions.redeem(person, offer=offer.pk, key=key(),
                                 code=card_text(worker.pk, now=0))  # fmt: skip
    assert expired.status == "expired"
    typed = redemptions.redeem(person, offer=offer.pk, key=key(), number="x", id_last4=LAST4)
    assert typed.status == "invalid"
    assert not Redemption.objects.exists()
    with pytest.raises(RuleViolation) as bad_key:
        redemptions.redeem(person, offer=offer.pk, key="not-a-uuid", code=card(worker))
    assert bad_key.value.field == "key"


def test_a_use_is_reversed_until_2359_the_same_day_and_given_back(car_wash, worker):
    _partner, _outlet, person, _terms, offer = car_wash
    first = _redeem(person, offer, worker, local(2026, 12, 6, 10))
    _redeem(person, offer, worker, local(2026, 12, 6, 11))
    with pytest.raises(RuleViolation) as no_reason:
        reversals.reverse(person, first.redemption_id, reason=" ", at=local(2026, 12, 6, 12))
    assert no_reason.value.field == "reason"
    reversals.reverse(
        person, first.redemption_id, reason="顾客未洗", at=local(2026, 12, 6, 23, 59, 59)
    )
    assert Reversal.objects.get().subsidy_fen == 2500
    assert _redeem(person, offer, worker, local(2026, 12, 7, 9)).ok  # the use came back
    second = Redemption.objects.filter(reversed=False).order_by("at").first()
    with pytest.raises(RuleViolation) as late:
        reversals.reverse(person, second.pk, reason="晚了", at=local(2026, 12, 7, 0, 0, 0))
    assert late.value.code == "too_late"
    with pytest.raises(RuleViolation):
        reversals.reverse(person, first.redemption_id, reason="again", at=local(2026, 12, 6, 13))


def test_the_reversal_deadline_is_configurable(car_wash, worker, settings):
    settings.BENEFITS_REVERSAL_UNTIL = "18:00"
    _partner, _outlet, person, _terms, offer = car_wash
    used = _redeem(person, offer, worker, local(2026, 12, 6, 10))
    with pytest.raises(RuleViolation):
        reversals.reverse(person, used.redemption_id, reason="晚", at=local(2026, 12, 6, 18, 1))


def test_another_merchant_cannot_reverse_or_use_the_offer(car_wash, worker, planner):
    from .support import merchant

    _partner, _outlet, person, _terms, offer = car_wash
    _other, _place, stranger = merchant(planner, name="别家洗车", phone="13700006666")
    used = _redeem(person, offer, worker, local(2026, 12, 6, 10))
    with pytest.raises(RuleViolation):
        reversals.reverse(stranger, used.redemption_id, reason="x", at=local(2026, 12, 6, 11))
    assert _redeem(stranger, offer, worker, local(2026, 12, 6, 10)).status == Status.NO_OFFER


def test_more_than_five_uses_in_ten_minutes_raise_one_flag(car_wash, worker, planner):
    _partner, _outlet, person, terms, _offer = car_wash
    free = offer_for(terms, planner, name="一分乘公交", price=1, subsidy=199)
    for minute in range(7):
        assert _redeem(person, free, worker, local(2026, 12, 6, 8, minute)).ok
    flag = Flag.objects.get()
    assert (flag.kind, flag.org, flag.worker) == (FlagKind.BURST, worker.union, worker)
    assert flag.redemption.at == local(2026, 12, 6, 8, 5)


def test_the_same_card_far_apart_within_thirty_minutes_is_flagged(car_wash, worker, planner):
    partner, outlet, person, terms, _offer = car_wash
    free = offer_for(terms, planner, name="一分乘公交", price=1, subsidy=199)
    luoyang = partners.add_outlet(partner, name="洛阳店", by=planner)
    near = partners.add_outlet(partner, name="郑东店", by=planner)
    offers.place_outlet(outlet, latitude=34.7466, longitude=113.6253, by=planner)  # 郑州
    offers.place_outlet(near, latitude=34.7600, longitude=113.7300, by=planner)  # 郑东, ~10 km
    offers.place_outlet(luoyang, latitude=34.6197, longitude=112.4540, by=planner)  # ~110 km
    assert OutletPlace.objects.count() == 3
    _redeem(person, free, worker, local(2026, 12, 6, 8, 0), outlet=outlet.pk)
    _redeem(person, free, worker, local(2026, 12, 6, 8, 10), outlet=near.pk)
    assert not Flag.objects.exists()
    _redeem(person, free, worker, local(2026, 12, 6, 8, 25), outlet=luoyang.pk)
    flag = Flag.objects.get()
    assert flag.kind == FlagKind.FAR_APART and "108" in flag.detail  # km, in any language
    _redeem(person, free, worker, local(2026, 12, 6, 9, 30), outlet=outlet.pk)  # > 30 min later
    assert Flag.objects.count() == 1


def test_offers_refuse_bad_input_naming_the_field(car_wash, planner):
    _partner, _outlet, _person, terms, _offer = car_wash
    cases = [
        ({"name": ""}, "name"),
        ({"member_price_fen": -1}, "member_price_fen"),
        ({"limits": {"month": "两"}}, "per_month"),
        ({"limits": {"day": 0}}, "per_day"),
        ({"ends_on": datetime.date(2025, 1, 1)}, "ends_on"),
        ({"name": "重名", "rule": {"fact": "nope", "op": "in", "value": []}}, None),
    ]
    for change, field in cases:
        values = {"name": "新项目", "member_price_fen": 500, "subsidy_fen": 100}
        values.update(change)
        with pytest.raises(RuleViolation) as refused:
            offer_for(terms, planner, price=values.pop("member_price_fen"),
                      subsidy=values.pop("subsidy_fen"), **values)  # fmt: skip
        if field:
            assert refused.value.field == field
