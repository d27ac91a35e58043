"""PostgreSQL race: two claims of one member, each asking 60% of the annual cap, submitted at
the same moment: one is proposed in full, the other at the 40% left with the reason "over the
cap", and the approved total is exactly the cap."""

import datetime

from nuanjia.core import clock
from nuanjia.core.errors import RuleViolation
from nuanjia.mutualaid import services
from nuanjia.mutualaid.models import Claim, YearCounter
from nuanjia.mutualaid.rules import ClaimStep, Cut
from nuanjia.mutualaid.workflow import CLAIM_FLOW
from tests.concurrency import postgresql_module, race

from .support import TODAY, claim_data, covered, fund, line, make_plan

pytestmark = postgresql_module()
CAP = 1_000_000


def test_two_claims_at_once_never_pass_the_annual_cap_together(planner, caseworker, ma_approver):
    with clock.as_of(TODAY):
        plan = make_plan(
            planner,
            rules={"percent": 100},
            cap_claim_fen=CAP,
            cap_episode_fen=CAP,
            cap_year_fen=CAP,
        )
        enrolment = covered(plan, caseworker, paid_on=datetime.date(2026, 1, 1))
        fund(plan, 10 * CAP)
        datas = [
            claim_data(episode=label, lines=[line(600_000)], day=datetime.date(2026, 6, 1))
            for label in ("一", "二")
        ]

    def submit(i):
        with clock.as_of(TODAY):
            return services.submit_claim(plan, enrolment.worker, datas[i], by=caseworker)

    results = race(submit, threads=2)
    assert not [
        r for r in results if isinstance(r, (RuleViolation, Exception)) and not isinstance(r, Claim)
    ], results
    proposed = sorted(claim.proposed_fen for claim in Claim.objects.all())
    assert proposed == [400_000, 600_000]
    short = Claim.objects.get(proposed_fen=400_000)
    assert short.lines.get().cuts == [[Cut.OVER_CAP, 200_000]]
    with clock.as_of(TODAY):
        for claim in Claim.objects.all():
            CLAIM_FLOW.take_step(claim, ClaimStep.APPROVE, by=ma_approver)
    assert sum(Claim.objects.values_list("approved_fen", flat=True)) == CAP
    counter = YearCounter.objects.get()
    assert (counter.used_fen, counter.reserved_fen) == (CAP, 0)
