"""The demo's rent relief: the province's total in the figures is reproduced from its leases,
each relief the policy's months of its own schedule; the medium firm is left out."""

import pytest

from nuanjia.demo import load_demo
from nuanjia.enterprises import services
from nuanjia.enterprises.demo import load_demo_enterprises
from nuanjia.enterprises.figures import province_relief_total
from nuanjia.enterprises.models import Lease, ReliefPolicy, RentRelief
from nuanjia.enterprises.rules import ReliefStatus

pytestmark = pytest.mark.django_db


def test_the_demo_reproduces_the_province_total_from_its_leases(tree):
    load_demo()
    assert load_demo_enterprises() is False
    policy = ReliefPolicy.objects.get(code="hn-2022-3-12")
    expected = sum(
        services.compute_relief(lease, policy).total_fen
        for lease in Lease.objects.all()
        if services.check_eligibility(lease, policy).eligible
    )
    assert RentRelief.objects.filter(status=ReliefStatus.APPROVED).count() == 4
    # (5,000 + 8,000 + 2,800) × (3 + 12 × ½) + 3,600 × (3 + 5 × ½) = 162,000 元
    assert expected == province_relief_total() == 162_000_00
    assert services.reconcile() == []
