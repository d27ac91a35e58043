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
