"""The demo's skills: 郑州's course with its trainees, two certificates and the settlement
waiting for approval, a contest and an academy; loaded once."""

import pytest

from nuanjia.orgs.rules import Role
from nuanjia.people.tests.support import id_number, register
from nuanjia.skills.demo import load_demo_skills
from nuanjia.skills.models import Academy, Certificate, Contest, Settlement

pytestmark = pytest.mark.django_db


def test_the_demo_loads_once(make_staff):
    cw = make_staff("410100", Role.CASEWORKER, username="zz_caseworker")
    make_staff("410100", Role.FINANCE, username="zz_finance")
    for n in range(3):
        register(cw, name=f"演示{n}", id_number=id_number("410102", sequence=300 + n))
    assert load_demo_skills() == 3
    assert load_demo_skills() == 0
    assert Certificate.objects.count() == 2
    assert Settlement.objects.get().status == "prepared"
    assert Contest.objects.count() == 1 and Academy.objects.count() == 1
