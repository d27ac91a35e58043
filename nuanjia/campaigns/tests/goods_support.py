"""Fixtures of the goods tests: a province-led winter campaign under way with a 慰问 activity,
the 送温暖 earmark, staff of 郑州 and 安阳, money at 郑州, catalogue items. Imported by the
goods test modules (`from .goods_support import …`)."""

import datetime
import itertools

import pytest

from nuanjia.campaigns import services
from nuanjia.campaigns.models import GoodsItem
from nuanjia.campaigns.rules import ActivityKind, CampaignStatus
from nuanjia.funds import services as funds
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.people.models import Worker

YUAN = 100
_serial = itertools.count(1)


def make_worker(org_code: str, name: str = "") -> Worker:
    n = next(_serial)
    org = Org.objects.get(code=org_code)
    return Worker.objects.create(
        org=org,
        name=name or f"王{n}",
        name_pinyin=f"wang{n}",
        region_code=org.region_code,
        id_number_index=f"goods-test-{n}",
        id_number_masked="4105**********123X",
    )


@pytest.fixture
def warmth(db):
    return Earmark.objects.get_or_create(code="warmth", defaults={"name": "送温暖资金"})[0]


@pytest.fixture
def planner(make_staff):
    """省总 caseworker and approver who runs the campaign."""
    return make_staff("410000", Role.CASEWORKER, Role.APPROVER, username="sz_planner")


@pytest.fixture
def campaign(planner, warmth):
    campaign = services.create_campaign(
        code="2026-winter",
        name="2026年送温暖",
        lead_org=Org.objects.get(code="410000"),
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        earmarks=[warmth],
        by=planner,
    )
    return services.set_campaign_status(campaign, CampaignStatus.OPEN, by=planner)


@pytest.fixture
def activity(campaign, planner):
    return services.create_activity(
        campaign,
        kind=ActivityKind.VISIT,
        name="冬季送温暖",
        org=Org.objects.get(code="410000"),
        by=planner,
    )


@pytest.fixture
def zz_caseworker(make_staff):
    return make_staff("410100", Role.CASEWORKER, username="zz_caseworker")


@pytest.fixture
def zz_approver(make_staff):
    return make_staff("410100", Role.APPROVER, username="zz_approver")


@pytest.fixture
def ay_caseworker(make_staff):
    return make_staff("410500", Role.CASEWORKER, username="ay_caseworker")


@pytest.fixture
def zz_money(warmth, city_finance):
    """郑州 has 100,000 元 of 送温暖资金 available."""
    zhengzhou = Org.objects.get(code="410100")
    funds.receive(zhengzhou, warmth, 100_000 * YUAN, source="财政", by=city_finance)
    return funds.account_for(zhengzhou, warmth)


@pytest.fixture
def items(planner):
    return {
        "hat": services.add_item("棉帽", "顶", by=planner),
        "scarf": services.add_item("围巾", "条", by=planner),
        "patch": services.add_item("暖宝贴", "包", by=planner),
    }


def org(code: str) -> Org:
    return Org.objects.get(code=code)


def item_named(name: str) -> GoodsItem:
    return GoodsItem.objects.get(name=name)
