"""PostgreSQL races: twenty proposals of one model worker's payment for the same period at
once give exactly one payment (the case row locked, the partial unique constraint behind it),
and the constraint alone refuses a second live payment of a period."""

import pytest
from django.db import IntegrityError, transaction

from nuanjia.core.errors import RuleViolation
from nuanjia.modelworkers import services
from nuanjia.modelworkers.models import HelpPayment
from tests.concurrency import postgresql_module, race

pytestmark = postgresql_module()


def test_twenty_proposals_of_one_period_give_one_payment(case, caseworker):
    results = race(lambda i: services.propose_payment(case, by=caseworker, on="2026-03-10"))
    made = [r for r in results if isinstance(r, HelpPayment)]
    refused = [r for r in results if isinstance(r, RuleViolation)]
    assert len(made) == 1 and len(refused) == 19, results
    assert {r.code for r in refused} == {"duplicate"}
    assert HelpPayment.objects.filter(worker=case.worker, period="2026-03").count() == 1


def test_the_constraint_refuses_a_second_live_payment_of_a_period(case, caseworker):
    payment = services.propose_payment(case, by=caseworker, on="2026-03-10")
    with pytest.raises(IntegrityError), transaction.atomic():
        HelpPayment.objects.create(
            case=case, org=case.org, worker=case.worker, earmark=payment.earmark,
            period=payment.period, period_start=payment.period_start,
            period_end=payment.period_end, amount_fen=1,
        )  # fmt: skip
