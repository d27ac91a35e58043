"""A course's subsidy: trainees who passed (or attended enough) × the subsidy per trainee,
prepared by a caseworker, approved by another person with the amount reserved, paid to the
provider in a payment batch — the ledger balances (`nuanjia funds check`); cancelling an
approved one releases the money."""

import io

import pytest

from nuanjia import cli
from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import SheetSource
from nuanjia.funds import services as funds
from nuanjia.funds.checks import first_discrepancy
from nuanjia.orgs.rules import Role
from nuanjia.relief import services as relief
from nuanjia.skills import services
from nuanjia.skills.models import Settlement, SettlementEvent
from nuanjia.skills.rules import SettlementStatus, SettlementStep
from nuanjia.skills.workflow import SETTLEMENT_FLOW

from .conftest import training, zhengzhou

pytestmark = pytest.mark.django_db


def account():
    return funds.account_for(zhengzhou(), training())


def passed_course(course, workers, caseworker, *, passes=2):
    for n, worker in enumerate(workers):
        trainee = services.enrol(course, worker, by=caseworker)
        result = "passed" if n < passes else "failed"
        services.record_exam(trainee, result=result, number=f"S-{n}" if n < passes else "",
                             by=caseworker)  # fmt: skip
    return course


def _results(batch, outcome="成功") -> SheetSource:
    references = batch.lines.order_by("pk").values_list("reference", flat=True)
    text = "参考号,结果,原因\n" + "".join(f"{ref},{outcome},\n" for ref in references)
    return SheetSource(io.BytesIO(text.encode()), name="result.csv")


def test_the_subsidy_settles_through_the_ledger(
    course, workers, caseworker, approver, finance, make_staff
):
    both = make_staff("410100", Role.CASEWORKER, Role.APPROVER, username="zz_skills_both")
    passed_course(course, workers, caseworker)
    assert services.preview(course) == (2, 60_000)
    settlement = services.prepare_settlement(course, by=both)
    assert (settlement.trainees, settlement.amount_fen) == (2, 60_000)
    with pytest.raises(RuleViolation) as own:  # maker-checker: the preparer does not approve
        SETTLEMENT_FLOW.take_step(settlement, SettlementStep.APPROVE, by=both)
    assert own.value.code == "maker_checker"
    SETTLEMENT_FLOW.take_step(settlement, SettlementStep.APPROVE, by=approver)
    assert account().reserved_fen == 60_000
    batch = relief.batches.build_batch(zhengzhou(), training(), by=finance,
                                       source_type="skills.settlement")  # fmt: skip
    line = batch.lines.get()
    assert (line.amount_fen, line.payee_name, line.purpose) == (
        60_000,
        "郑州市职业技能培训学校",
        "培训补贴",
    )
    relief.export_bank_file(batch, io.BytesIO(), by=finance, reason="培训补贴", fmt="csv")
    assert relief.import_bank_results(batch, _results(batch), by=finance).committed
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.PAID and settlement.paid_on is not None
    assert account().reserved_fen == 0 and account().spent_fen == 60_000
    assert first_discrepancy() is None
    assert cli.main(["funds", "check"]) == 0  # `nuanjia funds check`
    actions = SettlementEvent.objects.filter(settlement=settlement).order_by("pk")
    assert list(actions.values_list("action", flat=True)) == ["prepare", "approve", "batch", "pay"]


def test_attendance_counts_when_the_course_says_so(course, workers, caseworker):
    course.min_attendance_pct = 50
    course.save()
    trainees = [services.enrol(course, w, by=caseworker) for w in workers]
    sessions = [services.add_session(course, held_on=f"2026-04-0{d}", topic="课", by=caseworker)
                for d in (1, 2)]  # fmt: skip
    services.record_attendance(sessions[0], [trainees[0].pk, trainees[1].pk], by=caseworker)
    services.record_exam(trainees[2], result="passed", by=caseworker)
    assert services.preview(course) == (3, 90_000)


def test_nothing_to_settle_and_once_a_course(course, workers, caseworker, approver, finance):
    with pytest.raises(RuleViolation) as empty:
        services.prepare_settlement(course, by=caseworker)
    assert empty.value.code == "nothing_to_settle"
    passed_course(course, workers, caseworker, passes=1)
    settlement = services.prepare_settlement(course, by=caseworker)
    with pytest.raises(RuleViolation) as twice:
        services.prepare_settlement(course, by=caseworker)
    assert twice.value.code == "already_settled"
    SETTLEMENT_FLOW.take_step(settlement, SettlementStep.APPROVE, by=approver)
    SETTLEMENT_FLOW.take_step(settlement, SettlementStep.CANCEL, by=approver, reason="重复")
    assert account().reserved_fen == 0 and account().available_fen == 100_000 * 100
    again = services.prepare_settlement(course, by=caseworker)
    assert again.status == SettlementStatus.PREPARED
    assert first_discrepancy() is None


def test_approval_is_refused_for_want_of_money(course, workers, caseworker, approver):
    passed_course(course, workers, caseworker)
    settlement = services.prepare_settlement(course, by=caseworker)
    with pytest.raises(RuleViolation) as refused:
        SETTLEMENT_FLOW.take_step(settlement, SettlementStep.APPROVE, by=approver)
    assert refused.value.code == "insufficient_funds"
    assert Settlement.objects.get().status == SettlementStatus.PREPARED


def test_a_course_not_ended_is_not_settled(course, workers, caseworker):
    import datetime

    course.ends_on = datetime.date(2026, 6, 30)
    course.save()
    passed_course(course, workers, caseworker)
    with pytest.raises(RuleViolation) as early:
        services.prepare_settlement(course, by=caseworker)
    assert early.value.field == "course"
