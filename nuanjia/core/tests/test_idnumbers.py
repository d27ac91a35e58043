"""ID numbers (居民身份证号) are validated by check character, birth date and region, and say who they belong to."""

import csv
import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from nuanjia.core.idnumbers import (
    FEMALE,
    HENAN_CITY_PREFIXES,
    MALE,
    age_on,
    id_check_char,
    is_known_region_code,
    normalize_id_number,
    validate_id_number,
)

TODAY = datetime.date(2026, 11, 29)
HENAN_CSV = Path(__file__).resolve().parents[2] / "orgs" / "data" / "henan_divisions.csv"
with HENAN_CSV.open(encoding="utf-8") as _file:
    HENAN_ROWS = list(csv.DictReader(_file))
HENAN_REGION_CODES = sorted(row["code"] for row in HENAN_ROWS if row["kind"] != "province")
CHECK_CHARS = "0123456789X"


def make_number(region: str, birth_date: datetime.date, sequence: int) -> str:
    first17 = f"{region}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


def error_of(raw: str, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_id_number(raw, **kwargs)
    return caught.value


valid_numbers = st.builds(
    make_number,
    st.sampled_from(HENAN_REGION_CODES),
    st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY),
    st.integers(min_value=0, max_value=999),
)


@given(
    region=st.sampled_from(HENAN_REGION_CODES),
    birth_date=st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY),
    sequence=st.integers(min_value=0, max_value=999),
)
def test_a_well_formed_henan_number_passes_and_tells_birth_date_and_gender(
    region, birth_date, sequence
):
    parsed = validate_id_number(make_number(region, birth_date, sequence), today=TODAY)
    assert parsed.region_code == region
    assert parsed.birth_date == birth_date
    assert parsed.gender == (MALE if sequence % 2 else FEMALE)
    assert not parsed.is_foreign_permanent_resident


@given(number=valid_numbers, position=st.integers(min_value=0, max_value=17), data=st.data())
def test_any_single_character_change_is_caught_by_the_check_character(number, position, data):
    alphabet = CHECK_CHARS if position == 17 else CHECK_CHARS[:10]
    replacement = data.draw(
        st.sampled_from([char for char in alphabet if char != number[position]])
    )
    changed = number[:position] + replacement + number[position + 1 :]
    error = error_of(changed, today=TODAY)
    assert error.code == "id_check_char"
    assert "校验码" in error.messages[0]


def test_the_standards_own_example_passes():
    parsed = validate_id_number("11010519491231002X", today=TODAY)
    assert parsed.birth_date == datetime.date(1949, 12, 31)
    assert parsed.gender == FEMALE
    assert parsed.region_code == "110105"


def test_lower_case_x_full_width_digits_and_spaces_are_normalized():
    assert normalize_id_number("11010519491231002x") == "11010519491231002X"
    assert normalize_id_number(" １１０１０５　１９４９１２３１　００２ｘ ") == "11010519491231002X"
    assert validate_id_number("110105 1949 1231 002ｘ", today=TODAY).number == "11010519491231002X"


def test_a_fifteen_digit_legacy_number_becomes_its_eighteen_digit_form():
    assert normalize_id_number("410105900101123") == "410105199001011233"
    parsed = validate_id_number("410105900101123", today=TODAY)
    assert parsed.number == "410105199001011233"
    assert parsed.birth_date == datetime.date(1990, 1, 1)
    assert parsed.gender == MALE


def test_a_foreign_permanent_resident_number_starting_with_9_passes():
    number = make_number("941840", datetime.date(1985, 3, 15), 124)
    parsed = validate_id_number(number, today=TODAY)
    assert parsed.is_foreign_permanent_resident
    assert parsed.birth_date == datetime.date(1985, 3, 15)
    assert parsed.gender == FEMALE


@pytest.mark.parametrize(
    ("prefix", "code", "named"),
    [
        ("999999", "id_province_of_issue", "99"),  # 999999… is not a number
        ("983840", "id_province_of_issue", "83"),  # issued only by provinces 11–82
        ("925840", "id_province_of_issue", "25"),  # no province 25
        ("941999", "id_nationality", "999"),  # no country 999
        ("941000", "id_nationality", "000"),
    ],
)
def test_a_permanent_residence_number_needs_a_real_province_and_nationality(prefix, code, named):
    number = make_number(prefix, datetime.date(1985, 3, 15), 124)
    with pytest.raises(ValidationError) as refused:
        validate_id_number(number, today=TODAY)
    assert refused.value.code == code
    assert named in refused.value.messages[0]


def test_other_provinces_and_hong_kong_macao_taiwan_residence_permits_pass():
    for region in ("110105", "320102", "650102", "810000", "820000", "830000"):
        assert validate_id_number(make_number(region, datetime.date(1970, 5, 1), 1), today=TODAY)


def test_old_henan_prefecture_codes_still_on_cards_pass():
    # 412727 淮阳县 (周口地区) and 413026 固始县 (信阳地区), GB/T 2260-1980s.
    for region in ("412727", "413026", "412201"):
        assert validate_id_number(make_number(region, datetime.date(1960, 8, 8), 33), today=TODAY)


def test_an_impossible_date_has_its_own_message():
    first17 = "41010519900230123"
    error = error_of(first17 + id_check_char(first17), today=TODAY)
    assert error.code == "id_birth_date"
    assert error.messages == ["身份证号中的出生日期1990-02-30不存在。"]


def test_a_future_birth_date_has_its_own_message():
    number = make_number("410105", datetime.date(2026, 11, 30), 123)
    error = error_of(number, today=TODAY)
    assert error.messages == ["身份证号中的出生日期2026-11-30晚于今天。"]
    assert validate_id_number(number, today=datetime.date(2026, 11, 30))


def test_a_birth_date_before_1900_is_refused():
    error = error_of("440524188001010014", today=TODAY)  # GB 11643's example, born 1880
    assert error.messages == ["身份证号中的出生日期1880-01-01早于1900年。"]


def test_an_unknown_region_has_its_own_message():
    for region in ("411800", "419900", "413100", "720101", "000000", "100000"):
        error = error_of(make_number(region, datetime.date(1990, 1, 1), 123), today=TODAY)
        assert error.code == "id_region"
        assert error.messages == [f"身份证号前6位地区码{region}不是已知的行政区划代码。"]


def test_wrong_length_bad_characters_and_a_misplaced_x_each_say_so():
    assert error_of("4101051990").messages == ["身份证号应为18位（旧版为15位数字），当前为10位。"]
    assert error_of("41010519900101123A").messages == [
        "身份证号只能包含数字和末位的X，以下字符不允许：A"
    ]
    assert error_of("4101051990X1011233").messages == ["身份证号中的X只能是最后一位。"]
    assert error_of("  ").messages == ["请填写身份证号。"]
    assert error_of(None).code == "id_required"


def test_the_default_today_is_the_local_date():
    assert validate_id_number("11010519491231002X").birth_date.year == 1949
    assert error_of(make_number("410105", datetime.date(2199, 1, 1), 1)).code == "id_birth_date"


def test_henan_city_prefixes_match_the_shipped_division_list():
    from_csv = {row["code"][:4] for row in HENAN_ROWS if row["kind"] != "province"}
    assert from_csv == HENAN_CITY_PREFIXES
    assert all(is_known_region_code(code) for code in HENAN_REGION_CODES)


def test_age_counts_completed_years():
    born = datetime.date(1990, 6, 15)
    assert age_on(born, datetime.date(2020, 6, 14)) == 29
    assert age_on(born, datetime.date(2020, 6, 15)) == 30
    leapling = datetime.date(2000, 2, 29)
    assert age_on(leapling, datetime.date(2001, 2, 28)) == 0
    assert age_on(leapling, datetime.date(2001, 3, 1)) == 1
    assert validate_id_number("11010519491231002X").age_on(datetime.date(2019, 12, 31)) == 70
