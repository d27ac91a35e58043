"""The transaction list exports to Excel with its filters: exactly the rows they select, none
of another city's, and an audit event; the API takes the same search."""

import pytest
from django.urls import reverse

from nuanjia.core.tests.exports import export_rows, last_export_event
from nuanjia.funds import services
from nuanjia.funds.models import Transaction

from .conftest import YUAN

pytestmark = pytest.mark.django_db


@pytest.fixture
def kaifeng_allocation(funded, orgs, warmth, province_finance):
    """The province passes money to 开封 too: 郑州 must never see it."""
    return services.allocate(
        orgs["410000"], orgs["410200"], warmth, 1_000 * YUAN, by=province_finance, memo="开封拨款"
    )


def test_the_export_holds_exactly_the_filtered_transactions(
    login, city_finance, funded, orgs, kaifeng_allocation
):
    client = login(city_finance)
    filters = {"kind": Transaction.Kind.ALLOCATE}
    page = client.get(reverse("funds:transactions"), filters).content.decode()
    assert f"{reverse('funds:transactions_export')}?kind=allocate" in page
    rows = export_rows(client.get(reverse("funds:transactions_export"), filters))
    expected = Transaction.objects.filter(kind="allocate").exclude(pk=kaifeng_allocation.pk)
    assert sorted(row[0] for row in rows[1:]) == sorted(expected.values_list("pk", flat=True))
    assert "开封拨款" not in str(rows)
    to_county = expected.get(counterpart_org=orgs["410108"])
    row = next(row for row in rows[1:] if row[0] == to_county.pk)
    assert row[3:7] == [orgs["410100"].name, orgs["410108"].name, "送温暖资金", 4_000]
    event = last_export_event()
    assert event.actor_id == city_finance.pk
    assert event.changes["filters"] == {"kind": "allocate"} and event.changes["rows"] == 2


def test_a_search_by_transaction_number_exports_that_one(login, city_finance, funded):
    posted = Transaction.objects.filter(kind="allocate").order_by("pk").last()
    client = login(city_finance)
    rows = export_rows(client.get(reverse("funds:transactions_export"), {"q": f"#{posted.pk}"}))
    assert [row[0] for row in rows[1:]] == [posted.pk]
    items = client.get("/api/v1/funds/transactions", {"q": f"#{posted.pk}"}).json()["items"]
    assert [item["id"] for item in items] == [posted.pk]
