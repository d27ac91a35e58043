"""The file list reads through an index (issue 25): EXPLAIN of its first page and of a page
reached by cursor, for every sort, at the province and at a county, on the database of the
run, as nuanjia/hotline/tests/test_list_plans.py does for the worker and ticket lists."""

import pytest

from nuanjia.hardship import queries, services
from nuanjia.hardship.tests.conftest import build_household
from nuanjia.hotline.tests import test_list_plans as plans
from nuanjia.orgs.rules import Role

pytestmark = pytest.mark.django_db


def test_the_file_list_pages_through_an_index(standards, caseworker, make_staff):
    province = make_staff("410000", Role.CASEWORKER)
    for n in range(3):
        household = build_household(phone=f"139000000{n:02d}")
        services.open_file(household, by=caseworker, note=f"困难{n}")
    spec = queries.FILE_LIST
    for user in (caseworker, province):
        for filters in ({}, {"status": "checked"}):
            rows = queries.filtered_files(user, filters)
            for sort in spec.sorts:
                if not rows.exists():
                    continue
                for query in plans._pages(spec, rows, sort):
                    plans.assert_indexed(plans.plan_of(query), "hardship_hardshipfile")
