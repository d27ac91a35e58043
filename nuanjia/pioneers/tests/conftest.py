"""Pioneers fixtures: the clock at 2026-05-10 10:00 in Shanghai; a grassroots union under
惠济区 with its caseworker (the nominator) and a reviewer there; 郑州's reviewer and approver
(the city that reviews and awards); 惠济区's reviewer; a registered team with a leader."""

import datetime
import zoneinfo

import pytest
import time_machine

from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.orgs.services import create_grassroots_union
from nuanjia.people.models import Employer, Worker
from nuanjia.pioneers import services

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 5, 10, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def union(tree):
    return create_grassroots_union(
        parent=Org.objects.get(code="410108"), name="郑州热电厂工会", kind=Org.Kind.ENTERPRISE,
        by=None,
    )  # fmt: skip


@pytest.fixture
def other_union(tree):
    return create_grassroots_union(
        parent=Org.objects.get(code="410108"), name="惠济水厂工会", kind=Org.Kind.ENTERPRISE,
        by=None,
    )  # fmt: skip


@pytest.fixture
def nominator(make_staff, union):
    return make_staff(union.code, Role.CASEWORKER, Role.REVIEWER, username="rd_caseworker")


@pytest.fixture
def city_reviewer(make_staff):
    return make_staff("410100", Role.REVIEWER, username="zz_pioneer_reviewer")


@pytest.fixture
def city_approver(make_staff):
    return make_staff("410100", Role.APPROVER, username="zz_pioneer_approver")


@pytest.fixture
def county_reviewer(make_staff):
    return make_staff("410108", Role.REVIEWER, Role.APPROVER, username="hj_pioneer_reviewer")


@pytest.fixture
def leader(union):
    return Worker.objects.create(org=union, name="张班长", region_code="410108")


@pytest.fixture
def team(union, nominator, leader):
    employer = Employer.objects.create(name="郑州热电厂", union=union)
    return services.create_team(
        union, name="一号机组运行班", employer=employer, members_count=12, leader=leader,
        by=nominator,
    )  # fmt: skip


@pytest.fixture
def nominated(team, nominator):
    return services.nominate(
        team, year_nominated=2026, deeds="连续三年安全生产零事故", by=nominator
    )


def publicise(title, by):
    from nuanjia.pioneers.workflow import TITLE_FLOW

    return TITLE_FLOW.take_step(
        title, "review", by=by, publicity_starts_on="2026-04-20", publicity_ends_on="2026-04-30"
    )


def award(title, by, *, level="city", number="ZZGRXFH-2026-001"):
    from nuanjia.pioneers.workflow import TITLE_FLOW

    return TITLE_FLOW.take_step(
        title, "award", by=by, level=level, award_year=2026, certificate_number=number
    )
