"""The audit list reads through an index (issue 25): EXPLAIN of its first page and of a page
reached by cursor, both orders, for the province's auditor and a county's, on the database of
the run, as nuanjia/hotline/tests/test_list_plans.py does for the worker and ticket lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from nuanjia.core.audit import record_event
from nuanjia.core.lists import count_rows
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
                    lines = plans.plan_of(query)
                    plans.assert_indexed(lines, "core_auditevent")
                    if connection.vendor == "sqlite":  # the id order walked, nothing sorted
                        assert not any("TEMP B-TREE" in line for line in lines), lines


def test_a_county_auditor_s_count_seeks_the_subtree_s_range(make_staff):
    """The county's page walks the id order; its capped count reads the (org_path, id)
    range, not the table (a county with few events would otherwise walk all of it)."""
    county = make_staff("410108", Role.AUDIT_ADMIN, username="hj_auditor")
    record_event(None, "test.listed", by=county, org=county.org, label="一条")
    with CaptureQueriesContext(connection) as captured:
        count = count_rows(visible_audit_events(county).filter(action="test.listed"))
    assert count.value == 1
    sql = captured.captured_queries[-1]["sql"]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            lines = [row[-1] for row in cursor.fetchall()]
            assert not any(line.startswith("SCAN core_auditevent") for line in lines), lines
