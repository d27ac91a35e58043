"""Datums, distances, the grid and opening hours: pure rules."""

import datetime
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nuanjia.core.errors import RuleViolation
from nuanjia.stations import rules

# Published eviltransform reference vectors: (WGS-84 lat, lng), (GCJ-02 lat, lng).
WGS_GCJ = [
    ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),  # 上海
    ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),  # 深圳
    ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),  # 北京
]
# 郑州 二七纪念塔 in WGS-84.
ERQI_TOWER = (34.7544, 113.6661)


def metres(a, b) -> float:
    return rules.haversine_m(a[0], a[1], b[0], b[1])


@pytest.mark.parametrize(("wgs", "gcj"), WGS_GCJ)
def test_wgs84_to_gcj02_matches_the_reference_vectors(wgs, gcj):
    assert rules.wgs84_to_gcj02(*wgs) == pytest.approx(gcj, abs=1e-9)


@pytest.mark.parametrize(("wgs", "gcj"), WGS_GCJ)
def test_gcj02_back_to_wgs84_is_within_a_centimetre(wgs, gcj):
    assert metres(rules.gcj02_to_wgs84(*gcj), wgs) < 0.01


def test_bd09_is_gcj02_shifted_by_baidus_published_formula():
    """百度's own formula (x_pi = π·3000/180): about +0.006° north, +0.0065° east, and back."""
    gcj = (39.90923, 116.397428)  # 天安门 on 高德
    bd = rules.gcj02_to_bd09(*gcj)
    assert bd[0] - gcj[0] == pytest.approx(0.0063, abs=0.0005)
    assert bd[1] - gcj[1] == pytest.approx(0.0064, abs=0.0005)
    assert metres(rules.bd09_to_gcj02(*bd), gcj) < 0.1


def test_a_zhengzhou_landmark_round_trips_through_every_datum_within_a_metre():
    for datum in rules.DATUMS:
        there = rules.from_wgs84(*ERQI_TOWER, datum)
        assert metres(rules.to_wgs84(*there, datum), ERQI_TOWER) < 1.0
    gcj = rules.from_wgs84(*ERQI_TOWER, rules.GCJ02)
    bd = rules.from_wgs84(*ERQI_TOWER, rules.BD09)
    # The offsets are the familiar few hundred metres (GCJ) and about a kilometre (BD).
    assert 200 < metres(gcj, ERQI_TOWER) < 800
    assert 600 < metres(bd, ERQI_TOWER) < 1500


@pytest.mark.parametrize("point", [(48.8584, 2.2945), (40.6892, -74.0445), (-33.8568, 151.2153)])
def test_points_outside_china_are_unchanged(point):
    for datum in rules.DATUMS:
        assert rules.from_wgs84(*point, datum) == point
        assert rules.to_wgs84(*point, datum) == point


@given(
    lat=st.floats(min_value=18.2, max_value=53.5),
    lng=st.floats(min_value=73.6, max_value=134.7),
    datum=st.sampled_from(rules.DATUMS),
)
def test_any_point_in_china_round_trips_within_a_metre(lat, lng, datum):
    there = rules.from_wgs84(lat, lng, datum)
    assert metres(rules.to_wgs84(*there, datum), (lat, lng)) < 1.0


def test_haversine_knows_shanghai_to_beijing():
    assert rules.haversine_m(31.17530398, 121.53154186, 39.91334546, 116.38404722) == pytest.approx(
        1_078_164, abs=1500
    )


@given(
    lat=st.floats(min_value=-80, max_value=80),
    lng=st.floats(min_value=-179.9, max_value=179.9),
    bearing=st.floats(min_value=0, max_value=2 * math.pi),
    distance=st.floats(min_value=0, max_value=20_000),
)
def test_the_cells_of_a_circle_hold_every_point_in_it(lat, lng, bearing, distance):
    d_lat = distance * math.cos(bearing) / rules.METRES_PER_DEGREE_LAT
    d_lng = (
        distance * math.sin(bearing) / (rules.METRES_PER_DEGREE_LAT * math.cos(math.radians(lat)))
    )
    other = (lat + d_lat, ((lng + d_lng + 180) % 360) - 180)
    cell = rules.cell_of(*other)
    radius = rules.haversine_m(lat, lng, *other) + 1
    assert any(first <= cell <= last for first, last in rules.cell_ranges(lat, lng, radius))


@pytest.mark.parametrize(
    ("lat", "lng", "field"),
    [
        (113.62, 34.75, "lat"),  # swapped
        (95.0, 200.0, "lat"),
        (34.75, 190.0, "lng"),
        (84.0, 34.0, "lat"),  # swapped, inside the range
    ],
)
def test_coordinates_out_of_range_or_swapped_are_refused_naming_the_field(lat, lng, field):
    with pytest.raises(RuleViolation) as refused:
        rules.check_coordinates(lat, lng)
    assert refused.value.field == field


def test_swapped_coordinates_say_so():
    with pytest.raises(RuleViolation, match="填反"):
        rules.check_coordinates(113.62, 34.75)


# --- opening hours ---


def at(day: str, time: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{time}")


MONDAY = "2026-11-23"
TUESDAY = "2026-11-24"
SUNDAY = "2026-11-29"


def test_a_24_hour_station_is_always_open():
    hours = rules.parse_opening_hours("24小时")
    assert hours.is_always_open
    assert all(hours.is_open_at(at(MONDAY, f"{hour:02d}:30")) for hour in range(24))


def test_hours_across_midnight_count_on_the_next_morning():
    hours = rules.parse_opening_hours("周一至周五 22:00-06:00")
    assert hours.is_open_at(at(MONDAY, "23:30"))
    assert hours.is_open_at(at(TUESDAY, "05:59"))
    assert not hours.is_open_at(at(TUESDAY, "06:00"))
    assert not hours.is_open_at(at(MONDAY, "05:00"))  # Sunday night is not listed
    assert hours.is_open_at(at("2026-11-28", "05:00"))  # Friday night runs into Saturday


def test_weekday_groups_and_split_ranges():
    hours = rules.parse_opening_hours("周一至周五 07:00-11:30,13:00-20:00; 周六、周日 09:00-17:00")
    assert hours.is_open_at(at(MONDAY, "07:00"))
    assert not hours.is_open_at(at(MONDAY, "12:00"))
    assert hours.is_open_at(at(SUNDAY, "16:59"))
    assert not hours.is_open_at(at(SUNDAY, "17:00"))
    assert (
        rules.format_opening_hours(hours)
        == "周一至周五 07:00-11:30,13:00-20:00; 周六至周日 09:00-17:00"
    )


def test_english_day_names_and_every_day():
    assert rules.parse_opening_hours("Mo-Fr 08:00-18:00").is_open_at(at(MONDAY, "08:00"))
    assert rules.parse_opening_hours("每天 06:00-22:00").is_open_at(at(SUNDAY, "21:00"))


@pytest.mark.parametrize(
    "text", ["周一 25:00-26:00", "周八 08:00-09:00", "早上八点到晚上", "周一 08:00"]
)
def test_hours_that_do_not_parse_are_refused_naming_the_field(text):
    with pytest.raises(RuleViolation) as refused:
        rules.parse_opening_hours(text)
    assert refused.value.field == "opening_hours"


@given(
    start=st.integers(min_value=0, max_value=23 * 60 + 59),
    end=st.integers(min_value=1, max_value=24 * 60),
    minute=st.integers(min_value=0, max_value=7 * 24 * 60 - 1),
)
def test_a_parsed_range_is_open_exactly_inside_it(start, end, minute):
    if start == end:
        return
    text = f"每天 {start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"
    hours = rules.parse_opening_hours(text)
    moment = datetime.datetime(2026, 11, 23) + datetime.timedelta(minutes=minute)
    of_day = minute % (24 * 60)
    expected = start <= of_day < end if start < end else of_day >= start or of_day < end
    assert hours.is_open_at(moment) == expected
    assert rules.parse_opening_hours(rules.format_opening_hours(hours)) == hours


def test_statutory_holidays_are_not_ordinary_weekends():
    assert rules.is_statutory_holiday(datetime.date(2026, 10, 1))  # 国庆节
    assert not rules.is_statutory_holiday(datetime.date(2026, 11, 29))  # a Sunday


def test_the_standard_levels():
    assert rules.standard_level(["sign", "site", "facilities", "rules"]) == "四有"
    assert rules.standard_level(list(rules.STANDARD_ITEMS)) == "六有"
    assert rules.standard_level(["sign"]) == ""


def test_the_sign_prints_middle_dots_the_cid_font_lacks():
    from nuanjia.stations.signs import _printable

    assert _printable("关爱你我他(她)·温暖千万家") == "关爱你我他(她)・温暖千万家"
