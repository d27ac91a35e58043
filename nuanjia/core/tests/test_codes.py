"""统一社会信用代码 (GB 32100): the check character catches every single-character error."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from nuanjia.core.codes import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_char,
    normalize_credit_code,
    validate_credit_code,
)

# Codes published by registered companies and unions (checked against GB 32100 by hand).
REAL_CODES = [
    "91350100M000100Y43",
    "914403001922038216",
    "9144030071526726XG",
    "91110108551385082Q",
    "91330100716105852F",
]
# Letters GB 32100 leaves out because they look like digits or other letters.
EXCLUDED_LETTERS = "IOSVZ"

valid_codes = st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=17, max_size=17).map(
    lambda first17: first17 + credit_code_check_char(first17)
)


def fullwidth(text: str) -> str:
    return "".join(
        chr(ord(char) - 0x30 + 0xFF10) if char.isdigit() else chr(ord(char) - 0x41 + 0xFF21)
        for char in text
    )


def message_of(raw: str) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_credit_code(raw)
    return caught.value.messages[0]


@given(valid_codes)
def test_every_code_with_its_check_character_passes(code):
    assert validate_credit_code(code) == code


@given(
    valid_codes,
    st.integers(min_value=0, max_value=17),
    st.sampled_from(CREDIT_CODE_ALPHABET + EXCLUDED_LETTERS),
)
def test_any_single_character_substitution_fails(code, position, replacement):
    if replacement == code[position]:
        replacement = CREDIT_CODE_ALPHABET[
            (CREDIT_CODE_ALPHABET.index(replacement) + 1) % len(CREDIT_CODE_ALPHABET)
        ]
    altered = code[:position] + replacement + code[position + 1 :]
    with pytest.raises(ValidationError):
        validate_credit_code(altered)


@given(valid_codes)
def test_lower_case_full_width_and_spaced_input_normalizes(code):
    assert validate_credit_code(code.lower()) == code
    assert validate_credit_code(fullwidth(code)) == code
    assert validate_credit_code(f" {code[:6]} {code[6:]}\u3000") == code
    assert normalize_credit_code(f"\t{code.lower()}\n") == code


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass(code):
    assert validate_credit_code(code) == code


def test_a_wrong_check_character_is_refused_in_chinese():
    assert "校验位" in message_of("91350100M000100Y44")


def test_a_short_code_says_how_long_it_is():
    assert message_of("91350100M000100Y4") == "统一社会信用代码应为18位（现为17位）。"


def test_letters_outside_the_alphabet_are_named():
    assert "O" in message_of("91350100M000100O43") and "统一社会信用代码" in message_of(
        "91350100M000100O43"
    )
