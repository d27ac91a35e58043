"""Regular help for model workers in difficulty: only a 劳模 is taken on; the amount follows
the dated standard by honour level (per month or per year, a county falling back to the
province); a payment is proposed once per person and period, approved by another person
with its amount reserved, and paid through relief's payment batches (the ledger checks)."""

import datetime
import io

import pytest

from nuanjia.core.audit_names import event_name
from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import SheetSource
from nuanjia.core.models import AuditEvent
from nuanjia.funds.checks import first_discrepancy
from nuanjia.modelworkers import services
from nuanjia.modelworkers.models import HelpPayment
from nuanjia.modelworkers.rules import HELP_SOURCE, PaymentStatus, PaymentStep
from nuanjia.modelworkers.workflow import PAYMENT_FLOW
from nuanjia.orgs.models import Org
from nuanjia.relief import services as relief

from .conftest import YUAN

pytestmark = pytest.mark.django_db


def huiji():
    return Org.objects.get(code="410108")


def test_only_a_model_worker_is_taken_on(advanced_worker, caseworker, standard):
    with pytest.raises(RuleViolation) as refused:
        services.add_case(huiji(), by=caseworker, worker=advanced_worker, frequency="monthly",
                          income_monthly_fen=0, income_note="无收入", starts_on="2026-01-01")  # fmt: skip
    assert refused.value.field == "worker"


def test_a_worker_is_on_the_register_once(case, caseworker, model_worker):
    with pytest.raises(RuleViolation, match="已在帮扶名册中"):
        services.add_case(huiji(), by=caseworker, worker=model_worker, frequency="monthly",
                          income_monthly_fen=0, income_note="无收入", starts_on="2026-01-01")  # fmt: skip
    assert case.income_note.startswith("家庭人均收入")


def test_the_amount_follows_the_dated_standard(case, caseworker, province_approver):
    first = services.propose_payment(case, by=caseworker, on="2026-01-15")
    assert (first.period, first.amount_fen) == ("2026-01", 500 * YUAN)
    services.save_standard(by=province_approver, region_code="410000", level="provincial",
                           effective_on="2026-02-01", per="year", amount_fen=7_200 * YUAN)  # fmt: skip
    second = services.propose_payment(case, by=caseworker, on="2026-02-03")
    assert (second.period, second.amount_fen) == ("2026-02", 600 * YUAN)


def test_a_quarterly_case_is_paid_three_months(model_worker, caseworker, standard):
    case = services.add_case(huiji(), by=caseworker, worker=model_worker, frequency="quarterly",
                             income_monthly_fen=0, income_note="无收入", starts_on="2026-01-01")  # fmt: skip
    payment = services.propose_payment(case, by=caseworker)
    assert payment.period == "2026-Q1" and payment.amount_fen == 1_500 * YUAN
    assert (payment.period_start, payment.period_end) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 3, 31),
    )


def test_no_standard_no_payment(case, caseworker):
    with pytest.raises(RuleViolation) as refused:
        services.propose_payment(case, by=caseworker, on="2019-06-01")
    assert refused.value.field == "on"


def test_once_per_person_per_period(case, caseworker, approver):
    payment = services.propose_payment(case, by=caseworker)
    with pytest.raises(RuleViolation) as twice:
        services.propose_payment(case, by=caseworker, on="2026-03-31")
    assert twice.value.code == "duplicate"
    PAYMENT_FLOW.take_step(payment, PaymentStep.REFUSE, by=approver, reason="收入已超标准")
    again = services.propose_payment(case, by=caseworker)  # a refused one frees the period
    assert again.period == "2026-03" and HelpPayment.objects.filter(period="2026-03").count() == 2


def test_maker_checker_and_the_reservation(case, caseworker, approver, help_money):
    proposer_approver = approver
    payment = services.propose_payment(case, by=proposer_approver)
    with pytest.raises(RuleViolation) as own:
        PAYMENT_FLOW.take_step(payment, PaymentStep.APPROVE, by=proposer_approver)
    assert own.value.code == "maker_checker"
    other = services.propose_payment(case, by=caseworker, on="2026-02-01")
    PAYMENT_FLOW.take_step(other, PaymentStep.APPROVE, by=approver)
    other.refresh_from_db()
    help_money.refresh_from_db()
    assert other.status == PaymentStatus.APPROVED and other.approved_by == approver
    assert help_money.reserved_fen == 500 * YUAN
    events = AuditEvent.objects.filter(action__startswith="modelworkers.").values_list(
        "action", flat=True
    )
    assert {"modelworkers.case_added", "modelworkers.payment_proposed",
            "modelworkers.payment.approve"} <= set(events)  # fmt: skip
    assert all(event_name(action) != action for action in set(events))


def test_short_money_refuses_the_approval(case, caseworker, approver):
    payment = services.propose_payment(case, by=caseworker)
    with pytest.raises(RuleViolation) as short:
        PAYMENT_FLOW.take_step(payment, PaymentStep.APPROVE, by=approver)
    assert short.value.code == "insufficient_funds"


def _results(batch) -> SheetSource:
    references = batch.lines.order_by("pk").values_list("reference", flat=True)
    text = "参考号,结果,原因\n" + "".join(f"{ref},成功,\n" for ref in references)
    return SheetSource(io.BytesIO(text.encode()), name="result.csv")


def test_an_approved_payment_is_paid_through_a_batch(case, caseworker, approver, finance,
                                                       help_money):  # fmt: skip
    payment = services.propose_payment(case, by=caseworker)
    PAYMENT_FLOW.take_step(payment, PaymentStep.APPROVE, by=approver)
    batch = relief.batches.build_batch(huiji(), services.earmark(), by=finance,
                                       source_type=HELP_SOURCE)  # fmt: skip
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.IN_BATCH and payment.batch == batch
    relief.export_bank_file(batch, io.BytesIO(), by=finance, reason="困难劳模帮扶金", fmt="csv")
    assert relief.import_bank_results(batch, _results(batch), by=finance).committed
    payment.refresh_from_db()
    help_money.refresh_from_db()
    assert payment.status == PaymentStatus.PAID and payment.paid_on is not None
    assert help_money.reserved_fen == 0 and help_money.spent_fen == 500 * YUAN
    assert first_discrepancy() is None


def test_a_period_is_proposed_for_every_case(case, caseworker):
    assert services.propose_period(huiji(), by=caseworker, frequency="monthly") == {
        "proposed": 1, "skipped": 0,
    }  # fmt: skip
    assert services.propose_period(huiji(), by=caseworker, frequency="monthly") == {
        "proposed": 0, "skipped": 1,
    }  # fmt: skip
