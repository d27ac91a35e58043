"""The value in force on a date for a region, nearest region first, for every dated table."""

import datetime
from decimal import Decimal

import pytest

from nuanjia.hardship.models import HardshipPolicy
from nuanjia.hardship.queries import policy_for
from nuanjia.standards.models import DibaoStandard, MinimumWage
from nuanjia.standards.queries import (
    dibao_fen_for,
    dibao_for,
    in_force,
    minimum_wage_fen_for,
    minimum_wage_for,
)

JAN_2024 = datetime.date(2024, 1, 1)
JULY_2026 = datetime.date(2026, 7, 1)


@pytest.fixture
def zhengzhou_rows(db):
    """The demo 郑州 rows (migration 0002), recreated in case a transactional test flushed them."""
    DibaoStandard.objects.get_or_create(
        region_code="410100", effective_on=JAN_2024, defaults={"monthly_fen": 93_000}
    )
    MinimumWage.objects.get_or_create(
        region_code="410100", effective_on=JAN_2024, defaults={"monthly_fen": 210_000}
    )


def test_a_county_without_its_own_standard_uses_its_citys(zhengzhou_rows):
    standard = dibao_for("410105", datetime.date(2026, 3, 2))  # 金水区
    assert standard.region_code == "410100" and standard.monthly_fen == 93_000
    assert dibao_for("410105", datetime.date(2023, 12, 31)) is None
    assert minimum_wage_for("410105", datetime.date(2026, 3, 2)).monthly_fen == 210_000


def test_a_countys_own_row_wins_from_its_first_day(zhengzhou_rows):
    DibaoStandard.objects.create(region_code="410108", effective_on=JULY_2026, monthly_fen=95_000)
    assert dibao_fen_for("410108", JULY_2026 - datetime.timedelta(days=1)) == 93_000
    assert dibao_fen_for("410108", JULY_2026) == 95_000
    assert dibao_fen_for("410105", JULY_2026) == 93_000  # the neighbour still uses the city's


def test_the_latest_row_in_force_wins_over_older_ones(zhengzhou_rows):
    MinimumWage.objects.create(region_code="410100", effective_on=JULY_2026, monthly_fen=230_000)
    assert minimum_wage_fen_for("410108", JULY_2026) == 230_000
    assert minimum_wage_fen_for("410108", datetime.date(2026, 6, 30)) == 210_000


def test_a_city_falls_back_to_the_province(db):
    MinimumWage.objects.filter(region_code__in=["410100", "410000"]).delete()
    MinimumWage.objects.create(region_code="410000", effective_on=JAN_2024, monthly_fen=200_000)
    assert minimum_wage_for("410108", JULY_2026).region_code == "410000"
    assert minimum_wage_for("410100", JULY_2026).region_code == "410000"
    assert minimum_wage_fen_for("420100", JULY_2026) is None  # another province


def test_the_same_lookup_serves_the_tables_of_higher_apps(db):
    """hardship's policies fall back county → city → province through standards.in_force."""
    HardshipPolicy.objects.create(
        region_code="410100", effective_on=JAN_2024, relative_multiple=Decimal("2.50")
    )
    assert in_force(HardshipPolicy, "410108", JULY_2026).region_code == "410100"
    assert policy_for("410108", JULY_2026).relative_multiple == Decimal("2.50")
    assert policy_for("410204", JULY_2026).relative_multiple == Decimal("2.00")  # the province
    narrowed = HardshipPolicy.objects.filter(region_code="410000")
    assert in_force(narrowed, "410108", JULY_2026).region_code == "410000"
