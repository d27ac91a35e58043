"""Money at the edges: parsing yuan, 元 and 万元 display, 大写金额."""

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from nuanjia.core.errors import RuleViolation
from nuanjia.core.money import (
    MAX_FEN,
    check_fen,
    chinese_capital,
    fen_to_yuan,
    format_wan,
    format_yuan,
    parse_yuan,
    wan_to_fen,
    yuan_to_fen,
)


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("2500", 250_000),
        ("2,500.50", 250_050),
        ("２５００", 250_000),
        ("2500元", 250_000),
        (" 0.01 ", 1),
        ("1.5", 150),
        (Decimal("16409.02"), 1_640_902),
        (25, 2_500),
        (2560.1, 256_010),
    ],
)
def test_parse_yuan_reads_what_people_type(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("0", "大于零"),
        ("0.00", "大于零"),
        ("-1", "负数"),
        ("1.005", "两位小数"),
        ("abc", "不是"),
        ("1e3", "不是"),
        ("", "请填写"),
        (None, "请填写"),
        ("NaN", "不是"),
    ],
)
def test_bad_amounts_are_refused_in_chinese_naming_the_field(text, words):
    with translation.override("zh-hans"), pytest.raises(RuleViolation) as refused:
        parse_yuan(text, field="amount", label="下拨金额")
    assert refused.value.field == "amount"
    assert "下拨金额" in refused.value.message
    assert words in refused.value.message


def test_amounts_above_the_ceiling_are_refused():
    with pytest.raises(RuleViolation):
        parse_yuan(str(MAX_FEN // 100 + 1))


def test_check_fen_guards_services():
    assert check_fen(1) == 1
    for bad in (0, -5, 1.5, "10", True, MAX_FEN + 1):
        with pytest.raises(RuleViolation):
            check_fen(bad)


def test_formats():
    assert format_yuan(1_640_902) == "16,409.02"
    assert format_yuan(-5) == "-0.05"
    assert format_yuan(None) == ""
    assert format_wan(2_560 * 1_000_000) == "2,560.00"
    assert format_wan(9_775 * 100_000) == "977.50"
    assert format_wan(1_041_100 * 100) == "104.11"
    assert wan_to_fen("977.5") == 977_500_000
    assert fen_to_yuan(1) == Decimal("0.01")
    assert yuan_to_fen(Decimal("1.23")) == 123
    with pytest.raises(ValueError):
        yuan_to_fen(Decimal("1.234"))


@pytest.mark.parametrize(
    ("fen", "words"),
    [
        (1_640_902, "壹万陆仟肆佰零玖元零贰分"),
        (10_700_053, "壹拾万柒仟元零伍角叁分"),
        (0, "零元整"),
        (100, "壹元整"),
        (50, "伍角整"),
        (5, "伍分"),
        (1_010, "壹拾元零壹角整"),
        (1_000_000, "壹万元整"),
        (250_000, "贰仟伍佰元整"),
        (2_560 * 1_000_000, "贰仟伍佰陆拾万元整"),
        (10_001_000_101, "壹亿零壹万零壹元零壹分"),
        (100_000_000_000, "壹拾亿元整"),
        (1_000_100, "壹万零壹元整"),
        (10_010_000, "壹拾万零壹佰元整"),
    ],
)
def test_chinese_capital_follows_the_voucher_rules(fen, words):
    assert chinese_capital(fen) == words


@given(st.integers(min_value=1, max_value=MAX_FEN))
def test_chinese_capital_never_ends_in_zheng_after_fen_and_uses_only_capitals(fen):
    words = chinese_capital(fen)
    assert not words.endswith("分整")
    assert set(words) <= set("零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整")
    assert "零零" not in words
    assert words.endswith("分") == (fen % 10 != 0)


@given(st.integers(min_value=1, max_value=MAX_FEN))
def test_parse_and_format_round_trip(fen):
    assert parse_yuan(format_yuan(fen)) == fen
