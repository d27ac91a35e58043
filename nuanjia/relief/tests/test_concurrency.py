"""Under real concurrency (PostgreSQL, 20 threads): a grant is paid exactly once, however many
people click “paid” or import the bank's file at the same moment.

SQLite serializes every write transaction (IMMEDIATE), so these races only exist on
PostgreSQL; the tests are skipped elsewhere.
"""

import csv
import io

import pytest

from nuanjia.core.imports import SheetSource
from nuanjia.funds.models import FundAccount, Transaction
from nuanjia.relief import services
from nuanjia.relief.models import Grant, PaymentBatch
from nuanjia.relief.rules import Status
from tests.concurrency import postgresql_module, race

from .conftest import YUAN, make_worker

pytestmark = postgresql_module()


@pytest.fixture
def sent_batch(money, walk, huiji, earmarks, finance):
    grants = [walk(make_worker(), "approved", amount_fen=1_000 * YUAN) for _ in range(3)]
    batch = services.build_batch(huiji, earmarks["warmth"], by=finance)
    services.export_bank_file(batch, io.BytesIO(), by=finance, reason="发放")
    return batch, grants


def test_twenty_threads_confirming_the_same_payment_make_one_spending_entry(
    sent_batch, finance, money
):
    _batch, grants = sent_batch
    grant = grants[0]
    results = race(lambda i: services.confirm_payment(Grant.objects.get(pk=grant.pk), by=finance))
    assert [result for result in results if isinstance(result, Exception)] == []
    assert (
        Transaction.objects.filter(
            kind="spend", source_type="relief.grant", source_id=str(grant.pk)
        ).count()
        == 1
    )
    grant.refresh_from_db()
    assert grant.status == Status.PAID
    account = FundAccount.objects.get(pk=money["warmth"].pk)
    assert account.spent_fen == 1_000 * YUAN and account.reserved_fen == 2_000 * YUAN
    assert PaymentBatch.objects.get(pk=grant.batch_id).paid_count == 1


def test_twenty_threads_importing_the_same_result_file_pay_each_grant_once(
    sent_batch, finance, money
):
    batch, _grants = sent_batch
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["参考号", "结果"])
    writer.writerows([(ref, "成功") for ref in batch.lines.values_list("reference", flat=True)])
    payload = buffer.getvalue().encode()

    def work(i):
        source = SheetSource(io.BytesIO(payload), name="r.csv")
        return services.import_bank_results(
            PaymentBatch.objects.get(pk=batch.pk), source, by=finance
        )

    results = race(work)
    assert [result for result in results if isinstance(result, Exception)] == []
    assert all(result.committed for result in results)
    assert sum(result.updated for result in results) == 3
    assert Transaction.objects.filter(kind="spend", source_type="relief.grant").count() == 3
    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.SETTLED and batch.paid_count == 3
    assert FundAccount.objects.get(pk=money["warmth"].pk).spent_fen == 3_000 * YUAN
