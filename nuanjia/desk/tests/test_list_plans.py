"""The audit list reads through an index (issue 25): EXPLAIN of its first page and of a page
reached by cursor, both orders, for the province's auditor and a county's, on the database of
the run, as nuanjia/hotline/tests/test_list_plans.py does for the worker and ticket lists."""

import pytest

from nuanjia.core.audit import record_event
from nuanjia.desk.views import AUDIT_LIST, visible_audit_events
from nuanjia.hotline.tests import test_list_plans as plans
from nuanjia.orgs.rules import Role

pytestmark = pytest.mark.django_db


def test_the_audit_list_pages_through_an_index(auditor, make_staff):
    county = make_staff("410108", Role.AUDIT_ADMIN, username="hj_auditor")
    for n in range(3):
        record_event(None, "test.listed", by=county, org=county.org, label=f"第{n}条")
    for user in (county, auditor):
        for rows in (
            visible_audit_events(user),
            visible_audit_events(user).filter(action="test.listed"),
        ):
            for sort in AUDIT_LIST.sorts:
                for query in plans._pages(AUDIT_LIST, rows, sort):
                    plans.assert_indexed(plans.plan_of(query), "core_auditevent")
