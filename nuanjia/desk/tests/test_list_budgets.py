"""The audit list's query budget (issue 25)."""

import pytest
from django.urls import reverse

from nuanjia.core.audit import record_event
from nuanjia.core.tests.listbudget import page_queries

pytestmark = pytest.mark.django_db


def test_the_audit_list_page_has_a_fixed_query_budget(auditor, login, django_assert_num_queries):
    for n in range(5):
        record_event(None, "test.listed", by=auditor, org=auditor.org, label=f"第{n}条")
    client = login(auditor)
    url = reverse("desk:audit_list")
    page_queries(client, url, {"page_size": 2}, 9, django_assert_num_queries)
    page_queries(
        client, url, {"page_size": 2, "action": "test.listed"}, 9, django_assert_num_queries
    )
