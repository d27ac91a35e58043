"""Rent relief: the acceptance cases (5,000 元 a month: 3 + 12 → 45,000; 3 + 6 → 30,000;
0 + 6 → 15,000; an 8-month lease under 3 + 12 → 27,500; a medium firm or a lease outside the
window is not eligible, with the reason), maker-checker, the register reconciled with the
schedules, the refund of rent paid through a payment batch, cancelling reverses."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied

from nuanjia.cli import main as nuanjia_main
from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.enterprises import services
from nuanjia.enterprises.models import ScheduleMonth
from nuanjia.enterprises.rules import FirmKind, RefundStatus, ReliefStatus, ReliefStep, SizeClass
from nuanjia.enterprises.services.leases import schedule_rows
from nuanjia.enterprises.workflow import RELIEF_FLOW
from nuanjia.funds.checks import first_discrepancy
from nuanjia.funds.models import Transaction
from nuanjia.relief import services as relief_services

from .support import *  # noqa: F403 -- the fixtures
from .support import bank_results, make_firm, make_lease, make_policy, rent_account

pytestmark = pytest.mark.django_db


def _relieved(caseworker, free, reduced, **lease):
    firm = make_firm(caseworker)
    lease = make_lease(caseworker, firm, **lease)
    policy = make_policy(caseworker, free, reduced)
    return services.propose_relief(lease, policy, by=caseworker)


@pytest.mark.parametrize(
    ("free", "reduced", "yuan", "months"),
    [(3, 12, 45_000, 15), (3, 6, 30_000, 9), (0, 6, 15_000, 6)],
)
def test_the_campaign_and_henan_policies(caseworker, free, reduced, yuan, months):
    relief = _relieved(caseworker, free, reduced)
    assert relief.total_fen == yuan * 100 and relief.months == months
    assert relief.status == ReliefStatus.PROPOSED


def test_relief_stops_at_the_lease_end(caseworker):
    relief = _relieved(caseworker, 3, 12, ends_on=datetime.date(2022, 8, 31))
    assert relief.months == 8 and relief.total_fen == 27_500_00


def test_other_fractions_and_part_months_round_half_up(caseworker):
    # a third of the rent relieved: 5,000 / 3 = 1,666.666… → 1,666.67 元
    relief = _relieved(caseworker, 0, 2, ends_on=datetime.date(2022, 12, 31))
    assert relief.total_fen == 5_000_00
    firm = make_firm(caseworker, name="三分之一商店")
    lease = make_lease(caseworker, firm, ends_on=datetime.date(2022, 2, 10))
    policy = make_policy(caseworker, 0, 2, num=1, den=3)
    third = services.propose_relief(lease, policy, by=caseworker)
    lines = list(third.lines.order_by("month__number").values_list("due_fen", "relief_fen"))
    # February 1–10 of 28 days: 5,000 × 10/28 = 1,785.714… → 1,785.71; a third 595.24
    assert lines == [(500_000, 166_667), (178_571, 59_524)]


def test_the_schedule_pro_rates_the_last_part_month():
    rows = schedule_rows(datetime.date(2022, 1, 31), datetime.date(2022, 3, 15), 310_000)
    assert [(first, last) for _n, first, last, _due in rows] == [
        (datetime.date(2022, 1, 31), datetime.date(2022, 2, 27)),
        (datetime.date(2022, 2, 28), datetime.date(2022, 3, 15)),
    ]
    # 28 Feb – 15 Mar is 16 days of the 31-day month 28 Feb – 30 Mar
    assert rows[1][3] == 160_000


def test_a_medium_firm_is_not_eligible_with_the_reason(caseworker):
    firm = make_firm(caseworker, size="medium")
    lease = make_lease(caseworker, firm)
    policy = make_policy(caseworker, 3, 12)
    verdict = services.check_eligibility(lease, policy)
    assert not verdict.eligible
    assert str(SizeClass.MEDIUM.label) in verdict.reason
    with pytest.raises(RuleViolation) as refused:
        services.propose_relief(lease, policy, by=caseworker)
    assert refused.value.code == "not_eligible" and refused.value.message == verdict.reason


def test_a_lease_outside_the_window_is_not_eligible(caseworker):
    firm = make_firm(caseworker)
    lease = make_lease(
        caseworker, firm, starts_on=datetime.date(2023, 3, 1), ends_on=datetime.date(2024, 2, 29)
    )
    verdict = services.check_eligibility(lease, make_policy(caseworker, 3, 12))
    assert not verdict.eligible and "2022-12-31" in verdict.reason


def test_an_individual_business_qualifies_whatever_its_size(caseworker):
    firm = make_firm(caseworker, size="medium", kind=FirmKind.INDIVIDUAL)
    lease = make_lease(caseworker, firm)
    assert services.check_eligibility(lease, make_policy(caseworker, 3, 12)).eligible


def test_maker_checker_and_the_register_reconciled(caseworker, approver, make_staff):
    relief = _relieved(caseworker, 3, 12)
    both = make_staff("410108", "caseworker", "approver", username="hj_both")
    own = services.propose_relief(
        make_lease(caseworker, make_firm(both, name="另一家")), make_policy(both, 3, 6), by=both
    )
    with pytest.raises(RuleViolation):
        services.approve_relief(own, by=both)
    with pytest.raises(PermissionDenied):
        services.approve_relief(relief, by=caseworker)
    RELIEF_FLOW.take_step(relief, ReliefStep.APPROVE, by=approver)
    relief.refresh_from_db()
    assert relief.status == ReliefStatus.APPROVED and relief.approved_by == approver
    months = ScheduleMonth.objects.filter(lease=relief.lease)
    assert sum(m.relieved_fen for m in months) == 45_000_00
    assert services.reconcile() == []
    assert AuditEvent.objects.filter(action="enterprises.rent_relief.approve").count() == 1
    with pytest.raises(RuleViolation) as again:  # the same policy on the same lease
        services.propose_relief(relief.lease, relief.policy, by=caseworker)
    assert again.value.code == "already_relieved"
    services.cancel_relief(relief, by=approver, reason="政策撤回")
    assert sum(m.relieved_fen for m in months.all()) == 0 and services.reconcile() == []


def test_a_refund_of_rent_paid_goes_through_a_batch_and_the_ledger(caseworker, approver, finance):
    firm = make_firm(caseworker)
    lease = make_lease(caseworker, firm)
    services.record_rent_paid(lease, up_to=datetime.date(2022, 4, 1), by=caseworker)
    policy = make_policy(caseworker, 3, 12)
    relief = services.propose_relief(lease, policy, by=caseworker)
    assert relief.refund_fen == 17_500_00  # 3 months free + April's half, all paid
    services.approve_relief(relief, by=approver)
    relief.refresh_from_db()
    assert relief.refund_status == RefundStatus.WAITING
    assert rent_account().reserved_fen == 17_500_00
    batch = relief_services.batches.build_batch(
        relief.payer, relief.earmark, by=finance, source_type=services.RENT_REFUND_SOURCE
    )
    assert batch.total_fen == 17_500_00 and batch.payee_kind == "organisation"
    relief_services.export_bank_file(batch, io.BytesIO(), by=finance, reason="退租金", fmt="csv")
    assert relief_services.import_bank_results(batch, bank_results(batch), by=finance).committed
    relief.refresh_from_db()
    assert relief.refund_status == RefundStatus.PAID
    spends = Transaction.objects.filter(kind="spend", source_type=services.RENT_REFUND_SOURCE)
    assert list(spends.values_list("source_id", flat=True)) == [str(relief.pk)]
    assert first_discrepancy() is None
    assert nuanjia_main(["funds", "check"]) == 0
    with pytest.raises(RuleViolation):
        services.cancel_relief(relief, by=approver, reason="x")


def test_cancelling_an_approved_relief_releases_the_refund(caseworker, approver, finance):
    firm = make_firm(caseworker)
    lease = make_lease(caseworker, firm)
    services.record_rent_paid(lease, up_to=datetime.date(2022, 2, 1), by=caseworker)
    relief = services.propose_relief(lease, make_policy(caseworker, 3, 12), by=caseworker)
    services.approve_relief(relief, by=approver)
    assert rent_account().reserved_fen == 10_000_00
    services.cancel_relief(relief, by=finance, reason="重复申请")
    relief.refresh_from_db()
    assert relief.status == ReliefStatus.CANCELLED
    assert relief.refund_status == RefundStatus.CANCELLED
    assert rent_account().reserved_fen == 0
    assert first_discrepancy() is None


def test_the_bulk_path_stages_what_the_one_lease_path_proposes(caseworker):
    from nuanjia.enterprises.models import ReliefLine, RentRelief
    from nuanjia.orgs.models import Org

    policy = make_policy(caseworker, 3, 12)
    leases = [
        make_lease(caseworker, make_firm(caseworker, name="批量甲")),
        make_lease(
            caseworker, make_firm(caseworker, name="批量乙"), ends_on=datetime.date(2022, 8, 31)
        ),
        make_lease(caseworker, make_firm(caseworker, name="批量丙", size="medium")),
    ]
    services.record_rent_paid(leases[0], up_to=datetime.date(2022, 2, 1), by=caseworker)
    expected = {lease.pk: services.compute_relief(lease, policy) for lease in leases[:2]}
    assert services.stage_reliefs(policy, Org.objects.get(code="410108"), by=caseworker) == 2
    for relief in RentRelief.objects.filter(policy=policy):
        computed = expected[relief.lease_id]
        assert (relief.months, relief.total_fen, relief.refund_fen) == (
            len(computed.lines),
            computed.total_fen,
            computed.refund_fen,
        )
        lines = ReliefLine.objects.filter(relief=relief).order_by("month__number")
        assert [(x.month_id, x.kind, x.relief_fen, x.refund_fen) for x in lines] == [
            (x.month_id, x.kind, x.relief_fen, x.refund_fen) for x in computed.lines
        ]
        assert relief.events.get().action == "propose"
    assert {r.total_fen for r in RentRelief.objects.all()} == {45_000_00, 27_500_00}
    from nuanjia.core.audit import AuditEvent

    run = AuditEvent.objects.get(action="enterprises.reliefs_staged")  # one event for the run
    assert (run.changes["reliefs"], run.changes["policy"]) == (2, policy.code)
    assert services.stage_reliefs(policy, Org.objects.get(code="410108"), by=caseworker) == 0
