"""The demo grants load through the services, once, with one settled batch, and the ledger
check passes on them."""

import pytest

from nuanjia.demo import load_demo
from nuanjia.funds.checks import first_discrepancy
from nuanjia.relief.demo import GRANTS, load_demo_grants
from nuanjia.relief.models import Grant, PaymentBatch
from nuanjia.relief.rules import Status

pytestmark = pytest.mark.django_db


def test_the_demo_grants_load_once_with_a_paid_batch(tree):
    load_demo()  # loads the grants with everything else
    # The demo campaign's visits propose grants of their own (their reason names the campaign).
    demo_grants = Grant.objects.exclude(grant_type__code="gradual-exit").exclude(
        reason__contains="送温暖活动"
    )
    assert demo_grants.count() == len(GRANTS)
    assert load_demo_grants() == 0
    statuses = set(Grant.objects.values_list("status", flat=True))
    assert {
        Status.PROPOSED,
        Status.REVIEWED,
        Status.APPROVED,
        Status.PAID,
        Status.CANCELLED,
    } <= statuses
    assert PaymentBatch.objects.filter(status=PaymentBatch.Status.SETTLED).exists()
    assert Grant.objects.filter(grant_type__code="gradual-exit").exists()
    assert first_discrepancy() is None
