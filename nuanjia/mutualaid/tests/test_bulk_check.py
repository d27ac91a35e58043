"""The bulk check writes exactly what the one-at-a-time check writes."""

import datetime

import pytest

from nuanjia.core.models import AuditEvent
from nuanjia.mutualaid.models import Claim, YearCounter
from nuanjia.mutualaid.rules import ClaimStatus
from nuanjia.mutualaid.services import submit_claim
from nuanjia.mutualaid.services.bulk_check import check_received

from .support import claim_data, covered, line, make_plan


def _claims(plan, caseworker, *, check):
    enrolment = covered(plan, caseworker, paid_on=datetime.date(2026, 2, 1))
    made = []
    for day, asked in (
        (datetime.date(2026, 4, 1), 50_000),
        (datetime.date(2026, 6, 1), 150_000),
        (datetime.date(2026, 6, 2), 100_000),
    ):
        data = claim_data(
            day=day, lines=[line(asked, code="A"), line(asked // 2, code="B")], episode="一"
        )
        made.append(submit_claim(plan, enrolment.worker, data, by=caseworker, check=check))
    return made


@pytest.mark.django_db
def test_the_bulk_check_writes_what_the_single_check_writes(planner, caseworker):
    plan = make_plan(planner, cap_claim_fen=80_000, cap_episode_fen=150_000, cap_year_fen=150_000)
    single = _claims(plan, caseworker, check=True)
    received = _claims(plan, caseworker, check=False)
    assert {c.status for c in received} == {ClaimStatus.RECEIVED}
    assert check_received(chunk=2) == 3
    assert AuditEvent.objects.filter(action="mutualaid.claim.checked").count() == 2

    def shape(claim):
        claim = Claim.objects.get(pk=claim.pk)
        return (claim.status, claim.proposed_fen, claim.reserved_fen,
                [(row.proposed_fen, row.cuts) for row in claim.lines.order_by("position")])  # fmt: skip

    assert [shape(c) for c in single] == [shape(c) for c in received]
    one, two = YearCounter.objects.order_by("pk")
    assert (one.reserved_fen, one.used_fen) == (two.reserved_fen, two.used_fen)
    assert check_received() == 0


def test_the_review_sample_is_a_hash_not_a_draw():
    """The same claim of the same plan is always in or out; the share is near the percent."""
    from nuanjia.mutualaid.rules import in_review_sample

    picks = [in_review_sample(7, claim_id, 20) for claim_id in range(1, 5001)]
    assert picks == [in_review_sample(7, claim_id, 20) for claim_id in range(1, 5001)]
    assert 900 < sum(picks) < 1100
    assert picks != [in_review_sample(8, claim_id, 20) for claim_id in range(1, 5001)]
    assert not any(in_review_sample(7, claim_id, 0) for claim_id in range(1, 1001))
    assert all(in_review_sample(7, claim_id, 100) for claim_id in range(1, 1001))


@pytest.mark.django_db
def test_both_checks_sample_a_claim_alike(planner, caseworker):
    """Every claim above the amount, and the hashed share of the rest, whichever check ran."""
    from nuanjia.mutualaid.rules import in_review_sample

    plan = make_plan(planner, sample_percent=50, review_above_fen=120_000)
    claims = _claims(plan, caseworker, check=True) + _claims(plan, caseworker, check=False)
    check_received()
    for claim in Claim.objects.filter(pk__in=[c.pk for c in claims]):
        expected = claim.proposed_fen > 120_000 or in_review_sample(plan.pk, claim.pk, 50)
        assert claim.second_review == expected, claim.pk
