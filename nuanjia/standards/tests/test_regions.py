"""GB/T 2260 region codes: levels, prefixes and the one fallback chain every table uses."""

import pytest

from nuanjia.standards import regions


@pytest.mark.parametrize(
    ("code", "level", "prefix", "city", "chain"),
    [
        ("410000", regions.PROVINCE, "41", "410000", ["410000"]),
        ("410100", regions.CITY, "4101", "410100", ["410100", "410000"]),
        ("410108", regions.COUNTY, "410108", "410100", ["410108", "410100", "410000"]),
        # 济源 is administered by the province directly: no city above it.
        ("419001", regions.COUNTY, "419001", "419001", ["419001", "410000"]),
    ],
)
def test_a_code_knows_its_level_prefix_city_and_fallbacks(code, level, prefix, city, chain):
    assert regions.level(code) == level
    assert regions.prefix(code) == prefix
    assert regions.city_of(code) == city
    assert regions.province_of(code) == "410000"
    assert regions.fallback_chain(code) == chain


def test_within_follows_the_prefix():
    assert regions.is_within("410108", "410100") and regions.is_within("410108", "410000")
    assert regions.is_within("410108", "410108")
    assert not regions.is_within("410204", "410100")


def test_region_codes_are_six_digits():
    assert regions.is_region_code("410108")
    assert not regions.is_region_code("41010") and not regions.is_region_code("41010x")


def test_a_prefix_range_matches_the_codes_that_start_with_it():
    condition = regions.prefix_range("4101")
    bounds = dict(condition.children)
    assert bounds == {"region_code__gte": "4101", "region_code__lt": "4102"}
    assert dict(regions.prefix_range("41", "code").children)["code__lt"] == "42"
