"""The payment batch list filters by status and exports what the filter selects, audited."""

import pytest
from django.urls import reverse

from nuanjia.core.tests.exports import export_rows, last_export_event
from nuanjia.relief import services
from nuanjia.relief.models import PaymentBatch

from .conftest import YUAN, make_worker

pytestmark = pytest.mark.django_db


def test_the_batch_export_holds_the_batches_of_the_chosen_status(login, walk, finance, money):
    grants = [walk(make_worker(), "approved", amount_fen=900 * YUAN) for _ in range(2)]
    batch = services.build_batch(finance.org, grants[0].earmark, by=finance)
    client = login(finance)
    page = client.get(reverse("relief:batches"), {"status": batch.status}).content.decode()
    assert f"{reverse('relief:batches_export')}?status={batch.status}" in page
    rows = export_rows(client.get(reverse("relief:batches_export"), {"status": batch.status}))
    assert len(rows) == 2
    number, union, _earmark, _status, lines, total = rows[1][:6]
    assert (number, union, lines, total) == (batch.number, finance.org.name, 2, 1800)
    other = next(value for value in PaymentBatch.Status.values if value != batch.status)
    assert export_rows(client.get(reverse("relief:batches_export"), {"status": other}))[1:] == []
    event = last_export_event()
    assert event.changes["list"] == "relief.batches" and event.changes["filters"] == {
        "status": other
    }
