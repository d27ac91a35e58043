"""A courier in 郑州 on a phone finds the nearest open station with a microwave (热饭) from
where they stand, then checks in there from the station's page."""

import pytest

from nuanjia.orgs.models import Org
from nuanjia.stations import services
from nuanjia.stations.models import Station, Visit
from nuanjia.stations.services import StationFields

from .conftest import PHONE, screenshot

HERE = (34.7725, 113.6700)  # 金水区 花园路 (WGS-84)


def _station(code, name, lat_offset, facilities, **extra):
    return services.create_station(
        StationFields(
            code=code,
            name=name,
            org=Org.objects.get(code="410105"),
            address=f"郑州市金水区花园路{code[-1]}号",
            region_code="410105",
            lat=HERE[0] + lat_offset,
            lng=HERE[1],
            facilities=facilities,
            **extra,
        ),
        by=None,
    )


@pytest.fixture
def stations(transactional_db, tree):
    closest_without = _station("ZZ-05-001", "花园路环卫驿站", 0.001, {"饮水": None, "充电": None})
    closed = _station("ZZ-05-002", "农业路快递驿站", 0.002, {"饮水": None, "热饭": None})
    services.set_station_status(closed, Station.Status.CLOSED, by=None)
    microwave = _station(
        "ZZ-05-003", "纬五路暖心驿站", 0.004, {"饮水": None, "热饭": None, "休息座位数": 6}
    )
    _station("ZZ-05-004", "东风路驿站", 0.02, {"热饭": None})
    return {"microwave": microwave, "closed": closed, "without": closest_without}


def test_a_courier_finds_the_nearest_open_station_with_a_microwave_and_checks_in(
    browser, live_server, stations
):
    context = browser.new_context(
        viewport=PHONE,
        base_url=live_server.url,
        locale="zh-CN",
        geolocation={"latitude": HERE[0], "longitude": HERE[1]},
        permissions=["geolocation"],
    )
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto("/s/")
        page.get_by_label("热饭").check()
        page.get_by_role("button", name="使用我的位置").click()
        first = page.get_by_test_id("result").first
        first.wait_for()
        assert "纬五路暖心驿站" in first.inner_text()
        assert first.get_by_test_id("distance").inner_text() == "445 m"
        navigate = first.get_by_test_id("navigate").get_attribute("href")
        assert navigate.startswith("https://uri.amap.com/marker?position=113.67")
        assert "农业路快递驿站" not in page.content()  # closed
        assert "花园路环卫驿站" not in page.content()  # no microwave
        screenshot(page, "stations-nearest-phone")

        first.get_by_test_id("checkin-link").click()
        page.get_by_test_id("checkin-form").wait_for()
        page.get_by_label("热饭").check()
        page.get_by_label("饮水").check()
        page.get_by_role("button", name="签到").click()
        page.get_by_test_id("checked-in").wait_for()
        screenshot(page, "stations-checked-in-phone")
    finally:
        context.close()
    visit = Visit.objects.get()
    assert visit.station == stations["microwave"]
    assert visit.used_meal and visit.used_water and not visit.used_charge
