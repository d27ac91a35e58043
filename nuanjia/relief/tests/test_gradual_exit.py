"""The monthly gradual-exit run: one grant per family and phase-out month, however often it
runs; nothing once the period has ended; registered as a daily job."""

import datetime

import pytest

from nuanjia.core import schedule
from nuanjia.core.errors import RuleViolation
from nuanjia.funds.models import FundAccount
from nuanjia.hardship.rules import ExitReason
from nuanjia.hardship.rules import Status as FileStatus
from nuanjia.relief import services
from nuanjia.relief.models import Grant
from nuanjia.relief.rules import Status

from .conftest import SHANGHAI, YUAN, make_family

pytestmark = pytest.mark.django_db


def phase_out(exited_on, months, monthly_yuan=400, **fields):
    """A family exited on `exited_on` with a phase-out of `months` months."""
    from nuanjia.hardship.rules import gradual_exit_ends_on

    return make_family(
        status=FileStatus.GRADUAL_EXIT,
        monthly_standard_fen=720 * YUAN,
        exited_on=exited_on,
        exit_reason=ExitReason.INCOME,
        gradual_exit_months=months,
        gradual_exit_monthly_fen=monthly_yuan * YUAN,
        gradual_exit_ends_on=gradual_exit_ends_on(exited_on, months),
        **fields,
    )


def test_running_twice_in_a_month_creates_each_payment_once(money, tree):
    family = phase_out(datetime.date(2026, 1, 15), 3)
    first = services.run_gradual_exit_payments()
    assert first.created == 2 and first.approved == 2  # months from Jan 15 and Feb 15
    again = services.run_gradual_exit_payments()
    assert again.created == 0
    grants = Grant.objects.filter(hardship_file=family).order_by("phase_out_month")
    assert [grant.phase_out_month for grant in grants] == [1, 2]
    assert {grant.status for grant in grants} == {Status.APPROVED}
    assert {grant.amount_fen for grant in grants} == {400 * YUAN}
    assert {grant.grant_type.code for grant in grants} == {"gradual-exit"}
    hardship = FundAccount.objects.get(pk=money["hardship"].pk)
    assert hardship.reserved_fen == 800 * YUAN


def test_the_next_month_adds_one_and_after_the_period_nothing(money, tree, frozen_clock):
    family = phase_out(datetime.date(2026, 1, 15), 3)
    services.run_gradual_exit_payments()
    frozen_clock.move_to(datetime.datetime(2026, 4, 1, 3, 0, tzinfo=SHANGHAI))
    assert services.run_gradual_exit_payments().created == 1
    frozen_clock.move_to(datetime.datetime(2026, 5, 1, 3, 0, tzinfo=SHANGHAI))
    assert services.run_gradual_exit_payments().created == 0
    assert Grant.objects.filter(hardship_file=family).count() == 3


def test_a_family_whose_period_has_ended_gets_nothing(money, tree):
    phase_out(datetime.date(2025, 10, 1), 3)  # ended 2025-12-31
    make_family(status=FileStatus.FILED)  # never in a phase-out
    outcome = services.run_gradual_exit_payments()
    assert outcome.created == 0 and not Grant.objects.exists()


def test_without_money_the_grant_waits_as_proposed(tree):
    family = phase_out(datetime.date(2026, 2, 20), 2)
    outcome = services.run_gradual_exit_payments()
    assert outcome.created == 1 and outcome.waiting_for_funds == 1
    grant = Grant.objects.get(hardship_file=family)
    assert grant.status == Status.PROPOSED and grant.proposed_by is None


def test_the_run_is_a_daily_job_so_no_phase_out_month_is_missed():
    """Monthly grants, a daily run: a one-month phase-out starting on the 1st after the run
    still gets its grant the next day (the run is idempotent per family and month)."""
    job = next(job for job in schedule.jobs() if job.name == "relief.gradual_exit_payments")
    assert job.cadence == schedule.DAILY
    moment = datetime.datetime(2026, 3, 15, 12, 0, tzinfo=SHANGHAI)
    assert job.period(moment) == "2026-03-15"


def test_nobody_proposes_a_gradual_exit_grant_by_hand(money, tree, caseworker, grant_types):
    family = phase_out(datetime.date(2026, 2, 20), 2)
    with pytest.raises(RuleViolation) as refusal:
        services.propose_grant(
            family.household.worker,
            grant_type=grant_types["gradual-exit"],
            amount_fen=400 * YUAN,
            reason="渐退",
            by=caseworker,
        )
    assert refusal.value.field == "grant_type"
