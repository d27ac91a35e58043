"""PostgreSQL races on settlements: approvers approving one statement at once reserve its
amount once; caseworkers preparing one month at once make one statement holding each row once."""

import datetime

from nuanjia.campaigns import services
from nuanjia.campaigns.models import Meal, Settlement
from nuanjia.campaigns.rules import SettlementStatus
from nuanjia.core import clock
from nuanjia.core.errors import RuleViolation
from nuanjia.funds.models import Transaction
from nuanjia.orgs.rules import Role
from tests.concurrency import postgresql_module, race

from .settlement_support import MARCH, TODAY, account, breakfast, fund_province

pytestmark = postgresql_module()


def test_two_approvers_at_once_reserve_once(breakfast_contract, shop, province_planner, make_staff):
    fund_province(make_staff("410000", Role.FINANCE, username="sz_finance"))
    approvers = [make_staff("410000", Role.APPROVER, username=f"sz_ap{i}") for i in range(2)]
    for day in (2, 3, 4):
        breakfast(breakfast_contract, datetime.date(2026, 3, day))
    with clock.as_of(TODAY):
        settlement = services.prepare_settlement(breakfast_contract, MARCH, by=province_planner)
    services.confirm_settlement(settlement, user=shop[2])

    def approve(i):
        return services.approve_settlement(
            Settlement.objects.get(pk=settlement.pk), by=approvers[i % 2]
        )

    results = race(approve, threads=10)
    approved = [r for r in results if isinstance(r, Settlement)]
    refused = [r for r in results if isinstance(r, RuleViolation)]
    assert len(approved) == 1 and len(refused) == 9, results
    reserves = Transaction.objects.filter(
        kind="reserve", source_type="campaigns.settlement", source_id=str(settlement.pk)
    )
    assert reserves.count() == 1 and account().reserved_fen == 2_400
    settlement.refresh_from_db()
    assert settlement.status == SettlementStatus.APPROVED


def test_preparing_one_month_at_once_makes_one_statement(breakfast_contract, make_staff):
    caseworkers = [make_staff("410000", Role.CASEWORKER, username=f"sz_cw{i}") for i in range(3)]
    for day in range(1, 11):
        breakfast(breakfast_contract, datetime.date(2026, 3, day))

    def prepare(i):
        with clock.as_of(TODAY):
            return services.prepare_settlement(breakfast_contract, MARCH, by=caseworkers[i % 3])

    results = race(prepare, threads=10)
    made = [r for r in results if isinstance(r, Settlement)]
    assert len(made) == 1, results
    assert all(isinstance(r, (Settlement, RuleViolation)) for r in results), results
    assert Settlement.objects.count() == 1 and made[0].units == 10
    assert Meal.objects.filter(settlement=made[0]).count() == 10
