"""Campaign fixtures: the province's open winter campaign with a 慰问 and a screening drive,
staff of 郑州 and 惠济区, and workers of the registry."""

import datetime

import pytest

from nuanjia.campaigns import services
from nuanjia.campaigns.rules import ActivityKind, CampaignStatus
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.relief.models import GrantType
from nuanjia.relief.tests.conftest import make_worker

__all__ = ["make_worker"]


@pytest.fixture
def texts(settings):
    """Texts kept in memory, so a member or partner person signs in with the code sent."""
    from nuanjia.core.sms import MemoryBackend

    MemoryBackend.outbox.clear()
    settings.SMS_BACKEND = "nuanjia.core.sms.MemoryBackend"
    return MemoryBackend.outbox


@pytest.fixture
def province_planner(make_staff):
    return make_staff("410000", Role.CASEWORKER, Role.APPROVER, username="sz_planner")


@pytest.fixture
def city_caseworker(make_staff):
    return make_staff("410100", Role.CASEWORKER, username="zz_caseworker")


@pytest.fixture
def city_approver(make_staff):
    return make_staff("410100", Role.APPROVER, username="zz_approver")


@pytest.fixture
def campaign(tree, province_planner):
    """2026 年“关爱你我他(她)·温暖千万家”, led by the province, under way."""
    created = services.create_campaign(
        code="2026-winter",
        name="2026年关爱你我他(她)·温暖千万家",
        lead_org=Org.objects.get(code="410000"),
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2027, 2, 28),
        earmarks=Earmark.objects.filter(code__in=["warmth", "hardship"]),
        by=province_planner,
    )
    return services.set_campaign_status(created, CampaignStatus.OPEN, by=province_planner)


@pytest.fixture
def visit_activity(campaign, province_planner):
    return services.create_activity(
        campaign,
        kind=ActivityKind.VISIT,
        name="送温暖慰问",
        org=campaign.lead_org,
        grant_type=GrantType.objects.get(code="warmth"),
        cash_fen=200_000,
        by=province_planner,
    )


@pytest.fixture
def places_activity(campaign, province_planner):
    return services.create_activity(
        campaign,
        kind=ActivityKind.HEALTH_CHECK,
        name="新就业形态劳动者免费体检",
        org=campaign.lead_org,
        uses_places=True,
        by=province_planner,
    )


# ---- Partner programmes ----------------------------------------------------------------------

HOSPITAL_PHONE = "13700001111"
SHOP_PHONE = "13700002222"
TRAVEL_PHONE = "13700003333"


def _contract(activity, partner, by, *, price_fen, capacity=None):
    from nuanjia.campaigns.services import sign_contract

    return sign_contract(
        activity,
        partner,
        org=activity.org,
        earmark=Earmark.objects.get(code="warmth"),
        price_fen=price_fen,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2027, 2, 28),
        payee_name=partner.name,
        bank_name="中国工商银行郑州分行",
        bank_account="6222020200112233445",
        capacity_per_day=capacity,
        by=by,
    )


def _province_partner(planner, name: str, kind: str, outlet: str, phone: str):
    """A partner registered by the province with one outlet and one person: (partner, outlet,
    person)."""
    from .partner_support import partner_with_outlet

    return partner_with_outlet(
        planner, org=Org.objects.get(code="410000"), name=name, kind=kind, outlet=outlet,
        phone=phone,
    )  # fmt: skip


@pytest.fixture
def hospital(province_planner):
    """郑州市第一人民医院 with its 健康管理中心, registered by the province."""
    from nuanjia.members.models import Partner

    return _province_partner(
        province_planner,
        "郑州市第一人民医院",
        Partner.Kind.HOSPITAL,
        "健康管理中心",
        HOSPITAL_PHONE,
    )


@pytest.fixture
def shop(province_planner):
    """An 爱心早餐 shop in 郑州 with one outlet."""
    from nuanjia.members.models import Partner

    return _province_partner(
        province_planner, "郑州爱心早餐店", Partner.Kind.SHOP, "金水路店", SHOP_PHONE
    )


@pytest.fixture
def travel_partner(province_planner):
    from nuanjia.members.models import Partner

    return _province_partner(
        province_planner, "河南职工疗休养中心", Partner.Kind.TRAVEL, "登封基地", TRAVEL_PHONE
    )


@pytest.fixture
def health_check_contract(places_activity, hospital, province_planner):
    """The hospital checks for 260 yuan each, 50 a day at its outlet."""
    return _contract(places_activity, hospital[0], province_planner, price_fen=26_000, capacity=50)


@pytest.fixture
def breakfast_activity(campaign, province_planner):
    return services.create_activity(
        campaign, kind=ActivityKind.BREAKFAST, name="环卫工人爱心早餐", org=campaign.lead_org,
        by=province_planner,
    )  # fmt: skip


@pytest.fixture
def breakfast_contract(breakfast_activity, shop, province_planner):
    """The shop serves breakfasts at 8 yuan each."""
    return _contract(breakfast_activity, shop[0], province_planner, price_fen=800)


@pytest.fixture
def trip_activity(campaign, province_planner):
    return services.create_activity(
        campaign, kind=ActivityKind.TRIP, name="一线职工疗休养", org=campaign.lead_org,
        uses_places=True, by=province_planner,
    )  # fmt: skip


@pytest.fixture
def trip_contract(trip_activity, travel_partner, province_planner):
    return _contract(trip_activity, travel_partner[0], province_planner, price_fen=180_000)
