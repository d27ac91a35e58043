"""The transaction list reads through an index (issue 25): EXPLAIN of its first page and of a
page reached by cursor, for every sort, at the province (whole tree: the sort index walked
unfiltered) and at a county (its own and its counterpart rows), on the database of the run,
as nuanjia/hotline/tests/test_list_plans.py does for the worker and ticket lists."""

import pytest

from nuanjia.funds import queries, services
from nuanjia.hotline.tests import test_list_plans as plans

pytestmark = pytest.mark.django_db


def test_the_transaction_list_pages_through_an_index(orgs, warmth, province_finance, finance):
    for n in range(3):
        services.receive(orgs["410108"], warmth, (n + 1) * 100, source="财政", by=province_finance)
    spec = queries.TRANSACTION_LIST
    for user in (finance, province_finance):
        for rows in (queries.visible_transactions(user), queries.filtered_transactions(user)):
            for sort in spec.sorts:
                for query in plans._pages(spec, rows, sort):
                    plans.assert_indexed(plans.plan_of(query), "funds_transaction")
