"""Phone numbers are stored in one form whatever way people type them, and refused with a clear message."""

import pytest
from django.core.exceptions import ValidationError

from nuanjia.core.phones import is_mobile, normalize_phone, validate_phone


@pytest.mark.parametrize(
    "typed",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "+86 138 1234 5678",
        "+8613812345678",
        "0086-13812345678",
        "86 13812345678",
        "１３８１２３４５６７８",
        "＋８６　１３８１２３４５６７８",
        "013812345678",
    ],
)
def test_every_way_of_typing_a_mobile_number_gives_its_eleven_digits(typed):
    assert normalize_phone(typed) == "13812345678"
    assert validate_phone(typed) == "13812345678"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0371-12351", "0371-12351"),
        ("037112351", "0371-12351"),
        ("0371 6555 1234", "0371-65551234"),
        ("(0371)65551234", "0371-65551234"),
        ("０３７１－６５５５１２３４", "0371-65551234"),
        ("+86 371 6555 1234", "0371-65551234"),
        ("010-62345678", "010-62345678"),
        ("+86 10 6234 5678", "010-62345678"),
        ("020 8888 8888", "020-88888888"),
        ("0379-6432123", "0379-6432123"),
    ],
)
def test_landlines_are_stored_as_area_code_dash_number_when_allowed(typed, stored):
    assert validate_phone(typed, allow_landline=True) == stored


def test_a_landline_is_refused_where_only_a_mobile_will_do():
    with pytest.raises(ValidationError) as caught:
        validate_phone("0371-12351")
    assert caught.value.messages == ["手机号码应为11位数字，以13至19开头（例如13812345678）。"]


@pytest.mark.parametrize(
    "typed", ["12812345678", "1381234567", "138123456789", "12351", "0138-1234567", "0371-0123456"]
)
def test_malformed_numbers_are_refused(typed):
    with pytest.raises(ValidationError) as caught:
        validate_phone(typed, allow_landline=True)
    assert caught.value.messages == [
        "请填写11位手机号码，或带区号的固定电话（例如0371-12345678）。"
    ]


def test_letters_are_named_and_an_empty_number_is_asked_for():
    with pytest.raises(ValidationError) as caught:
        validate_phone("138abcd5678")
    assert caught.value.messages == ["电话号码包含不允许的字符：a b c d"]
    with pytest.raises(ValidationError) as caught:
        validate_phone(" ")
    assert caught.value.messages == ["请填写电话号码。"]
    assert normalize_phone(None) == ""


def test_is_mobile_knows_the_mobile_prefixes():
    assert is_mobile("19912345678")
    assert not is_mobile("12012345678")
    assert not is_mobile("0371-12351")
