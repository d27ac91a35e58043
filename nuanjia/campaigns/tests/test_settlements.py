"""Monthly settlements with partners: the amount is its rows × the price to the fen, a row is
settled once, the partner confirms or disputes its own statements only, another person
approves with the money reserved, and a batch pays it leaving the ledger sound."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied

from nuanjia.campaigns import services
from nuanjia.campaigns.models import Booking, Meal, Settlement
from nuanjia.campaigns.queries_settlements import settlement_rows
from nuanjia.campaigns.rules import NominationStatus, SettlementStatus, SettlementStep
from nuanjia.campaigns.workflow import SETTLEMENT_FLOW
from nuanjia.cli import main as nuanjia_main
from nuanjia.core.errors import RuleViolation
from nuanjia.funds.checks import first_discrepancy
from nuanjia.funds.models import Transaction
from nuanjia.members.services import partners
from nuanjia.orgs.rules import Role
from nuanjia.relief import services as relief

from .settlement_support import *  # noqa: F403 -- the settlement fixtures
from .settlement_support import (
    APRIL,
    MARCH,
    TODAY,
    account,
    bank_results,
    breakfast,
    done_check,
    fund_province,
    trip,
    went,
)

pytestmark = pytest.mark.django_db


def _confirmed(settlement, person):
    return services.confirm_settlement(settlement, user=person)


def test_a_health_check_statement_is_its_checks_times_the_price(
    health_check_contract, hospital, province_planner
):
    for day in (1, 15, 31):
        done_check(health_check_contract, datetime.date(2026, 3, day))
    done_check(health_check_contract, datetime.date(2026, 4, 1))  # next month
    other = Booking.objects.filter(done_on__month=3).first()
    Booking.objects.filter(pk=other.pk).update(status="booked")  # not done: not settled
    settlement = services.prepare_settlement(health_check_contract, MARCH, by=province_planner)
    rows = settlement_rows(settlement)
    assert settlement.units == 2 == len(rows)
    assert settlement.amount_fen == 52_000 == sum(row.amount_fen for row in rows)
    assert settlement.status == SettlementStatus.PREPARED
    assert Booking.objects.filter(settlement=settlement).count() == 2


def test_a_breakfast_statement_adds_up_to_the_fen(breakfast_contract, province_planner):
    for day in range(1, 8):
        breakfast(breakfast_contract, datetime.date(2026, 4, day))
    breakfast(breakfast_contract, datetime.date(2026, 3, 31))
    settlement = services.prepare_settlement(
        breakfast_contract, datetime.date(2026, 4, 20), by=province_planner
    )
    assert settlement.month == APRIL
    assert (settlement.units, settlement.amount_fen) == (7, 5_600)
    assert sum(row.amount_fen for row in settlement_rows(settlement)) == settlement.amount_fen


def test_a_trip_statement_counts_those_who_went_on_trips_ending_in_the_month(
    trip_contract, province_planner
):
    march_trip = trip(trip_contract, datetime.date(2026, 3, 30))
    went(march_trip)
    went(march_trip)
    went(march_trip, status=NominationStatus.ABSENT)
    went(trip(trip_contract, datetime.date(2026, 4, 2), name="四月团"))
    settlement = services.prepare_settlement(trip_contract, MARCH, by=province_planner)
    assert (settlement.units, settlement.amount_fen) == (2, 360_000)
    assert sum(row.amount_fen for row in settlement_rows(settlement)) == 360_000


def test_a_row_is_never_in_two_settlements(breakfast_contract, province_planner):
    breakfast(breakfast_contract, datetime.date(2026, 3, 3))
    first = services.prepare_settlement(breakfast_contract, MARCH, by=province_planner)
    with pytest.raises(RuleViolation) as again:
        services.prepare_settlement(breakfast_contract, MARCH, by=province_planner)
    assert again.value.code == "already_settled"
    services.cancel_settlement(first, by=province_planner, reason="店家要求重算")
    assert not Meal.objects.filter(settlement__isnull=False).exists()  # the rows are free
    breakfast(breakfast_contract, datetime.date(2026, 3, 4))
    second = services.prepare_settlement(breakfast_contract, MARCH, by=province_planner)
    assert second.units == 2 and Meal.objects.filter(settlement=second).count() == 2


def test_an_empty_month_or_one_not_ended_is_refused(breakfast_contract, province_planner):
    with pytest.raises(RuleViolation) as empty:
        services.prepare_settlement(breakfast_contract, MARCH, by=province_planner)
    assert empty.value.code == "nothing_to_settle"
    breakfast(breakfast_contract, datetime.date(2026, 5, 4))
    with pytest.raises(RuleViolation) as running:
        services.prepare_settlement(breakfast_contract, TODAY, by=province_planner)
    assert running.value.field == "month"
    assert not Settlement.objects.exists()


def test_only_a_caseworker_of_the_paying_union_prepares(
    breakfast_contract, city_caseworker, approver
):
    breakfast(breakfast_contract, datetime.date(2026, 3, 3))
    for person in (city_caseworker, approver):  # below the province; not a caseworker
        with pytest.raises(RuleViolation):
            services.prepare_settlement(breakfast_contract, MARCH, by=person)


def test_the_partner_confirms_its_own_statement_only(
    breakfast_contract, health_check_contract, shop, hospital, province_planner
):
    breakfast(breakfast_contract, datetime.date(2026, 3, 3))
    settlement = services.prepare_settlement(breakfast_contract, MARCH, by=province_planner)
    with pytest.raises(PermissionDenied):  # the hospital cannot answer the shop's statement
        services.confirm_settlement(settlement, user=hospital[2])
    with pytest.raises(PermissionDenied):
        services.dispute_settlement(settlement, user=hospital[2], reason="不对")
    settlement = _confirmed(settlement, shop[2])
    assert settlement.status == SettlementStatus.CONFIRMED
    assert settlement.confirmed_by == shop[2]
    event = settlement.events.get(action=SettlementStep.CONFIRM)
    assert event.by is None
    with pytest.raises(RuleViolation):  # confirmed once
        _confirmed(settlement, shop[2])


def test_a_dispute_needs_a_reason_and_waits_for_the_caseworker(
    breakfast_contract, shop, province_planner
):
    breakfast(breakfast_contract, datetime.date(2026, 3, 3))
    settlement = services.prepare_settlement(breakfast_contract, MARCH, by=province_planner)
    with pytest.raises(RuleViolation) as bare:
        services.dispute_settlement(settlement, user=shop[2], reason=" ")
    assert bare.value.field == "note"
    settlement = services.dispute_settlement(settlement, user=shop[2], reason="少了3月5日的10份")
    assert settlement.status == SettlementStatus.DISPUTED
    assert SETTLEMENT_FLOW.steps_for(settlement, province_planner) == [SettlementStep.CANCEL]
    services.cancel_settlement(settlement, by=province_planner, reason="重新核对")
    assert services.prepare_settlement(breakfast_contract, MARCH, by=province_planner).units == 1


def test_maker_checker_and_the_reservation(
    breakfast_contract, shop, province_planner, approver, finance
):
    breakfast(breakfast_contract, datetime.date(2026, 3, 3))
    breakfast(breakfast_contract, datetime.date(2026, 3, 4))
    settlement = _confirmed(
        services.prepare_settlement(breakfast_contract, MARCH, by=province_planner), shop[2]
    )
    with pytest.raises(RuleViolation) as own:  # the preparer also holds the approver role
        SETTLEMENT_FLOW.take_step(settlement, SettlementStep.APPROVE, by=province_planner)
    assert own.value.code == "maker_checker"
    before = account().available_fen
    settlement = SETTLEMENT_FLOW.take_step(settlement, SettlementStep.APPROVE, by=approver)
    assert settlement.status == SettlementStatus.APPROVED and settlement.approved_by == approver
    ledger = account()
    assert ledger.available_fen == before - 1_600 and ledger.reserved_fen == 1_600
    services.cancel_settlement(settlement, by=approver, reason="合同终止")
    ledger = account()
    assert ledger.available_fen == before and ledger.reserved_fen == 0
    assert not Meal.objects.filter(settlement__isnull=False).exists()
    assert first_discrepancy() is None


def test_approval_without_the_money_is_refused_and_nothing_changes(
    trip_contract, travel_partner, province_planner, approver, make_staff
):
    fund_province(make_staff("410000", Role.FINANCE), yuan=1_000)
    went(trip(trip_contract, datetime.date(2026, 3, 30)))
    settlement = _confirmed(
        services.prepare_settlement(trip_contract, MARCH, by=province_planner), travel_partner[2]
    )
    with pytest.raises(RuleViolation) as poor:
        services.approve_settlement(settlement, by=approver)
    assert poor.value.code == "insufficient_funds"
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.CONFIRMED and account().reserved_fen == 0


def _approved(contract, partner_person, preparer, approver):
    settlement = services.prepare_settlement(contract, MARCH, by=preparer)
    settlement = _confirmed(settlement, partner_person)
    return services.approve_settlement(settlement, by=approver)


def test_a_batch_pays_the_settlement_and_the_ledger_checks(
    health_check_contract, hospital, province_planner, finance, make_staff
):
    for day in (2, 3, 4):
        done_check(health_check_contract, datetime.date(2026, 3, day))
    checker = make_staff("410000", Role.APPROVER, Role.FINANCE, username="sz_checker")
    settlement = _approved(health_check_contract, hospital[2], province_planner, checker)
    org, earmark = settlement.org, settlement.earmark
    with pytest.raises(RuleViolation) as own:  # its approver may not build its batch
        relief.batches.build_batch(org, earmark, by=checker, source_type="campaigns.settlement")
    assert own.value.code == "nothing_to_batch"
    batch = relief.batches.build_batch(org, earmark, by=finance, source_type="campaigns.settlement")
    assert batch.payee_kind == "organisation" and batch.total_fen == 78_000
    line = batch.lines.get()
    assert line.reference.endswith(f"JS{settlement.pk:06d}") and line.purpose == "体检结算"
    assert line.payee_name == "郑州市第一人民医院" and line.payee_account_masked
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.IN_BATCH and settlement.batch == batch
    relief.export_bank_file(batch, io.BytesIO(), by=finance, reason="对公结算", fmt="csv")
    assert relief.import_bank_results(batch, bank_results(batch), by=finance).committed
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.PAID
    spends = Transaction.objects.filter(kind="spend", source_type="campaigns.settlement")
    assert list(spends.values_list("source_id", flat=True)) == [str(settlement.pk)]
    assert account().spent_fen == 78_000 and account().reserved_fen == 0
    assert first_discrepancy() is None
    assert nuanjia_main(["funds", "check"]) == 0
    with pytest.raises(RuleViolation):  # paid: no step is left
        services.cancel_settlement(settlement, by=checker, reason="x")


def test_a_failed_payment_is_released_and_goes_into_a_new_batch(
    breakfast_contract, shop, province_planner, approver, finance
):
    breakfast(breakfast_contract, datetime.date(2026, 3, 3))
    settlement = _approved(breakfast_contract, shop[2], province_planner, approver)
    org, earmark = settlement.org, settlement.earmark
    batch = relief.batches.build_batch(org, earmark, by=finance, source_type="campaigns.settlement")
    relief.export_bank_file(batch, io.BytesIO(), by=finance, reason="对公结算", fmt="csv")
    outcome = relief.import_bank_results(batch, bank_results(batch, "失败", "账号有误"), by=finance)
    assert outcome.committed
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.FAILED and account().reserved_fen == 0
    again = relief.batches.build_batch(org, earmark, by=finance, source_type="campaigns.settlement")
    settlement.refresh_from_db()
    assert settlement.batch == again and account().reserved_fen == 800  # reserved again
    relief.batches.discard_batch(again, by=finance)
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.APPROVED and account().reserved_fen == 800
    services.cancel_settlement(settlement, by=finance, reason="改为现金结算")
    assert account().reserved_fen == 0 and first_discrepancy() is None


def test_a_partner_sees_masked_names_unless_the_worker_consented(
    breakfast_contract, shop, province_planner, texts
):
    from nuanjia.members.models import Member
    from nuanjia.members.tests.conftest import sign_in

    consenting = breakfast(breakfast_contract, datetime.date(2026, 3, 3)).worker
    breakfast(breakfast_contract, datetime.date(2026, 3, 4))
    member, _key = sign_in("13900001234")
    Member.objects.filter(pk=member.pk).update(worker=consenting)
    partners.give_partner_consent(member, shop[0])
    settlement = services.prepare_settlement(breakfast_contract, MARCH, by=province_planner)
    names = [row.name for row in settlement_rows(settlement, partner=shop[0])]
    assert names[0] == consenting.name and "*" in names[1]


def test_funds_check_names_a_paid_settlement_without_its_payment(
    breakfast_contract, province_planner
):
    breakfast(breakfast_contract, datetime.date(2026, 3, 3))
    settlement = services.prepare_settlement(breakfast_contract, MARCH, by=province_planner)
    Settlement.objects.filter(pk=settlement.pk).update(status=SettlementStatus.PAID)
    assert first_discrepancy() == (
        f"settlement #{settlement.pk} is paid but has 0 spending transactions (expected exactly 1)"
    )
    assert nuanjia_main(["funds", "check"]) == 1
