"""Psychological-help fixtures: the clock at 2026-05-10 10:00 in Shanghai; 郑州's help line
(at least one on duty, follow-up within 24 h) supervised by an approver, its caseworker, a
counsellor with a staff account and volunteers; the province's line with its supervisor."""

import datetime
import zoneinfo

import pytest
import time_machine

from nuanjia.counselling import services
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 5, 10, 10, 0, tzinfo=SHANGHAI)


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 5, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def supervisor(make_staff):
    return make_staff("410100", Role.APPROVER, username="zz_psy_supervisor")


@pytest.fixture
def caseworker(make_staff):
    return make_staff("410100", Role.CASEWORKER, username="zz_psy_caseworker")


@pytest.fixture
def counsellor_staff(make_staff):
    return make_staff("410100", Role.CASEWORKER, username="zz_psy_counsellor")


@pytest.fixture
def province_supervisor(make_staff):
    staff = make_staff("410000", Role.APPROVER, username="sz_psy_supervisor")
    services.create_line(
        Org.objects.get(code="410000"), name="河南省职工心理援助热线", supervisor=staff, by=staff
    )
    return staff


@pytest.fixture
def line(caseworker, supervisor):
    return services.create_line(
        Org.objects.get(code="410100"), name="郑州职工心理援助热线", phone="0371-12351",
        supervisor=supervisor, by=caseworker,
    )  # fmt: skip


@pytest.fixture
def people(line, caseworker, counsellor_staff):
    """A counsellor signing in as staff and three volunteers."""
    counsellor = services.add_helper(
        line, kind="counsellor", name="李咨询", staff=counsellor_staff, by=caseworker
    )
    volunteers = [
        services.add_helper(line, kind="volunteer", name=name, phone=phone, by=caseworker)
        for name, phone in (
            ("王志愿", "13900001111"),
            ("赵志愿", "13900002222"),
            ("钱志愿", "13900003333"),
        )
    ]
    return counsellor, volunteers


def cover(line_people, first: datetime.datetime, days: int, *, skip=None, by=None) -> None:
    """Eight-hour shifts round the clock from `first` for `days` days, one person each,
    leaving out the hours [skip[0], skip[1]) when given."""
    start = first
    end = first + datetime.timedelta(days=days)
    index = 0
    while start < end:
        stop = start + datetime.timedelta(hours=8)
        helper = line_people[index % len(line_people)]
        if skip and start < skip[1] and stop > skip[0]:
            if start < skip[0]:
                services.add_shift(helper, start, skip[0], by=by)
            if stop > skip[1]:
                services.add_shift(helper, skip[1], stop, by=by)
        else:
            services.add_shift(helper, start, stop, by=by)
        start = stop
        index += 1
