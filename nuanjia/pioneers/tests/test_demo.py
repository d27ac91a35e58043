"""The demo's pioneers: 百味餐饮's team publicised and waiting for 郑州审批人, a competition with
the team ranked, a studio in 郑州's alliance; loaded once."""

import pytest

from nuanjia.orgs.rules import Role
from nuanjia.people.models import Worker
from nuanjia.pioneers.demo import load_demo_pioneers
from nuanjia.pioneers.models import Entry, Studio, Title
from nuanjia.pioneers.rules import TitleStatus

pytestmark = pytest.mark.django_db


def test_the_demo_title_waits_for_the_city_and_loads_once(make_staff, union):
    for username, code, role in (("bw_caseworker", union.code, Role.CASEWORKER),
                                 ("zz_reviewer", "410100", Role.REVIEWER),
                                 ("zz_caseworker", "410100", Role.CASEWORKER),
                                 ("hj_caseworker", "410108", Role.CASEWORKER)):  # fmt: skip
        make_staff(code, role, username=username)
    Worker.objects.create(org=union, name="李劳模", region_code="410108")
    assert load_demo_pioneers() == 1
    assert load_demo_pioneers() == 0
    assert Title.objects.get().status == TitleStatus.PUBLICITY
    assert Entry.objects.get().rank == 1
    assert Studio.objects.get().memberships.count() == 1
