"""An over-limit line of the cap check carries a warning mark, never a green tick."""

import re

import pytest
from django.urls import reverse

from nuanjia.relief import rules
from nuanjia.relief.rules import CapValues

from .conftest import YUAN, make_family
from .test_services import propose


def test_the_line_above_the_approval_limit_is_a_warning():
    caps = CapValues(per_occasion_fen=900_000, approval_limit_fen=500_000)
    check = rules.check_caps(500_001, caps, year_total_fen=0, dibao_fen=None)
    marks = {line["text"][:5]: (line["ok"], line["warn"]) for line in check.as_json()}
    assert check.is_ok and sorted(marks.values()) == [(True, False), (True, True)]


@pytest.mark.django_db
def test_the_grant_page_marks_the_over_limit_line_as_a_warning(
    login, money, caseworker, grant_types
):
    worker = make_family().household.worker
    above = propose(worker, caseworker, grant_types, type="medical", amount_fen=5_000 * YUAN + 1)
    assert above.needs_higher_approval
    page = login(caseworker).get(reverse("relief:grant_detail", args=[above.pk])).content.decode()
    caps = re.search(r'data-testid="grant-caps">(.*?)</ul>', page, re.S).group(1)
    over = [
        item for item in re.findall(r'<li class="(\w+)">([^<]*)', caps) if "5,000.00" in item[1]
    ]
    assert over and all(mark == "warn" for mark, _text in over)
