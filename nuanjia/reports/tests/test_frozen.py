"""A closed month keeps its figures (issue 20 item 4): funds' 结账 freezes the subtree's facts
of the month with their hash; a late row changes the next open month (调整), not the closed one."""

from __future__ import annotations

import datetime

import pytest

from nuanjia.funds import services as funds
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.reports import frozen, queries, services
from nuanjia.reports.models import Fact, FrozenFact, FrozenPeriod

from .factories import paid_grant, workers

pytestmark = pytest.mark.django_db
FEB = (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
MAR = (datetime.date(2026, 3, 1), datetime.date(2026, 3, 31))


@pytest.fixture
def closed_february(tree, make_staff):
    zhengzhou, huiji = Org.objects.get(code="410100"), Org.objects.get(code="410108")
    (worker,) = workers(huiji, 1)
    paid_grant(worker, huiji, datetime.date(2026, 2, 10), 100_000)
    services.rebuild(datetime.date(2026, 1, 1), datetime.date(2026, 3, 2))
    finance = make_staff("410100", Role.FINANCE)
    funds.close_period(zhengzhou, 2026, 2, by=finance)
    return {"zhengzhou": zhengzhou, "huiji": huiji, "worker": worker}


def _total(org: Org, days: tuple[datetime.date, datetime.date]) -> int:
    return queries.figure(org, "relief.grants_paid", *days).total


def test_closing_a_month_freezes_its_figures_with_a_hash(closed_february):
    period = FrozenPeriod.objects.get()
    assert (period.path, period.year, period.month) == ("/410000/410100/", 2026, 2)
    kept = FrozenFact.objects.get(period=period, measure="relief.grants_paid")
    assert (kept.path, kept.value) == ("/410000/410100/410108/", 100_000)
    assert frozen.verify(period)
    FrozenFact.objects.filter(pk=kept.pk).update(value=1)
    assert not frozen.verify(period)  # a changed figure no longer gives the hash


def test_a_late_row_is_carried_to_the_next_open_month(closed_february):
    huiji, zhengzhou = closed_february["huiji"], closed_february["zhengzhou"]
    paid_grant(closed_february["worker"], huiji, datetime.date(2026, 2, 20), 30_000)
    services.refresh()
    assert _total(zhengzhou, FEB) == 100_000  # the closed month is unchanged
    assert _total(huiji, FEB) == 100_000
    assert _total(zhengzhou, MAR) == 30_000  # the late grant shows in March as an adjustment
    carried = Fact.objects.get(measure="relief.grants_paid", carried=True)
    assert (carried.day, carried.value, carried.path) == (MAR[0], 30_000, huiji.path)
    # The province did not close February: its figure of the months adds up the same.
    province = Org.objects.get(code="410000")
    assert _total(province, FEB) + _total(province, MAR) == 130_000
    # A rebuild and the nightly check keep it so.
    services.rebuild(datetime.date(2026, 1, 1), datetime.date(2026, 3, 2))
    assert (_total(zhengzhou, FEB), _total(zhengzhou, MAR)) == (100_000, 30_000)
    assert services.check_day(datetime.date(2026, 2, 20)).differences == 0
    assert frozen.verify(FrozenPeriod.objects.get())


def test_the_dashboard_labels_the_adjustment_and_the_closed_month(
    closed_february, make_staff, login
):
    paid_grant(
        closed_february["worker"], closed_february["huiji"], datetime.date(2026, 2, 21), 5_000
    )
    services.refresh()
    client = login(make_staff("410100", Role.LEADER))
    february = client.get("/reports/?period=2026-02").content.decode()
    assert 'data-testid="closed-month"' in february and "1,000.00" in february
    march = client.get("/reports/?period=2026-03").content.decode()
    assert 'data-testid="adjustment-relief.grants_paid"' in march and "50.00" in march


def test_a_failed_freeze_undoes_the_close(tree, make_staff):
    zhengzhou = Org.objects.get(code="410100")
    finance = make_staff("410100", Role.FINANCE)
    funds.close_period(zhengzhou, 2026, 1, by=finance)
    assert FrozenPeriod.objects.filter(org=zhengzhou, year=2026, month=1).exists()
