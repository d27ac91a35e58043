"""The demo's psychological help: 郑州's line with tomorrow's 03:00–07:00 gap, loaded once."""

import pytest

from nuanjia.counselling import services
from nuanjia.counselling.demo import load_demo_counselling
from nuanjia.counselling.models import Line
from nuanjia.orgs.rules import Role

pytestmark = pytest.mark.django_db


def test_the_demo_line_has_tomorrows_gap_and_loads_once(make_staff):
    for username, code, role in (("zz_caseworker", "410100", Role.CASEWORKER),
                                 ("zz_approver", "410100", Role.APPROVER),
                                 ("sz_caseworker", "410000", Role.CASEWORKER),
                                 ("sz_approver", "410000", Role.APPROVER)):  # fmt: skip
        make_staff(code, role, username=username)
    assert load_demo_counselling() > 0
    assert load_demo_counselling() == 0
    line = Line.objects.get(org__code="410100")
    first, last = services.window(7)
    gaps = services.find_gaps([line], first, last)[line.pk]
    assert [round(gap.hours) for gap in gaps] == [4]
