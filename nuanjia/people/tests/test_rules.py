"""Pure people rules: per-capita income, ages, search keys and plans, duplicate scores."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nuanjia.core.masking import mask_id_number
from nuanjia.people import rules

ON = datetime.date(2026, 3, 2)
WAGE = 210_000  # 2100.00 元 a month


@dataclass
class Member:
    birth_date: datetime.date | None = datetime.date(1980, 5, 1)
    gender: str = "male"
    school_stage: str = ""
    is_able_bodied: bool = True
    is_employed: bool = True
    wage_income_fen: int = 0
    business_income_fen: int = 0
    property_income_fen: int = 0
    transfer_income_fen: int = 0
    other_income_fen: int = 0
    illness_cost_fen: int = 0
    disability_cost_fen: int = 0
    school_cost_fen: int = 0
    housing_cost_fen: int = 0
    other_cost_fen: int = 0


def born_years_before(years: int, *, days: int = 0) -> datetime.date:
    """A birth date that makes someone exactly `years` old on ON, shifted by `days`."""
    return ON.replace(year=ON.year - years) + datetime.timedelta(days=days)


# ---- Per-capita monthly income ----------------------------------------------------------------


def test_per_capita_income_is_all_incomes_less_costs_over_size_and_twelve_months():
    members = [
        Member(wage_income_fen=3_000_000, transfer_income_fen=120_000, illness_cost_fen=600_000),
        Member(
            business_income_fen=600_000,
            property_income_fen=60_000,
            other_income_fen=60_000,
            school_cost_fen=120_000,
            housing_cost_fen=60_000,
            disability_cost_fen=60_000,
            other_cost_fen=0,
        ),
    ]
    # (30000 + 1200 + 6000 + 600 + 600 − 6000 − 1200 − 600 − 600) 元 = 30000 元 ÷ 2 ÷ 12 = 1250 元
    assert rules.per_capita_monthly_income_fen(members, minimum_wage_fen=WAGE, on=ON) == 125_000


def test_costs_larger_than_income_give_zero_not_a_negative_income():
    figure = rules.household_income(
        [Member(wage_income_fen=100_000, illness_cost_fen=5_000_000)], minimum_wage_fen=WAGE, on=ON
    )
    assert figure.net_fen == 0
    assert figure.per_capita_monthly_fen == 0


def test_per_capita_income_rounds_half_up_to_the_fen():
    # 3 people × 12 months = 36; 18 fen ÷ 36 = 0.5 fen → 1; 17 ÷ 36 = 0.47 → 0; 54 ÷ 36 = 1.5 → 2
    household = [Member(), Member(), Member()]
    household[0].wage_income_fen = 18
    assert rules.per_capita_monthly_income_fen(household, minimum_wage_fen=WAGE, on=ON) == 1
    household[0].wage_income_fen = 17
    assert rules.per_capita_monthly_income_fen(household, minimum_wage_fen=WAGE, on=ON) == 0
    household[0].wage_income_fen = 54
    assert rules.per_capita_monthly_income_fen(household, minimum_wage_fen=WAGE, on=ON) == 2


def test_an_able_bodied_jobless_adult_is_imputed_the_minimum_wage():
    jobless = Member(is_employed=False, wage_income_fen=0)
    figure = rules.household_income(
        [jobless, Member(wage_income_fen=1_200_000)], minimum_wage_fen=WAGE, on=ON
    )
    assert figure.members[0].is_imputed
    assert figure.members[0].counted_income_fen == WAGE * 12
    assert figure.imputed_fen == WAGE * 12
    assert figure.per_capita_monthly_fen == (WAGE * 12 + 1_200_000) // 24


def test_an_imputed_member_keeps_a_recorded_income_above_the_minimum_wage():
    jobless = Member(is_employed=False, other_income_fen=WAGE * 12 + 1)
    figure = rules.household_income([jobless], minimum_wage_fen=WAGE, on=ON)
    assert figure.members[0].counted_income_fen == WAGE * 12 + 1
    assert figure.imputed_fen == 0


@pytest.mark.parametrize(
    ("member", "imputed"),
    [
        (Member(is_employed=False, is_able_bodied=False), False),  # cannot work
        (Member(is_employed=False, school_stage="university"), False),  # a student
        (
            Member(is_employed=False, birth_date=born_years_before(16)),
            True,
        ),  # 16 today: working age
        (Member(is_employed=False, birth_date=born_years_before(16, days=1)), False),  # 16 tomorrow
        (
            Member(is_employed=False, gender="male", birth_date=born_years_before(60, days=1)),
            True,
        ),  # 59
        (
            Member(is_employed=False, gender="male", birth_date=born_years_before(60)),
            False,
        ),  # 60: retired
        (
            Member(is_employed=False, gender="female", birth_date=born_years_before(55, days=1)),
            True,
        ),  # 54
        (
            Member(is_employed=False, gender="female", birth_date=born_years_before(55)),
            False,
        ),  # 55: retired
        (
            Member(is_employed=False, gender="", birth_date=born_years_before(57)),
            False,
        ),  # unknown gender: the lower age
        (Member(is_employed=False, birth_date=None), False),  # unknown age
        (Member(is_employed=True), False),
    ],
)
def test_imputation_applies_only_to_able_bodied_jobless_non_students_of_working_age(
    member, imputed
):
    assert rules.is_imputed(member, ON) is imputed


def test_working_age_is_configurable():
    later = rules.WorkingAge(retirement_age_male=63, retirement_age_female=58)
    assert rules.is_working_age(born_years_before(61), "male", ON, later)
    assert not rules.is_working_age(born_years_before(61), "male", ON)
    assert rules.is_working_age(born_years_before(57), "female", ON, later)


def test_union_aid_counts_as_transfer_income():
    without_aid = rules.per_capita_monthly_income_fen(
        [Member(wage_income_fen=1_200_000)], minimum_wage_fen=WAGE, on=ON
    )
    with_aid = rules.per_capita_monthly_income_fen(
        [Member(wage_income_fen=1_200_000, transfer_income_fen=120_000)],
        minimum_wage_fen=WAGE,
        on=ON,
    )
    assert with_aid - without_aid == 10_000


def test_a_household_needs_a_member():
    with pytest.raises(ValueError):
        rules.household_income([], minimum_wage_fen=WAGE, on=ON)


def test_children_under_fourteen_are_flagged():
    assert rules.is_child(born_years_before(14, days=1), ON)
    assert not rules.is_child(born_years_before(14), ON)
    assert not rules.is_child(None, ON)
    figure = rules.household_income(
        [Member(), Member(birth_date=born_years_before(8), school_stage="primary")],
        minimum_wage_fen=WAGE,
        on=ON,
    )
    assert [row.is_child for row in figure.members] == [False, True]


amounts = st.integers(min_value=0, max_value=10**11)


@st.composite
def members(draw):
    return Member(
        birth_date=draw(st.one_of(st.none(), st.dates(datetime.date(1930, 1, 1), ON))),
        gender=draw(st.sampled_from(["", "male", "female"])),
        school_stage=draw(st.sampled_from(["", "primary", "university"])),
        is_able_bodied=draw(st.booleans()),
        is_employed=draw(st.booleans()),
        **{name: draw(amounts) for name in rules.INCOME_FIELDS + rules.COST_FIELDS},
    )


@given(st.lists(members(), min_size=1, max_size=8), st.integers(min_value=0, max_value=10**7))
def test_per_capita_income_is_never_negative_and_never_above_the_counted_income(household, wage):
    figure = rules.household_income(household, minimum_wage_fen=wage, on=ON)
    assert figure.per_capita_monthly_fen >= 0
    assert (
        figure.per_capita_monthly_fen * figure.household_size * 12
        <= figure.income_fen + figure.household_size * 12
    )
    assert (
        abs(figure.per_capita_monthly_fen * figure.household_size * 12 - figure.net_fen)
        <= figure.household_size * 6
    )


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=1, max_value=10**6))
def test_division_rounds_half_up_exactly(numerator, denominator):
    expected = int(
        (Decimal(numerator) / Decimal(denominator)).quantize(Decimal(1), rounding="ROUND_HALF_UP")
    )
    assert rules.divide_half_up(numerator, denominator) == expected


def test_yuan_become_fen_rounded_half_up():
    assert rules.yuan_to_fen(Decimal("1234.5")) == 123_450
    assert rules.yuan_to_fen(Decimal("0.005")) == 1
    assert rules.yuan_to_fen(Decimal("0.004")) == 0


# ---- Masking ----------------------------------------------------------------------------------

id_like = st.text(alphabet="0123456789Xx ０１２３", min_size=0, max_size=24)


@given(id_like)
def test_masking_never_shows_more_than_eight_characters_of_an_id(number):
    masked = mask_id_number(number)
    assert sum(char != "*" for char in masked) <= 8


# ---- Search keys and plans --------------------------------------------------------------------


def test_name_keys_are_every_suffix_of_the_normalized_name_then_its_other_readings():
    assert rules.name_keys("张三丰") == ["张三丰", "三丰", "丰", "sanfeng", "sf"]
    assert rules.name_keys(" Anna  Li ") == ["annali", "nnali", "nali", "ali", "li", "i"]
    assert rules.name_keys("") == []


def test_name_keys_hold_every_reading_and_the_given_name_alone():
    keys = rules.name_keys("郭长顺")  # 长: zhang or chang; guozhangshun, gzs are the columns
    assert {"guochangshun", "gcs", "changshun", "zhangshun", "cs", "zs"} <= set(keys)
    assert "guozhangshun" not in keys
    assert "zengleyue" in rules.name_keys("曾乐乐")  # the surname by its surname reading only
    assert not any(key.startswith("ceng") for key in rules.name_keys("曾乐乐"))


@pytest.mark.parametrize(
    ("text", "plan"),
    [
        ("张三", rules.SearchPlan(name_contains="张三")),
        ("zhangsan", rules.SearchPlan(name_contains="zhangsan", pinyin_prefix="zhangsan")),
        ("ZS", rules.SearchPlan(name_contains="zs", pinyin_prefix="zs")),
        ("138 1234", rules.SearchPlan(phone="1381234")),  # sealed: no prefix, never matches
        ("+86 138-1234-5678", rules.SearchPlan(phone="13812345678")),
        ("123x", rules.SearchPlan(id_last4="123X")),
        ("5678", rules.SearchPlan(phone_last4="5678", id_last4="5678")),
        ("  ", rules.SearchPlan()),
        ("SCOPEMARKER-KF-7Q", rules.SearchPlan(name_contains="scopemarker-kf-7q")),
    ],
)
def test_search_text_chooses_the_branches_it_can_use(text, plan):
    assert rules.search_plan(text) == plan


def test_prefix_bounds_cover_exactly_the_strings_with_the_prefix():
    low, high = rules.prefix_bounds("zha")
    assert low <= "zhangsan" < high and low <= "zha" < high
    assert not (low <= "zhb" < high) and not (low <= "zh" < high)
    low, high = rules.prefix_bounds("张")
    assert low <= "张三" < high and not (low <= "章三" < high)


# ---- Duplicate scores -------------------------------------------------------------------------


def facts(
    name="张伟",
    pinyin="zhangwei",
    born=datetime.date(1980, 5, 1),
    phone="",
    address="",
    has_id=False,
):
    return rules.PersonFacts(name, pinyin, born, phone, address, has_id)


def test_the_weights_sum_to_one():
    assert (
        rules.NAME_WEIGHT + rules.BIRTH_DATE_WEIGHT + rules.PHONE_WEIGHT + rules.ADDRESS_WEIGHT == 1
    )


def test_same_name_and_birth_date_is_a_candidate():
    result = rules.duplicate_score(facts(), facts())
    assert result.score == Decimal("0.650") and result.is_candidate
    assert result.reasons["name"]["match"] == "same"


def test_a_homophone_name_with_the_same_birth_date_is_a_candidate():
    result = rules.duplicate_score(facts(), facts(name="章伟"))
    assert result.reasons["name"]["match"] == "same_pinyin"
    assert result.score == Decimal("0.615") and result.is_candidate


def test_the_same_name_alone_is_not_a_candidate():
    result = rules.duplicate_score(facts(), facts(born=datetime.date(1990, 1, 1)))
    assert result.score == Decimal("0.350") and not result.is_candidate


def test_a_swapped_birth_date_counts_as_a_typing_slip():
    similarity, match = rules.birth_date_similarity(
        datetime.date(1980, 5, 1), datetime.date(1980, 1, 5)
    )
    assert (similarity, match) == (rules.TYPO_SIMILARITY, "typo")


def test_phone_one_digit_off_counts_as_a_typing_slip():
    assert rules.phone_similarity("13812345678", "13812345679") == (rules.TYPO_SIMILARITY, "typo")
    assert rules.phone_similarity("13812345678", "13912345670")[1] == "different"


def test_two_records_with_id_numbers_need_more_than_name_and_birth_date():
    both = rules.duplicate_score(facts(has_id=True), facts(has_id=True))
    assert not both.is_candidate
    with_phone = rules.duplicate_score(
        facts(has_id=True, phone="13812345678"), facts(has_id=True, phone="13812345678")
    )
    assert with_phone.score == Decimal("0.850") and with_phone.is_candidate


def test_addresses_sharing_only_the_city_prefix_score_nothing():
    similarity, _match = rules.address_similarity(
        "河南省郑州市惠济区天河路1号", "河南省郑州市金水区农业路88号"
    )
    assert similarity < Decimal("0.4")
    assert rules.address_similarity("惠济区天河路1号院3号楼", "惠济区天河路1号院3号楼")[0] == 1


@given(
    st.text(max_size=6),
    st.text(max_size=6),
    st.one_of(st.none(), st.dates()),
    st.text(max_size=11),
    st.text(max_size=30),
)
def test_scores_stay_between_zero_and_one(name, pinyin, born, phone, address):
    result = rules.duplicate_score(
        facts(name=name, pinyin=pinyin, born=born, phone=phone, address=address), facts()
    )
    assert Decimal(0) <= result.score <= Decimal(1)
