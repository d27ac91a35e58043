"""The merchant's confirm fast path (`confirm.confirm`, page and API) writes exactly what the
ordinary `redemptions.redeem` writes: redemptions, counters, attempts with their answers,
flags and the audit events, for uses, refusals (limit, budget, group, offer, card), resends
and flags. Each path runs the same story in a savepoint rolled back after its snapshot."""

import datetime
import uuid

import pytest
from django.db import transaction

from nuanjia.benefits.models import Attempt, BudgetCounter, Flag, MemberCounter, Redemption
from nuanjia.benefits.services import confirm, offers, redemptions
from nuanjia.benefits.services.redemptions import Status
from nuanjia.core.audit import AuditEvent, verify_chain
from nuanjia.members.services import partners

from .support import card, local, member, offer_for

pytestmark = pytest.mark.django_db

KEYS = [uuid.UUID(int=n + 1) for n in range(40)]


def _places(car_wash, worker, planner):
    """The offers, outlets and members of the story, made once for both paths."""
    partner, outlet, person, terms, offer = car_wash
    bus = offer_for(terms, planner, name="一分乘公交", price=1, subsidy=199)
    budgeted = offer_for(terms, planner, name="五元观影", budget_uses=1, budget_period="month")
    women = offer_for(terms, planner, name="女职工专享",
                      rule={"fact": "gender", "op": "in", "value": ["female"]})  # fmt: skip
    zhengzhou = offer_for(
        terms, planner, name="郑州专享", org=terms.org.children.get(code="410100")
    )
    far = partners.add_outlet(partner, name="洛阳店", by=planner)
    offers.place_outlet(outlet, latitude=34.7466, longitude=113.6253, by=planner)
    offers.place_outlet(far, latitude=34.6197, longitude=112.4540, by=planner)
    other, kaifeng = member(), member("410204")
    other.gender, worker.gender = "male", "female"
    other.save(update_fields=["gender"])
    worker.save(update_fields=["gender"])
    return person, outlet, far, offer, bus, budgeted, women, zhengzhou, other, kaifeng


def _story(path, worker, places):
    person, outlet, far, offer, bus, budgeted, women, zhengzhou, other, kaifeng = places
    keys = iter(KEYS)
    answers = []

    def go(chosen, who, at, *, key=None, outlet_id=None, code=None):
        answer = path(person, offer=chosen.pk, key=key or next(keys), outlet=outlet_id,
                      code=card(who) if code is None else code, at=at)  # fmt: skip
        answers.append(answer)
        return answer

    first_key = KEYS[0]
    assert go(offer, worker, local(2026, 12, 6, 8), outlet_id=outlet.pk).ok
    assert go(offer, worker, local(2026, 12, 6, 8), key=first_key).resent
    assert go(offer, worker, local(2026, 12, 6, 8, 1)).ok
    assert go(offer, worker, local(2026, 12, 6, 8, 2)).status == Status.LIMIT
    assert go(budgeted, worker, local(2026, 12, 6, 8, 3)).ok
    assert go(budgeted, other, local(2026, 12, 6, 8, 4)).status == Status.BUDGET
    assert go(women, other, local(2026, 12, 6, 8, 5)).status == Status.NOT_ELIGIBLE
    assert go(women, worker, local(2026, 12, 6, 8, 5)).ok
    assert go(zhengzhou, kaifeng, local(2026, 12, 6, 8, 5)).status == Status.NOT_ELIGIBLE
    assert go(offer, worker, local(2028, 1, 1, 8)).status == Status.NO_OFFER
    assert go(offer, worker, local(2026, 12, 6, 8), code="nonsense").status != Status.REDEEMED
    for minute in range(6):  # a burst: the sixth use within 10 minutes raises a flag
        assert go(bus, worker, local(2026, 12, 6, 8, 6 + minute), outlet_id=far.pk).ok
    assert go(bus, worker, local(2026, 12, 6, 20, 0), outlet_id=outlet.pk).ok
    assert go(bus, worker, local(2026, 12, 6, 20, 5), outlet_id=far.pk).ok  # 110 km apart
    return answers


def _snapshot(answers):
    ids = {
        pk: f"R{n}"
        for n, pk in enumerate(Redemption.objects.order_by("pk").values_list("pk", flat=True))
    }

    def norm(value):
        if isinstance(value, dict):
            return {k: (ids.get(v, v) if k in ("redemption_id", "redemption") else norm(v))
                    for k, v in value.items()}  # fmt: skip
        return value

    labels = {f"HX{pk:08d}": name for pk, name in ids.items()}
    skip = {"id", "redemption_id", "created_at"}

    def rows(model, order):
        found = []
        for row in model.objects.order_by(*order).values():
            row = {k: v for k, v in row.items() if k not in skip}
            found.append(norm(row))
        return found

    return {
        "answers": [norm(a.as_json()) | {"resent": a.resent} for a in answers],
        "redemptions": rows(Redemption, ["at", "pk"]),
        "member_counters": rows(MemberCounter, ["offer_id", "period", "starts_on", "worker_id"]),
        "budget_counters": rows(BudgetCounter, ["offer_id", "starts_on"]),
        "attempts": [
            (str(a.key), a.partner_id, ids.get(a.redemption_id), norm(a.answer))
            for a in Attempt.objects.order_by("key")
        ],
        "flags": [
            (f.kind, f.worker_id, f.org_id, ids[f.redemption_id], f.detail, f.status)
            for f in Flag.objects.order_by("pk")
        ],
        "audit": [
            (
                e.action,
                e.object_type,
                ids.get(int(e.object_id)) if e.object_type == "benefits.redemption" else "flag",
                labels.get(e.object_label),
                e.org_id,
                e.org_path,
                e.actor_id,
                e.actor_label,
                norm(e.changes),
                e.success,
                e.ip,
            )
            for e in AuditEvent.objects.filter(
                action__in=["benefits.redeemed", "benefits.flagged"]
            ).order_by("id")
        ],
    }


def _run(path, worker, places, *, story=None):
    with transaction.atomic():
        answers = (story or _story)(path, worker, places)
        assert verify_chain() is None
        taken = _snapshot(answers)
        transaction.set_rollback(True)
    return taken


def test_the_fast_confirm_writes_exactly_what_the_ordinary_path_writes(car_wash, worker, planner):
    places = _places(car_wash, worker, planner)
    ordinary = _run(redemptions.redeem, worker, places)
    fast = _run(confirm.confirm, worker, places)
    assert len(ordinary["redemptions"]) == 12 and len(ordinary["flags"]) == 3
    assert len(ordinary["audit"]) == 15 and len(ordinary["attempts"]) == 18
    for part in ordinary:
        assert fast[part] == ordinary[part], part


def test_a_fast_resend_of_a_refused_key_answers_the_refusal_and_writes_nothing(car_wash, worker):
    _partner, _outlet, person, _terms, offer = car_wash
    at = local(2026, 12, 6, 10)
    assert confirm.confirm(person, offer=offer.pk, key=KEYS[0], code=card(worker), at=at).ok
    assert confirm.confirm(person, offer=offer.pk, key=KEYS[1], code=card(worker), at=at).ok
    refused = confirm.confirm(person, offer=offer.pk, key=KEYS[2], code=card(worker), at=at)
    assert refused.status == Status.LIMIT
    events = AuditEvent.objects.count()
    again = confirm.confirm(person, offer=offer.pk, key=KEYS[2], code="expired", at=at)
    assert again.resent and again.status == Status.LIMIT
    assert AuditEvent.objects.count() == events and Attempt.objects.count() == 3
    assert MemberCounter.objects.get(worker=worker).used == 2
    assert at.date() == datetime.date(2026, 12, 6)
