"""A buy-to-help order through the batch's other ways: the bank refuses it (its money released),
it goes into a new batch (reserved again), is taken out (received again, still reserved) and
the draft is dropped; each move leaves its history row and the ledger checks."""

import io

import pytest

from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import SheetSource
from nuanjia.funds.checks import first_discrepancy
from nuanjia.produce.models import HelpOrderEvent
from nuanjia.produce.rules import OrderStatus
from nuanjia.relief import services as relief

from .conftest import warmth, zhengzhou
from .test_orders import _results, account, received

pytestmark = pytest.mark.django_db


def _failed(batch, by):
    references = batch.lines.values_list("reference", flat=True)
    text = "参考号,结果,原因\n" + "".join(f"{ref},失败,账号有误\n" for ref in references)
    return relief.import_bank_results(
        batch, SheetSource(io.BytesIO(text.encode()), name="r.csv"), by=by
    )


def test_a_refused_order_is_released_batched_again_taken_out_and_paid(
    products, zz_caseworker, zz_approver, zz_finance
):
    order = received(products, zz_caseworker, zz_approver)
    build = dict(by=zz_finance, source_type="produce.order")
    batch = relief.batches.build_batch(zhengzhou(), warmth(), **build)
    relief.export_bank_file(batch, io.BytesIO(), by=zz_finance, reason="货款", fmt="csv")
    assert _failed(batch, zz_finance).committed
    order.refresh_from_db()
    assert order.status == OrderStatus.FAILED and account().reserved_fen == 0

    again = relief.batches.build_batch(zhengzhou(), warmth(), **build)
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_BATCH and order.batch == again
    assert account().reserved_fen == 198_000  # reserved again on the way in
    relief.batches.remove_from_batch(again, str(order.pk), by=zz_finance, note="核对账号")
    order.refresh_from_db()
    assert order.status == OrderStatus.RECEIVED and order.batch is None
    assert account().reserved_fen == 198_000
    with pytest.raises(RuleViolation) as gone:
        relief.batches.remove_from_batch(again, str(order.pk), by=zz_finance)
    assert gone.value.code == "not_in_batch"

    third = relief.batches.build_batch(zhengzhou(), warmth(), **build)
    relief.batches.discard_batch(third, by=zz_finance)
    order.refresh_from_db()
    assert order.status == OrderStatus.RECEIVED and account().reserved_fen == 198_000

    paying = relief.batches.build_batch(zhengzhou(), warmth(), **build)
    relief.export_bank_file(paying, io.BytesIO(), by=zz_finance, reason="货款", fmt="csv")
    assert relief.import_bank_results(paying, _results(paying), by=zz_finance).committed
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.paid_on is not None
    assert account().reserved_fen == 0 and account().spent_fen == 198_000
    assert first_discrepancy() is None
    moves = HelpOrderEvent.objects.filter(
        order=order, action__in=("batch", "unbatch", "pay", "fail")
    )
    assert list(moves.order_by("pk").values_list("action", "from_status", "to_status")) == [
        ("batch", "received", "in_batch"),
        ("fail", "in_batch", "failed"),
        ("batch", "failed", "in_batch"),
        ("unbatch", "in_batch", "received"),
        ("batch", "received", "in_batch"),
        ("unbatch", "in_batch", "received"),
        ("batch", "received", "in_batch"),
        ("pay", "in_batch", "paid"),
    ]
    refused_again = moves.get(action="batch", from_status="failed")
    assert refused_again.changes["reserved_fen"] == 198_000 and refused_again.by is not None
