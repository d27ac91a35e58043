"""Offers limited to a member group (a people.eligibility rule): the fast confirm folds the
group into its one statement for the offer (the rule compiled once per offer and day) and
gives the same answers, rows and audit events as the ordinary `redemptions.redeem`, for
rules with EXISTS facts, `any` and `not`, a union subtree read when compiled, and a rule
changed after it was compiled (the stale compilation is not trusted)."""

import functools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nuanjia.benefits.services import confirm, offers, redemptions
from nuanjia.benefits.services.redemptions import Status
from nuanjia.people.eligibility.people_facts import NEW_FORM_TAG
from nuanjia.people.models import OccupationTag

from .support import card, local, member, offer_for
from .test_confirm_fast import KEYS, _run

pytestmark = pytest.mark.django_db

NEW_FORM = {"fact": "new_form_worker", "op": "yes"}
WOMEN_OR_KAIFENG = {"any": [{"fact": "gender", "op": "in", "value": ["female"]},
                            {"fact": "member_union", "op": "within", "value": "410200"}]}  # fmt: skip
NOT_ZHENGZHOU = {"not": {"fact": "member_union", "op": "within", "value": "410100"}}


def _places(car_wash, worker, planner):
    _partner, _outlet, person, terms, _offer = car_wash
    new_form = offer_for(terms, planner, name="新业态专享", limits={"day": 1}, rule=NEW_FORM)
    mixed = offer_for(terms, planner, name="女职工或开封", rule=WOMEN_OR_KAIFENG)
    outside = offer_for(terms, planner, name="郑州以外", rule=NOT_ZHENGZHOU)
    rider, kaifeng = member(), member("410204")
    rider.occupations.add(OccupationTag.objects.get_or_create(name=NEW_FORM_TAG)[0])
    for who, gender in ((worker, "female"), (rider, "male"), (kaifeng, "male")):
        who.gender = gender
        who.save(update_fields=["gender"])
    return person, terms, new_form, mixed, outside, rider, kaifeng


def _story(path, worker, places, *, planner):
    person, terms, new_form, mixed, outside, rider, kaifeng = places
    keys = iter(KEYS)
    answers = []

    def go(chosen, who, hour):
        answer = path(person, offer=chosen.pk, key=next(keys), code=card(who),
                      at=local(2026, 12, 7, hour))  # fmt: skip
        answers.append(answer)
        return answer.status

    assert go(new_form, rider, 8) == Status.REDEEMED
    assert go(new_form, rider, 9) == Status.LIMIT
    assert go(new_form, worker, 9) == Status.NOT_ELIGIBLE
    assert go(mixed, worker, 10) == Status.REDEEMED
    assert go(mixed, kaifeng, 10) == Status.REDEEMED
    assert go(mixed, rider, 10) == Status.NOT_ELIGIBLE
    assert go(outside, kaifeng, 11) == Status.REDEEMED
    assert go(outside, worker, 11) == Status.NOT_ELIGIBLE
    # The group changes after the fast path compiled it: the stored rule decides.
    offers.save_offer(terms, name=outside.name, member_price_fen=outside.member_price_fen,
                      subsidy_fen=outside.subsidy_fen, starts_on=outside.starts_on,
                      ends_on=outside.ends_on, rule=NEW_FORM, offer=outside, by=planner)  # fmt: skip
    assert go(outside, kaifeng, 12) == Status.NOT_ELIGIBLE
    assert go(outside, rider, 12) == Status.REDEEMED
    return answers


def test_a_member_group_answers_and_writes_the_same_on_both_paths(car_wash, worker, planner):
    places = _places(car_wash, worker, planner)
    story = functools.partial(_story, planner=planner)
    ordinary = _run(redemptions.redeem, worker, places, story=story)
    fast = _run(confirm.confirm, worker, places, story=story)
    assert len(ordinary["redemptions"]) == 5 and len(ordinary["attempts"]) == 10
    for part in ordinary:
        assert fast[part] == ordinary[part], part


def test_a_member_group_costs_the_fast_path_no_statement_of_its_own(car_wash, worker, planner):
    """Once compiled for the day, a group offer's confirm runs as many statements as an
    offer for all members: the group is a column of the offer's statement."""
    person, _terms, new_form, _mixed, _outside, rider, _kaifeng = _places(car_wash, worker, planner)
    plain, keys = car_wash[4], iter(KEYS)

    def statements(chosen, who):
        with CaptureQueriesContext(connection) as seen:
            answer = confirm.confirm(person, offer=chosen.pk, key=next(keys), code=card(who),
                                     at=local(2026, 12, 8, 8))  # fmt: skip
        assert answer.ok
        return len(seen.captured_queries)

    statements(new_form, rider)  # each offer's group compiled for the day
    statements(plain, worker)
    another = member()
    another.occupations.add(OccupationTag.objects.get(name=NEW_FORM_TAG))
    assert statements(new_form, another) == statements(plain, member())
