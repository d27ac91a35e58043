"""Password policy (等保 level 3): ≥ 10 characters mixing ≥ 3 of 4 classes, refused in Chinese.

Decision recorded here and in nuanjia/accounts/passwords.py: a Chinese character is a
*symbol* (it is a letter without case, like every character outside the three other classes).
"""

import string

import pytest
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from nuanjia.accounts.passwords import (
    DIGIT,
    LOWER,
    SYMBOL,
    UPPER,
    ComplexityValidator,
    character_class,
    character_classes,
)

TOO_SHORT = "密码至少需要 10 个字符。"
TOO_SIMPLE = "密码须至少包含小写字母、大写字母、数字、符号中的 3 类（汉字按符号计）。"

ALPHABETS = {
    LOWER: st.sampled_from(string.ascii_lowercase),
    UPPER: st.sampled_from(string.ascii_uppercase),
    DIGIT: st.sampled_from(string.digits),
    SYMBOL: st.one_of(
        st.sampled_from(string.punctuation + " ，。！？、￥"),
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),  # CJK unified ideographs
    ),
}


def refusal(password: str) -> ValidationError | None:
    with translation.override("zh-hans"):
        try:
            ComplexityValidator().validate(password)
        except ValidationError as error:
            return error
    return None


@st.composite
def passwords_using(draw, *, min_classes: int, max_classes: int, min_size: int = 10):
    """A password drawn from exactly the chosen classes, each of them used at least once."""
    classes = draw(
        st.lists(
            st.sampled_from(sorted(ALPHABETS)),
            min_size=min_classes,
            max_size=max_classes,
            unique=True,
        )
    )
    chars = [draw(ALPHABETS[name]) for name in classes]
    rest = max(0, min_size - len(chars))
    chars += draw(
        st.lists(
            st.one_of(*(ALPHABETS[name] for name in classes)), min_size=rest, max_size=rest + 30
        )
    )
    return "".join(draw(st.permutations(chars))), set(classes)


@given(passwords_using(min_classes=3, max_classes=4))
def test_any_long_password_from_three_or_more_classes_passes(drawn):
    password, _classes = drawn
    assert refusal(password) is None


@given(passwords_using(min_classes=1, max_classes=2))
def test_any_password_from_fewer_than_three_classes_fails_whatever_its_length(drawn):
    password, _classes = drawn
    error = refusal(password)
    assert error is not None and error.code == "password_too_simple"


@given(passwords_using(min_classes=1, max_classes=4))
def test_the_classes_counted_are_the_classes_used(drawn):
    password, classes = drawn
    assert character_classes(password) == len(classes)


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Abcdefgh1", TOO_SHORT),  # 9 characters, 3 classes
        ("Abcdefgh12", None),  # 10 characters, 3 classes
        ("abcdefgh12", TOO_SIMPLE),  # 10 characters, 2 classes
        ("abcdefgh1!", None),  # 3 classes with a symbol instead of a capital
        ("ABCDEFGHI!", TOO_SIMPLE),  # capitals and a symbol only
        ("Ab1中中中中中中", TOO_SHORT),  # 9 characters (27 bytes): length counts characters
        ("Ab1中中中中中中中", None),  # 10 characters
    ],
)
def test_length_and_class_boundaries(password, message):
    error = refusal(password)
    assert (error.messages[0] if error else None) == message


@pytest.mark.parametrize(
    ("password", "passes"),
    [
        ("abcdefgh中1", True),  # lower + symbol (汉字) + digit
        ("abcdefghi中", False),  # lower + symbol: 2 classes
        ("中文密码中文密码中文", False),  # only symbols
        ("工会Nuanjia2026", True),  # the way people really write one
    ],
)
def test_a_chinese_character_counts_as_a_symbol(password, passes):
    assert character_class("中") == SYMBOL
    assert (refusal(password) is None) is passes


def test_accented_and_full_width_characters_keep_their_case_and_digit_class():
    assert [character_class(char) for char in "éÉ５ａＡ!"] == [
        LOWER,
        UPPER,
        DIGIT,
        LOWER,
        UPPER,
        SYMBOL,
    ]


def test_the_whole_policy_also_refuses_common_passwords_in_chinese():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as caught:
        validate_password("Password123")
    assert any("常见" in message for message in caught.value.messages)


def test_the_policy_is_explained_in_chinese_on_every_password_form():
    with translation.override("zh-hans"):
        help_texts = password_validators_help_texts()
    assert "至少 10 个字符，且至少包含小写字母、大写字母、数字、符号中的 3 类。" in help_texts
