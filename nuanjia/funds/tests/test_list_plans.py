"""The transaction list reads through an index (issue 25): EXPLAIN of its first page and of a
page reached by cursor, for every sort, at the province (whole tree: the sort index walked
unfiltered) and at a county (its own and its counterpart rows), on the database of the run,
as nuanjia/hotline/tests/test_list_plans.py does for the worker and ticket lists."""

import re

import pytest
from django.db import connection

from nuanjia.core import lists
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


def _county_rows(orgs, warmth, province_finance, city_finance, finance):
    """Rows of 惠济区's own (received, reserved) and counterpart (allocated to it) kinds."""
    services.receive(orgs["410000"], warmth, 900_000, source="财政", by=province_finance)
    services.allocate(orgs["410000"], orgs["410100"], warmth, 600_000, by=province_finance)
    for n in range(3):
        services.allocate(orgs["410100"], orgs["410108"], warmth, (n + 1) * 100, by=city_finance)
        services.receive(orgs["410108"], warmth, (n + 1) * 100, source="财政", by=finance)


def test_a_county_reads_its_own_and_counterpart_rows_by_two_seeks(
    orgs, warmth, province_finance, city_finance, finance
):
    """Below the province the scope is an OR of two unions' columns: each page (first, by
    cursor, by page number) and the capped count read each column's own (org, date, id)
    index, never the table."""
    _county_rows(orgs, warmth, province_finance, city_finance, finance)
    spec = queries.TRANSACTION_LIST
    for rows in (queries.visible_transactions(finance), queries.filtered_transactions(finance)):
        assert lists.list_branches(rows)
        for sort in spec.sorts:
            keys = spec.keys(rows.model, sort)
            first = spec.ordered(rows, sort).first()
            values = [getattr(first, key.path) for key in keys]
            for query in (
                lists.seek_query(rows, keys, [], 0, 51),
                lists.seek_query(rows, keys, values, 0, 51),
                lists.seek_query(rows, keys, [], 100, 51),
                spec.ordered(rows, sort),
            ):
                lines = plans.plan_of(query)
                plans.assert_indexed(lines, "funds_transaction")
                assert_both_seeks(lines)
    page = spec.page(queries.filtered_transactions(finance), {})
    assert page.count == lists.RowCount(6, "exact")


def assert_both_seeks(lines: list[str]) -> None:
    """The plan seeks the table by its own union's column and by the counterpart's (an
    index on either column alone or with the date: small test tables pick the narrower)."""
    text = "\n".join(lines)
    if connection.vendor == "postgresql":
        seeks = [line for line in lines if "Index Cond" in line]
        for column in ("org_id", "counterpart_org_id"):
            assert any(re.search(rf"[ .(]{column} = ", line) for line in seeks), text
    else:
        for column in ("org_id", "counterpart_org_id"):
            seek = rf"^SEARCH funds_transaction USING (COVERING )?INDEX \S+ \({column}=\?"
            assert any(re.match(seek, line.strip()) for line in lines), text
        assert not any(line.strip().startswith("SCAN funds_transaction") for line in lines), text


def test_the_province_reads_one_index_without_branches(province_finance):
    assert not lists.list_branches(queries.visible_transactions(province_finance))
