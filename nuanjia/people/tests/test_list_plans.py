"""The transfer and duplicate lists read through an index (issue 25), on the database of the
run: EXPLAIN of the first page and of a page reached by cursor, at the province and at a
county, as nuanjia/hotline/tests/test_list_plans.py does for the worker and ticket lists."""

import pytest

from nuanjia.hotline.tests import test_list_plans as plans
from nuanjia.orgs.rules import Role
from nuanjia.people import queries

from .test_list_stability import add_duplicates, add_transfers

pytestmark = pytest.mark.django_db


@pytest.fixture
def province_caseworker(make_staff):
    return make_staff("410000", Role.CASEWORKER)


def test_the_transfer_lists_page_through_an_index(caseworker, province_caseworker):
    add_transfers(caseworker, 30)
    spec = queries.TRANSFER_LIST
    for user in (caseworker, province_caseworker):
        for rows in (queries.visible_transfers(user), queries.transfers_to_decide(user)):
            for sort in spec.sorts:
                for query in plans._pages(spec, rows, sort):
                    plans.assert_indexed(plans.plan_of(query), "people_transferrequest")


def test_the_duplicate_queue_pages_through_an_index(caseworker, province_caseworker):
    add_duplicates(caseworker, 30)
    spec = queries.DUPLICATE_LIST
    for user in (caseworker, province_caseworker):
        for query in plans._pages(spec, queries.duplicates_to_review(user), "score"):
            plans.assert_indexed(plans.plan_of(query), "people_duplicatecandidate")
