"""The demo campaign loads through the services, once: a 慰问 with a list approved in 郑州,
goods donated, sent down and handed out, visits with cash and goods, places down to two
cities, findings in 惠济区 and 开封; the ledger check passes."""

import pytest

from nuanjia.campaigns import figures
from nuanjia.campaigns.demo import load_demo_campaign
from nuanjia.campaigns.models import Campaign, Finding, Quota, Roster, Stock, Visit
from nuanjia.campaigns.rules import RosterStatus
from nuanjia.demo import load_demo
from nuanjia.funds.checks import first_discrepancy
from nuanjia.orgs.models import Org

pytestmark = pytest.mark.django_db


def test_the_demo_campaign_loads_once(tree):
    load_demo()
    assert load_demo_campaign() is False
    campaign = Campaign.objects.get()
    assert campaign.activities.count() == 3
    assert Roster.objects.get(org__code="410100").status == RosterStatus.APPROVED
    assert Visit.objects.count() == 2
    assert Stock.objects.get(org__code="410108", item__name="暖宝贴").remaining == 300
    assert set(Quota.objects.values_list("org__code", flat=True)) >= {"410100", "410200"}
    assert set(Finding.objects.values_list("org__code", flat=True)) == {"410108", "410204"}
    visit = campaign.activities.get(kind="visit")
    found = figures.activity_figures(visit, Org.objects.get(code="410000"))
    assert found.total["visits"] == 2 and found.total["bulk_people"] == 40
    assert first_discrepancy() is None
