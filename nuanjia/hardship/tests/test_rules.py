"""The pure hardship rules at their boundaries: categories, exclusions, gradual exit, dates,
the spot-check draw and the transition map."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from nuanjia.core.errors import RuleViolation
from nuanjia.hardship import rules
from nuanjia.hardship.rules import Category, PolicyValues, Status, Step
from nuanjia.hardship.workflow import FLOW

DIBAO = 80_000  # 800.00 元


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


# ---- Categories ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("income", "expected"),
    [
        (DIBAO - 1, Category.DEEP),
        (DIBAO, Category.DEEP),  # ≤ 1 × 低保
        (DIBAO + 1, Category.RELATIVE),
        (2 * DIBAO - 1, Category.RELATIVE),
        (2 * DIBAO, Category.NONE),  # < 2 × 低保, so the line itself is above
        (-5_000, Category.DEEP),  # costs above incomes
    ],
)
def test_category_boundaries_against_one_and_two_times_dibao(income, expected):
    assert rules.propose_category(per_capita_income_fen=income, dibao_fen=DIBAO) == expected


def test_relative_multiple_is_configurable_for_places_using_one_and_a_half():
    half = Decimal("1.50")
    assert (
        rules.propose_category(
            per_capita_income_fen=119_999, dibao_fen=DIBAO, relative_multiple=half
        )
        == Category.RELATIVE
    )
    assert (
        rules.propose_category(
            per_capita_income_fen=120_000, dibao_fen=DIBAO, relative_multiple=half
        )
        == Category.NONE
    )


def test_relative_line_with_an_odd_standard_is_compared_exactly():
    # 1.5 × 777 分 = 1165.5 分: 1165 is below the line, 1166 is not.
    assert rules.relative_limit_fen(777, Decimal("1.5")) == 1166
    assert (
        rules.propose_category(
            per_capita_income_fen=1165, dibao_fen=777, relative_multiple=Decimal("1.5")
        )
        == Category.RELATIVE
    )
    assert (
        rules.propose_category(
            per_capita_income_fen=1166, dibao_fen=777, relative_multiple=Decimal("1.5")
        )
        == Category.NONE
    )


def test_family_on_dibao_with_illness_costs_is_deep_whatever_its_income():
    income = 2 * DIBAO + 10_000
    assert (
        rules.propose_category(
            per_capita_income_fen=income, dibao_fen=DIBAO, is_on_dibao=True, has_special_costs=True
        )
        == Category.DEEP
    )
    assert (
        rules.propose_category(per_capita_income_fen=income, dibao_fen=DIBAO, is_on_dibao=True)
        == Category.NONE
    )
    assert (
        rules.propose_category(
            per_capita_income_fen=income, dibao_fen=DIBAO, has_special_costs=True
        )
        == Category.NONE
    )


def test_sudden_hardship_needs_the_cause_and_income_below_the_relative_line_after_compensation():
    assert (
        rules.propose_category(per_capita_income_fen=2 * DIBAO - 1, dibao_fen=DIBAO, is_sudden=True)
        == Category.SUDDEN
    )
    assert (
        rules.propose_category(per_capita_income_fen=2 * DIBAO, dibao_fen=DIBAO, is_sudden=True)
        == Category.NONE
    )
    # at or below 1 × 低保 the family is deep, sudden cause or not
    assert (
        rules.propose_category(per_capita_income_fen=DIBAO, dibao_fen=DIBAO, is_sudden=True)
        == Category.DEEP
    )


def test_compensation_counts_as_income_spread_over_the_twelve_months():
    # 24,000 元 for a family of 2 adds 1,000 元 per person a month
    assert rules.sudden_income_fen(50_000, 2_400_000, 2) == 150_000


def test_tiered_help_covers_families_just_above_the_relative_line():
    policy = PolicyValues()
    line = 2 * DIBAO
    assert not rules.is_tiered_help(per_capita_income_fen=line - 1, dibao_fen=DIBAO, policy=policy)
    assert rules.is_tiered_help(per_capita_income_fen=line, dibao_fen=DIBAO, policy=policy)
    assert rules.is_tiered_help(
        per_capita_income_fen=192_000 - 1, dibao_fen=DIBAO, policy=policy
    )  # < line × 1.2
    assert not rules.is_tiered_help(per_capita_income_fen=192_000, dibao_fen=DIBAO, policy=policy)
    wider = PolicyValues(tiered_help_multiple=Decimal("1.50"))
    assert rules.is_tiered_help(per_capita_income_fen=200_000, dibao_fen=DIBAO, policy=wider)


@given(
    income=st.integers(-200_000, 500_000),
    dibao=st.integers(1, 200_000),
    multiple=st.sampled_from([Decimal("1.50"), Decimal("2.00"), Decimal("1.75")]),
    on_dibao=st.booleans(),
    special=st.booleans(),
    sudden=st.booleans(),
)
def test_the_integer_relative_limit_is_the_exact_decimal_comparison(
    income, dibao, multiple, on_dibao, special, sudden
):
    category = rules.propose_category(
        per_capita_income_fen=income,
        dibao_fen=dibao,
        relative_multiple=multiple,
        is_on_dibao=on_dibao,
        has_special_costs=special,
        is_sudden=sudden,
    )
    if income <= dibao or (on_dibao and special):
        assert category == Category.DEEP
    elif Decimal(income) < Decimal(dibao) * multiple:
        assert category == (Category.SUDDEN if sudden else Category.RELATIVE)
    else:
        assert category == Category.NONE


# ---- Exclusions ---------------------------------------------------------------------------


def _facts(**overrides):
    facts = {
        "homes_count": 0,
        "homes_area_m2": Decimal("0"),
        "household_size": 3,
        "owns_car": False,
        "child_in_costly_school": False,
        "controls_business": False,
        "refused_verification": False,
    }
    return facts | overrides


def test_no_exclusion_for_an_ordinary_family():
    assert rules.find_exclusions(**_facts(homes_count=1, homes_area_m2=Decimal("200"))) == []


def test_two_homes_exclude_only_above_the_local_average_area_per_person():
    at_average = rules.find_exclusions(
        **_facts(homes_count=2, homes_area_m2=Decimal("120.00"))
    )  # 40.00 m² each
    assert at_average == []
    above = rules.find_exclusions(
        **_facts(homes_count=2, homes_area_m2=Decimal("120.03"))
    )  # 40.01 m²
    assert [exclusion.code for exclusion in above] == ["homes"]
    assert "2" in above[0].reason and "40.01" in above[0].reason and "40.00" in above[0].reason
    assert "套住房" in above[0].reason


def test_the_average_home_area_is_policy():
    policy = PolicyValues(average_home_area_m2=Decimal("50.00"))
    assert (
        rules.find_exclusions(**_facts(homes_count=3, homes_area_m2=Decimal("150")), policy=policy)
        == []
    )


@pytest.mark.parametrize(
    ("fact", "code", "words"),
    [
        ("owns_car", "car", "汽车"),
        ("child_in_costly_school", "school", "学校"),
        ("controls_business", "business", "企业"),
        ("refused_verification", "refused", "核查"),
    ],
)
def test_each_exclusion_is_explained_in_chinese(fact, code, words):
    found = rules.find_exclusions(**_facts(**{fact: True}))
    assert [exclusion.code for exclusion in found] == [code]
    assert words in found[0].reason


def test_all_exclusions_are_reported_together():
    found = rules.find_exclusions(
        **_facts(homes_count=2, homes_area_m2=Decimal("500"), owns_car=True, controls_business=True)
    )
    assert [exclusion.code for exclusion in found] == ["homes", "car", "business"]


# ---- Gradual exit -------------------------------------------------------------------------

STANDARD = 100_000  # 1,000.00 元 a month before exit


@pytest.mark.parametrize("months", [1, 6])
def test_gradual_exit_of_one_to_six_months_is_accepted(months):
    rules.validate_gradual_exit(months, 60_000, STANDARD)


@pytest.mark.parametrize("months", [0, 7, -1])
def test_gradual_exit_outside_one_to_six_months_is_refused(months):
    with pytest.raises(RuleViolation) as refused:
        rules.validate_gradual_exit(months, 10_000, STANDARD)
    assert refused.value.field == "gradual_exit_months"
    assert (
        "1" in refused.value.message
        and "6" in refused.value.message
        and "个月" in refused.value.message
    )


def test_gradual_exit_at_exactly_sixty_percent_is_accepted_and_one_fen_more_is_refused():
    rules.validate_gradual_exit(3, 60_000, STANDARD)
    with pytest.raises(RuleViolation) as refused:
        rules.validate_gradual_exit(3, 60_001, STANDARD)
    assert refused.value.field == "gradual_exit_monthly_fen"
    assert "60%" in refused.value.message and "600.00" in refused.value.message


def test_sixty_percent_rounds_down_to_the_fen():
    assert rules.gradual_exit_cap_fen(99_999) == 59_999  # 599.994 元 → 599.99
    rules.validate_gradual_exit(1, 59_999, 99_999)
    with pytest.raises(RuleViolation):
        rules.validate_gradual_exit(1, 60_000, 99_999)


def test_gradual_exit_needs_an_amount():
    with pytest.raises(RuleViolation):
        rules.validate_gradual_exit(2, 0, STANDARD)


def test_gradual_exit_limits_are_configurable():
    policy = PolicyValues(
        gradual_exit_min_months=2, gradual_exit_max_months=12, gradual_exit_max_percent=80
    )
    rules.validate_gradual_exit(12, 80_000, STANDARD, policy)
    for months in (1, 13):
        with pytest.raises(RuleViolation):
            rules.validate_gradual_exit(months, 10_000, STANDARD, policy)
    with pytest.raises(RuleViolation):
        rules.validate_gradual_exit(6, 80_001, STANDARD, policy)


# ---- Dates --------------------------------------------------------------------------------


def test_review_falls_due_a_year_after_filing_and_month_ends_are_kept():
    assert rules.next_review_on(datetime.date(2026, 3, 2)) == datetime.date(2027, 3, 2)
    assert rules.next_review_on(datetime.date(2024, 2, 29)) == datetime.date(2025, 2, 28)
    assert rules.add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert rules.next_review_on(
        datetime.date(2026, 3, 2), PolicyValues(review_interval_months=6)
    ) == datetime.date(2026, 9, 2)


def test_publicity_of_seven_days_ends_on_the_seventh_day():
    assert rules.publicity_ends_on(datetime.date(2026, 3, 2)) == datetime.date(2026, 3, 8)
    assert rules.publicity_ends_on(
        datetime.date(2026, 3, 2), PolicyValues(publicity_days=5)
    ) == datetime.date(2026, 3, 6)


def test_gradual_exit_ends_the_day_before_the_same_date_months_later():
    assert rules.gradual_exit_ends_on(datetime.date(2026, 3, 2), 3) == datetime.date(2026, 6, 1)
    assert rules.retention_ends_on(datetime.date(2026, 3, 2)) == datetime.date(2036, 3, 2)


# ---- Spot checks --------------------------------------------------------------------------


@given(
    ids=st.sets(st.integers(1, 10**9), max_size=300),
    year=st.integers(2020, 2040),
    seed=st.integers(0, 1000),
)
def test_spot_checks_are_at_least_thirty_percent_and_the_same_when_drawn_again(ids, year, seed):
    chosen = rules.select_spot_checks(ids, percent=30, year=year, seed=seed)
    assert chosen <= ids
    assert len(chosen) * 100 >= len(ids) * 30
    assert len(chosen) == -(-len(ids) * 30 // 100)
    assert (
        rules.select_spot_checks(sorted(ids, reverse=True), percent=30, year=year, seed=seed)
        == chosen
    )


def test_another_year_or_seed_draws_other_files():
    ids = range(1, 1001)
    first = rules.select_spot_checks(ids, percent=30, year=2026, seed=0)
    assert rules.select_spot_checks(ids, percent=30, year=2027, seed=0) != first
    assert rules.select_spot_checks(ids, percent=30, year=2026, seed=1) != first


def test_spot_check_share_is_configurable():
    assert len(rules.select_spot_checks(range(10), percent=50, year=2026)) == 5
    assert rules.spot_check_count(7, 30) == 3  # 2.1 rounds up


# ---- The transition map -------------------------------------------------------------------


def _steps_for(status, roles):
    return [spec.name for spec in FLOW.steps_from(status) if spec.roles & set(roles)]


def test_every_step_moves_along_the_transition_map():
    for spec in FLOW.steps.values():
        for source in spec.sources:
            for target in spec.targets:
                assert FLOW.can_move(source, target), (spec.name, source, target)


def test_final_states_go_nowhere_and_every_state_is_in_the_map():
    assert set(FLOW.transitions) == set(Status)
    assert FLOW.transitions[Status.REJECTED] == frozenset()
    assert FLOW.transitions[Status.WITHDRAWN] == frozenset()


def test_each_role_sees_only_its_steps():
    assert _steps_for(Status.VISITED, {"caseworker"}) == [Step.WITHDRAW]
    assert _steps_for(Status.VISITED, {"reviewer"}) == [Step.REVIEW, Step.REJECT]
    assert _steps_for(Status.IN_PUBLICITY, {"approver"}) == [Step.APPROVE, Step.REJECT]
    assert _steps_for(Status.FILED, {"approver"}) == [Step.EXIT]
    assert _steps_for(Status.FILED, {"leader"}) == []


def test_money_is_shown_in_yuan_with_two_decimals():
    assert rules.format_yuan(123_456) == "1,234.56"
    assert rules.format_yuan(5) == "0.05"
    assert rules.format_yuan(-150) == "-1.50"
    assert rules.format_yuan(None) == ""
