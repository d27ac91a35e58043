"""The automatic check: waiting-period boundaries, fixed sums by day of cover, rates and caps,
invoices across the province (the refusal names the city), lines adding up, decisions with
maker-checker, and payment through the batches exactly once."""

import datetime
import io

import pytest

from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import SheetSource
from nuanjia.core.models import AuditEvent
from nuanjia.funds.checks import first_discrepancy
from nuanjia.mutualaid import services
from nuanjia.mutualaid.models import Claim, ClaimDocument, Episode, YearCounter
from nuanjia.mutualaid.rules import ClaimStatus, ClaimStep, Cut, PlanKind
from nuanjia.mutualaid.workflow import CLAIM_FLOW
from nuanjia.relief import services as relief

from .support import claim_data, covered, fund, line, make_plan

PAID = datetime.date(2026, 2, 1)  # cover starts; 90 waiting days end on 1 May


def _invariants(claim):
    lines = list(claim.lines.all())
    assert sum(row.asked_fen for row in lines) == claim.asked_fen
    assert sum(row.proposed_fen for row in lines) == claim.proposed_fen
    for row in lines:
        assert row.proposed_fen <= row.asked_fen and row.approved_fen <= row.asked_fen
        settled = row.approved_fen if claim.approved_fen else row.proposed_fen
        assert sum(cut[1] for cut in row.cuts) == row.asked_fen - settled
        assert all(cut[0] in Cut.values for cut in row.cuts)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "refused"),
    [
        (datetime.date(2026, 4, 30), True),
        (datetime.date(2026, 5, 1), True),
        (datetime.date(2026, 5, 2), False),
    ],
)
def test_diagnosis_before_on_and_after_the_waiting_period_end(plan, caseworker, day, refused):
    enrolment = covered(plan, caseworker, paid_on=PAID)
    assert enrolment.waiting_ends_on == datetime.date(2026, 5, 1)
    claim = services.submit_claim(plan, enrolment.worker, claim_data(day=day), by=caseworker)
    _invariants(claim)
    [row] = claim.lines.all()
    if refused:
        assert claim.proposed_fen == 0 and row.cuts == [[Cut.WAITING, 100_000]]
    else:
        assert claim.proposed_fen == 60_000 and row.cuts == [[Cut.RATE, 40_000]]


@pytest.mark.django_db
def test_cover_starts_at_payment_so_a_claim_before_it_is_not_a_member(plan, caseworker):
    enrolment = covered(plan, caseworker, paid_on=datetime.date(2026, 9, 1))
    claim = services.submit_claim(
        plan, enrolment.worker, claim_data(day=datetime.date(2026, 8, 31)), by=caseworker
    )
    assert claim.lines.get().cuts == [[Cut.NOT_MEMBER, 100_000]]


@pytest.mark.django_db
def test_fixed_sums_by_day_of_cover_consume_no_invoice(critical_plan, caseworker):
    enrolment = covered(critical_plan, caseworker, paid_on=datetime.date(2026, 1, 1))
    early = services.submit_claim(
        critical_plan, enrolment.worker,
        claim_data(PlanKind.CRITICAL, day=datetime.date(2026, 3, 1), illness="cancer", lines=[], episode="肿瘤一"),
        by=caseworker,
    )  # fmt: skip
    assert early.asked_fen == 1_000_000 and early.proposed_fen == 50_000  # day 60 of cover
    assert early.lines.get().invoice is None
    _invariants(early)
    other = covered(critical_plan, caseworker, paid_on=datetime.date(2026, 1, 1))
    late = services.submit_claim(
        critical_plan, other.worker,
        claim_data(PlanKind.CRITICAL, day=datetime.date(2026, 4, 2), illness="stroke", lines=[]),
        by=caseworker,
    )  # fmt: skip
    assert late.proposed_fen == 1_000_000  # day 92


@pytest.mark.django_db
def test_the_same_invoice_from_another_city_is_refused_beyond_its_self_paid_naming_the_city(
    planner, caseworker, make_staff
):
    zz_plan = make_plan(planner)
    ly_planner = make_staff("410300", "approver", username="ly_planner")
    ly_caseworker = make_staff("410302", "caseworker", username="ly_caseworker")
    ly_plan = make_plan(ly_planner, code="ly-zy", pool="410300")
    first = covered(zz_plan, caseworker, paid_on=PAID)
    invoice = dict(code="41000001", number="00012345", self_paid=100_000)
    one = services.submit_claim(
        zz_plan, first.worker, claim_data(lines=[line(100_000, **invoice)]), by=caseworker
    )
    assert one.proposed_fen == 60_000  # 60% of the self-paid 1,000 元
    second = covered(ly_plan, ly_caseworker, paid_on=PAID, org_code="410302")
    again = services.submit_claim(
        ly_plan,
        second.worker,
        claim_data(lines=[line(100_000, code=" 41000001", number="00012345 ", self_paid=100_000)]),
        by=ly_caseworker,
    )
    [row] = again.lines.all()
    assert again.proposed_fen == 40_000  # only what is left of the self-paid amount
    assert row.cuts == [[Cut.RATE, 40_000], [Cut.DUPLICATE_INVOICE, 20_000, "郑州市总工会"]]
    assert first.worker.name not in str(row.cuts)
    _invariants(again)
    # Refusing the first claim frees the invoice again.
    CLAIM_FLOW.take_step(one, ClaimStep.REFUSE, by=_approver(make_staff), reason="材料不实")
    assert (
        services.submit_claim(
            ly_plan,
            make_worker_covered(ly_plan, ly_caseworker),
            claim_data(lines=[line(100_000, **invoice)]),
            by=ly_caseworker,
        ).proposed_fen
        == 60_000
    )


def bank_results(batch, word="成功"):
    references = batch.lines.order_by("pk").values_list("reference", flat=True)
    text = "参考号,结果,原因\n" + "".join(f"{ref},{word},\n" for ref in references)
    return SheetSource(io.BytesIO(text.encode()), name="result.csv")


def _approver(make_staff, code="410100", name="zz_decider"):
    return make_staff(code, "approver", username=name)


def make_worker_covered(plan, caseworker):
    return covered(plan, caseworker, paid_on=PAID, org_code="410302").worker


@pytest.mark.django_db
def test_caps_per_claim_episode_and_year_reason_over_the_cap(planner, caseworker):
    plan = make_plan(planner, cap_claim_fen=50_000, cap_episode_fen=80_000, cap_year_fen=100_000)
    enrolment = covered(plan, caseworker, paid_on=PAID)

    def data():
        return claim_data(
            day=datetime.date(2026, 6, 1), episode="骨折", lines=[line(200_000), line(50_000)]
        )

    first = services.submit_claim(plan, enrolment.worker, data(), by=caseworker)
    assert first.proposed_fen == 50_000  # per claim
    rows = list(first.lines.order_by("position"))
    assert rows[0].cuts == [[Cut.RATE, 80_000], [Cut.OVER_CAP, 70_000]]
    assert rows[1].cuts == [[Cut.RATE, 20_000], [Cut.OVER_CAP, 30_000]]
    second = services.submit_claim(plan, enrolment.worker, data(), by=caseworker)
    assert second.proposed_fen == 30_000  # the episode's 800 元 less 500
    third = services.submit_claim(
        plan, enrolment.worker, claim_data(episode="肺炎", lines=[line(200_000)]), by=caseworker
    )
    assert third.proposed_fen == 20_000  # the year's 1,000 元 less 800
    counter = YearCounter.objects.get()
    assert counter.reserved_fen == 100_000 and counter.used_fen == 0
    for claim in (first, second, third):
        _invariants(claim)


def _mismatched():
    return services.LineData(
        asked_fen=100,
        total_fen=500,
        insurance_fen=100,
        self_paid_fen=100,
        eligible_fen=100,
        invoice_code="1",
        invoice_number="2",
    )


@pytest.mark.django_db
def test_bad_claims_are_refused_naming_the_field_and_nothing_is_kept(plan, caseworker):
    enrolment = covered(plan, caseworker, paid_on=PAID)
    cases = [
        (claim_data(consent=False), "consent"),
        (claim_data(lines=[_mismatched()]), "lines.total_fen"),
        (claim_data(lines=[line(100_000, self_paid=50_000)]), "lines.asked_fen"),
        (claim_data(documents={}), "documents"),
        (claim_data(day=datetime.date(2026, 12, 1)), "service_on"),
    ]
    for data, field in cases:
        with pytest.raises(RuleViolation) as refused:
            services.submit_claim(plan, enrolment.worker, data, by=caseworker)
        assert refused.value.field == field
    assert not Claim.objects.exists() and not ClaimDocument.objects.exists()


@pytest.mark.django_db
def test_documents_are_sealed_at_rest(plan, caseworker):
    enrolment = covered(plan, caseworker, paid_on=PAID)
    claim = services.submit_claim(
        plan, enrolment.worker, claim_data(day=datetime.date(2026, 6, 1)), by=caseworker
    )
    document = claim.documents.first()
    with document.file.open("rb") as handle:
        stored = handle.read()
    assert b"%PDF" not in stored and stored.startswith(b"NJE1")
    from nuanjia.mutualaid.documents import unseal

    assert unseal(stored).startswith(b"%PDF")
    assert "骨折" not in claim.diagnosis_encrypted


@pytest.mark.django_db
def test_maker_checker_second_review_approval_and_payment_once(
    planner, caseworker, make_staff, pool_finance
):
    plan = make_plan(planner, sample_percent=100)
    enrolment = covered(plan, caseworker, paid_on=PAID)
    claim = services.submit_claim(
        plan, enrolment.worker, claim_data(day=datetime.date(2026, 6, 1)), by=caseworker
    )
    assert claim.second_review and claim.status == ClaimStatus.SUBMITTED
    first, second = _approver(make_staff), _approver(make_staff, name="zz_decider2")
    entering_approver = make_staff("410108", "approver", "caseworker", username="hj_both")
    with pytest.raises(RuleViolation):
        CLAIM_FLOW.take_step(claim, ClaimStep.APPROVE, by=first)  # sampled: a second review first
    CLAIM_FLOW.take_step(claim, ClaimStep.REVIEW, by=first)
    with pytest.raises(RuleViolation):
        CLAIM_FLOW.take_step(claim, ClaimStep.APPROVE, by=first)  # not the first reviewer
    with pytest.raises(RuleViolation) as poor:
        CLAIM_FLOW.take_step(claim, ClaimStep.APPROVE, by=second)
    assert poor.value.code == "insufficient_funds"  # 60 元 in the pool: the claim waits
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SECOND_REVIEW
    fund(plan, 1_000_000)
    claim = CLAIM_FLOW.take_step(claim, ClaimStep.APPROVE, by=second)
    assert claim.status == ClaimStatus.APPROVED and claim.approved_fen == 60_000
    counter = YearCounter.objects.get()
    assert (counter.reserved_fen, counter.used_fen) == (0, 60_000)
    assert Episode.objects.get().used_fen == 60_000
    _invariants(claim)
    batch = relief.batches.build_batch(
        plan.pool_org, plan.earmark, by=pool_finance, source_type="mutualaid.claim"
    )
    assert batch.total_fen == 60_000 and batch.payee_kind == "person"
    relief.export_bank_file(batch, io.BytesIO(), by=pool_finance, reason="互助金发放", fmt="csv")
    assert relief.import_bank_results(batch, bank_results(batch), by=pool_finance).committed
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    assert relief.import_bank_results(
        batch, bank_results(batch), by=pool_finance
    )  # no second payment
    assert first_discrepancy() is None
    assert AuditEvent.objects.filter(action__startswith="mutualaid.claim.").count() == 3
    assert entering_approver  # an approver who entered a claim is refused below
    other = covered(plan, entering_approver, paid_on=PAID)
    mine = services.submit_claim(
        plan, other.worker, claim_data(day=datetime.date(2026, 6, 1)), by=entering_approver
    )
    with pytest.raises(RuleViolation):
        CLAIM_FLOW.take_step(mine, ClaimStep.REVIEW, by=entering_approver)
