"""Payment batches: built from approved grants, exported with full account numbers (audited),
settled from the bank's result file all or nothing, each grant paid at most once."""

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from nuanjia.core.audit import AuditEvent
from nuanjia.core.crypto import decrypt
from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import SheetSource
from nuanjia.funds.checks import first_discrepancy
from nuanjia.funds.models import FundAccount, Transaction
from nuanjia.relief import services
from nuanjia.relief.models import Grant, PaymentBatch, PaymentLine
from nuanjia.relief.rules import Status

from .conftest import YUAN, make_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(money, walk):
    """Three approved 送温暖 grants of 惠济区 (1,000, 1,200 and 1,500 元)."""
    return [
        walk(make_worker(), "approved", amount_fen=amount * YUAN)
        for amount in (1_000, 1_200, 1_500)
    ]


@pytest.fixture
def batch(approved, huiji, earmarks, finance):
    return services.build_batch(huiji, earmarks["warmth"], by=finance)


@pytest.fixture
def sent(batch, finance):
    services.export_bank_file(batch, io.BytesIO(), by=finance, reason="发放送温暖慰问金")
    batch.refresh_from_db()
    return batch


def result_file(rows, header=("参考号", "结果", "原因")) -> SheetSource:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return SheetSource(io.BytesIO(buffer.getvalue().encode("utf-8")), name="result.csv")


def references(batch) -> list[str]:
    return list(batch.lines.order_by("pk").values_list("reference", flat=True))


def account(money, code="warmth") -> FundAccount:
    return FundAccount.objects.get(pk=money[code].pk)


def snapshot():
    return (
        list(Grant.objects.order_by("pk").values_list("pk", "status", "batch_id")),
        list(PaymentLine.objects.order_by("pk").values_list("pk", "result")),
        Transaction.objects.count(),
        list(PaymentBatch.objects.order_by("pk").values_list("pk", "status", "paid_count")),
    )


# ---- Building -------------------------------------------------------------------------------


def test_a_batch_takes_the_approved_grants_of_the_union_and_earmark(batch, approved):
    assert batch.line_count == 3 and batch.total_fen == 3_700 * YUAN
    assert set(Grant.objects.filter(batch=batch).values_list("status", flat=True)) == {
        Status.BATCHED
    }
    assert references(batch)[0] == f"PB{batch.pk:06d}-RG{approved[0].pk:06d}"
    assert AuditEvent.objects.filter(action="relief.batch_built", object_id=str(batch.pk)).exists()


def test_grants_without_a_bank_account_or_approved_by_the_builder_stay_out(
    money, walk, huiji, earmarks, make_staff
):
    walk(make_worker(bank=False), "approved")
    with pytest.raises(RuleViolation) as refusal:
        services.build_batch(huiji, earmarks["warmth"], by=make_staff("410108", "finance"))
    assert refusal.value.code == "nothing_to_batch"


def test_only_finance_in_scope_builds(approved, huiji, earmarks, approver, make_staff):
    with pytest.raises(PermissionDenied):
        services.build_batch(huiji, earmarks["warmth"], by=approver)
    with pytest.raises(PermissionDenied):
        services.build_batch(huiji, earmarks["warmth"], by=make_staff("410204", "finance"))


def test_a_grant_goes_into_one_batch_only(batch, huiji, earmarks, finance):
    with pytest.raises(RuleViolation):
        services.build_batch(huiji, earmarks["warmth"], by=finance)


def test_discarding_a_draft_puts_its_grants_back_to_approved(batch, finance, money):
    services.discard_batch(batch, by=finance)
    assert set(Grant.objects.values_list("status", flat=True)) == {Status.APPROVED}
    assert account(money).reserved_fen == 3_700 * YUAN
    assert not Grant.objects.filter(batch__isnull=False).exists()


def test_a_grant_taken_out_of_a_draft_keeps_its_reservation(batch, approved, finance):
    services.remove_from_batch(batch, approved[0], by=finance)
    batch.refresh_from_db()
    approved[0].refresh_from_db()
    assert approved[0].status == Status.APPROVED and batch.line_count == 2
    assert batch.total_fen == 2_700 * YUAN


# ---- The bank file --------------------------------------------------------------------------


def test_the_bank_file_has_full_account_numbers_and_the_export_is_audited(batch, approved, finance):
    output = io.BytesIO()
    written = services.export_bank_file(batch, output, by=finance, reason="发放送温暖慰问金")
    assert written == 3
    output.seek(0)
    rows = list(load_workbook(output, read_only=True).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("参考号", "户名", "账号", "开户行", "金额(元)")
    worker = approved[0].worker
    assert rows[1][1] == worker.name
    assert rows[1][2] == decrypt(worker.bank_account_encrypted)
    assert rows[1][4] == "1000.00"
    event = AuditEvent.objects.get(action="relief.bank_file_exported", object_id=str(batch.pk))
    assert event.changes["reason"] == "发放送温暖慰问金" and event.changes["lines"] == 3
    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.EXPORTED
    with pytest.raises(RuleViolation):
        services.remove_from_batch(batch, approved[1], by=finance)


def test_the_bank_file_as_csv(batch, approved, finance):
    output = io.BytesIO()
    services.export_bank_file(batch, output, by=finance, reason="发放", fmt="csv")
    text = output.getvalue().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "参考号" and len(rows) == 4
    assert rows[2][2] == decrypt(approved[1].worker.bank_account_encrypted)


def test_the_bank_file_needs_a_reason_and_the_permission(batch, finance, approver):
    with pytest.raises(RuleViolation) as refusal:
        services.export_bank_file(batch, io.BytesIO(), by=finance, reason=" ")
    assert refusal.value.field == "reason"
    with pytest.raises(PermissionDenied):
        services.export_bank_file(batch, io.BytesIO(), by=approver, reason="看看")
    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.DRAFT and batch.export_count == 0


# ---- The bank's results ---------------------------------------------------------------------


def test_a_result_file_marking_all_paid_spends_each_grant_once(sent, money, finance):
    result = services.import_bank_results(
        sent, result_file([(ref, "成功", "") for ref in references(sent)]), by=finance
    )
    assert result.committed and result.updated == 3
    sent.refresh_from_db()
    assert sent.status == PaymentBatch.Status.SETTLED and sent.paid_fen == 3_700 * YUAN
    assert set(Grant.objects.values_list("status", flat=True)) == {Status.PAID}
    funds = account(money)
    assert funds.reserved_fen == 0 and funds.spent_fen == 3_700 * YUAN
    assert Transaction.objects.filter(kind="spend", source_type="relief.grant").count() == 3
    assert first_discrepancy() is None


def test_importing_the_same_file_again_changes_nothing(sent, money, finance):
    source_rows = [(ref, "成功", "") for ref in references(sent)]
    services.import_bank_results(sent, result_file(source_rows), by=finance)
    before = snapshot()
    again = services.import_bank_results(sent, result_file(source_rows), by=finance)
    assert again.committed and again.unchanged == 3 and again.updated == 0
    assert snapshot()[:3] == before[:3]
    assert Transaction.objects.filter(kind="spend").count() == 3


def test_an_unknown_reference_names_row_and_column_and_changes_nothing(sent, finance):
    refs = references(sent)
    before = snapshot()
    result = services.import_bank_results(
        sent,
        result_file(
            [(refs[0], "成功", ""), ("PB999999-RG999999", "成功", ""), (refs[2], "成功", "")]
        ),
        by=finance,
    )
    assert not result.committed
    [error] = result.errors
    assert error.row == 3 and error.column == "A"
    assert str(error).startswith("第3行 A列（参考号）")
    assert snapshot() == before


def test_a_duplicate_line_is_refused_whole(sent, finance):
    refs = references(sent)
    before = snapshot()
    result = services.import_bank_results(
        sent,
        result_file([(refs[0], "成功", ""), (refs[1], "成功", ""), (refs[0], "成功", "")]),
        by=finance,
    )
    assert not result.committed
    assert [(error.row, error.column) for error in result.errors] == [(4, "A")]
    assert snapshot() == before


def test_a_bad_result_word_and_a_failure_without_reason_are_errors(sent, finance):
    refs = references(sent)
    result = services.import_bank_results(
        sent, result_file([(refs[0], "也许", ""), (refs[1], "失败", "")]), by=finance
    )
    assert not result.committed
    assert [(error.row, error.column) for error in result.errors] == [(2, "B"), (3, "C")]


def test_a_wrong_amount_is_an_error(sent, finance):
    refs = references(sent)
    result = services.import_bank_results(
        sent,
        result_file(
            [(refs[0], "成功", "", "999.00")], header=("参考号", "结果", "原因", "金额(元)")
        ),
        by=finance,
    )
    assert [(error.row, error.column) for error in result.errors] == [(2, "D")]


def test_a_reference_of_another_batch_is_refused(sent, money, walk, huiji, earmarks, finance):
    walk(make_worker(), "approved")
    other = services.build_batch(huiji, earmarks["warmth"], by=finance)
    result = services.import_bank_results(
        sent, result_file([(references(other)[0], "成功", "")]), by=finance
    )
    assert not result.committed and result.errors[0].column == "A"


def test_a_draft_batch_takes_no_results(batch, finance):
    result = services.import_bank_results(
        batch, result_file([(ref, "成功", "") for ref in references(batch)]), by=finance
    )
    assert not result.committed
    assert set(Grant.objects.values_list("status", flat=True)) == {Status.BATCHED}


def test_a_failed_line_releases_the_money_and_can_be_retried_in_a_new_batch(
    sent, money, finance, huiji, earmarks, make_staff
):
    refs = references(sent)
    result = services.import_bank_results(
        sent,
        result_file(
            [(refs[0], "成功", ""), (refs[1], "失败", "账户已销户"), (refs[2], "成功", "")]
        ),
        by=finance,
    )
    assert result.committed
    failed = Grant.objects.get(status=Status.FAILED)
    assert failed.failure_reason == "账户已销户"
    assert account(money).reserved_fen == 0 and account(money).spent_fen == 2_500 * YUAN
    # A paid line cannot later be reported failed.
    contradiction = services.import_bank_results(
        sent, result_file([(refs[0], "失败", "x")]), by=finance
    )
    assert not contradiction.committed

    services.retry_grant(failed, by=finance, note="已更正账号")
    failed.refresh_from_db()
    assert failed.status == Status.APPROVED and account(money).reserved_fen == 1_200 * YUAN
    second_finance = make_staff("410108", "finance")
    retry_batch = services.build_batch(huiji, earmarks["warmth"], by=second_finance)
    services.export_bank_file(retry_batch, io.BytesIO(), by=second_finance, reason="重发")
    services.import_bank_results(
        retry_batch, result_file([(references(retry_batch)[0], "成功", "")]), by=second_finance
    )
    failed.refresh_from_db()
    assert failed.status == Status.PAID
    assert Transaction.objects.filter(kind="spend", source_id=str(failed.pk)).count() == 1
    assert first_discrepancy() is None


def test_confirming_one_payment_twice_pays_once(sent, approved, finance, money):
    grant = approved[0]
    services.confirm_payment(grant, by=finance)
    services.confirm_payment(grant, by=finance)
    assert Transaction.objects.filter(kind="spend", source_id=str(grant.pk)).count() == 1
    sent.refresh_from_db()
    assert sent.paid_count == 1 and sent.status == PaymentBatch.Status.EXPORTED
    # The bank's file later says the same: unchanged.
    result = services.import_bank_results(
        sent, result_file([(ref, "成功", "") for ref in references(sent)]), by=finance
    )
    assert result.unchanged == 1 and result.updated == 2
    assert Transaction.objects.filter(kind="spend").count() == 3


def test_a_draft_batch_cannot_be_paid_by_hand(batch, approved, finance):
    with pytest.raises(RuleViolation) as refusal:
        services.confirm_payment(approved[0], by=finance)
    assert refusal.value.code == "batch_not_exported"


def test_a_returned_payment_is_reversed_released_and_final(sent, approved, finance, money):
    grant = approved[0]
    services.confirm_payment(grant, by=finance)
    services.record_return(grant, by=finance, reason="银行退回：户名不符")
    grant.refresh_from_db()
    assert grant.status == Status.RETURNED
    funds = account(money)
    assert funds.spent_fen == 0 and funds.reserved_fen == 2_700 * YUAN
    assert Transaction.objects.filter(kind="reverse", source_id=str(grant.pk)).count() == 1
    with pytest.raises(RuleViolation):
        services.retry_grant(grant, by=finance)
    assert first_discrepancy() is None


def test_the_csv_bank_file_never_carries_a_formula(money, walk, huiji, earmarks, finance):
    worker = make_worker(name='=HYPERLINK("http://x")')
    walk(worker, "approved")
    batch = services.build_batch(huiji, earmarks["warmth"], by=finance)
    output = io.BytesIO()
    services.export_bank_file(batch, output, by=finance, reason="发放", fmt="csv")
    rows = list(csv.reader(io.StringIO(output.getvalue().decode("utf-8-sig"))))
    assert rows[1][1] == '\'=HYPERLINK("http://x")'
