"""The demo's model workers: honours, a base, a case with this month's payment proposed;
loaded once."""

import pytest

from nuanjia.modelworkers.demo import load_demo_modelworkers
from nuanjia.modelworkers.models import Base, HelpPayment
from nuanjia.orgs.rules import Role
from nuanjia.relief.tests.conftest import make_worker

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once(make_staff):
    make_staff("410100", Role.CASEWORKER, username="zz_caseworker")
    make_staff("410000", Role.APPROVER, username="sz_approver")
    for _ in range(3):
        make_worker("410102")
    assert load_demo_modelworkers() == 3
    assert load_demo_modelworkers() == 0
    assert Base.objects.count() == 1
    assert HelpPayment.objects.get().status == "proposed"
