"""Gig-job fixtures: the clock at 2026-05-10 10:00 in Shanghai; 郑州's minimum wage (2,100
元 a month from 2026-01-01: the hourly floor 12.07 元, a day 96.56 元); a corner of 郑州 at
二七广场 with its caseworker; a post of a builder 5 km away paying 200 元 a day; a gig
worker registered at the corner; texts kept in memory."""

import datetime
import zoneinfo

import pytest
import time_machine

from nuanjia.gigjobs import services
from nuanjia.members.tests.conftest import texts  # noqa: F401  (texts in memory)
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.standards.models import MinimumWage

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 5, 10, 10, 0, tzinfo=SHANGHAI)
CORNER_AT = (34.7466, 113.6254)  # 二七广场
WORKER_PHONE = "13912345678"


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def wage(db):
    return MinimumWage.objects.create(
        region_code="410100", effective_on=datetime.date(2026, 1, 1), monthly_fen=210_000
    )


@pytest.fixture
def staff(make_staff):
    return make_staff("410100", Role.CASEWORKER, username="zz_gig_caseworker")


@pytest.fixture
def corner(staff, wage):
    return services.create_corner(
        Org.objects.get(code="410100"), by=staff, name="二七零工客栈", region_code="410100",
        address="郑州市二七区二七广场东", lat=CORNER_AT[0], lng=CORNER_AT[1],
        opening_hours="周一至周日 07:00-19:00", services="岗位信息；饮水休息；法律咨询",
    )  # fmt: skip


def post_values(**overrides) -> dict:
    values = {
        "employer_name": "郑州建工三公司",
        "work": "小工（搬运）",
        "pay_unit": "day",
        "pay_fen": 200_00,
        "address": "郑州市金水区农业路",
        "lat": 34.7900,
        "lng": 113.6600,
        "starts_on": "2026-05-11",
        "ends_on": "2026-05-15",
        "workers_wanted": 3,
        "contact_name": "李经理",
        "contact_phone": "13800001234",
    }
    return values | overrides


@pytest.fixture
def post(corner, staff):
    return services.create_post(corner, by=staff, **post_values())


@pytest.fixture
def gig(corner, staff):
    return services.register_worker(
        corner, by=staff, name="王零工", phone=WORKER_PHONE, skills="搬运、泥瓦",
        available_from="2026-05-10", available_until="2026-06-30",
    )  # fmt: skip
