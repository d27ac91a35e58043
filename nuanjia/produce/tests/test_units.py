"""Quantities in grams: 1 斤 = 500 g, 1 公斤 = 1000 g = 2 斤 exactly; shown in 斤 to one decimal."""

from decimal import Decimal

import pytest

from nuanjia.core.errors import RuleViolation
from nuanjia.produce.services.producers import unit_grams
from nuanjia.produce.units import format_jin, grams_of_jin, jin


def test_a_kilo_is_two_jin_exactly():
    assert unit_grams("kg", None) == 2 * unit_grams("jin", None) == 1000
    assert jin(1000) == Decimal("2.0")
    assert grams_of_jin("2") == 1000 and grams_of_jin(Decimal("0.5")) == 250


def test_jin_are_shown_to_one_decimal():
    assert format_jin(1250) == "2.5"
    assert format_jin(6_000_000) == "12,000.0"
    assert jin(None) == Decimal("0.0")
    assert jin(275) == Decimal("0.6")  # 0.55 斤, half up


def test_a_box_or_bag_says_its_content():
    assert unit_grams("box", 5000) == 5000
    with pytest.raises(RuleViolation) as error:
        unit_grams("bag", None)
    assert error.value.field == "grams"
    with pytest.raises(RuleViolation):
        unit_grams("ton", 1)


def test_a_fraction_of_a_gram_is_refused():
    with pytest.raises(ValueError):
        grams_of_jin("0.0001")
