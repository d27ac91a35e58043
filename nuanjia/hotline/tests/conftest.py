"""Hotline test helpers: fresh in-process caches, SMS kept in memory, a ticket factory."""

import datetime
import zoneinfo

import pytest

from nuanjia.core.sms import MemoryBackend
from nuanjia.funds import services as funds
from nuanjia.funds.models import Earmark
from nuanjia.hotline import deadlines, queries
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime.datetime:
    """An aware Asia/Shanghai time: at(2026, 2, 13, 10, 0)."""
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def fresh_caches(settings):
    deadlines.clear_caches()
    queries.clear_route_cache()
    MemoryBackend.outbox.clear()
    settings.SMS_BACKEND = "nuanjia.core.sms.MemoryBackend"
    yield
    deadlines.clear_caches()
    queries.clear_route_cache()


@pytest.fixture
def city_agent(make_staff):
    """郑州 city hotline agent (the 12351 centre of the city)."""

    return make_staff("410100", Role.HOTLINE_AGENT, username="zz_hotline")


YUAN = 100


@pytest.fixture
def money(tree, province_finance, city_finance, dibao):
    """惠济区 holds 100,000 元 of 困难职工帮扶资金, passed down from the province via 郑州
    (and has a 低保 of 800 元)."""
    province, city, county = (Org.objects.get(code=code) for code in ("410000", "410100", "410108"))
    earmark = Earmark.objects.get(code="hardship")
    funds.receive(province, earmark, 100_000 * YUAN, source="财政", by=province_finance)
    funds.allocate(province, city, earmark, 100_000 * YUAN, by=province_finance)
    funds.allocate(city, county, earmark, 100_000 * YUAN, by=city_finance)
    return earmark
