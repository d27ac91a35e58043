"""The demo campaign loads through the services, once: a 慰问 with a list approved in 郑州,
goods donated, sent down and handed out, visits with cash and goods, places down to two
cities, findings in 惠济区 and 开封; health checks, breakfasts (settled) and a trip with partners;
the ledger check passes."""

import pytest

from nuanjia.campaigns import figures
from nuanjia.campaigns.demo import load_demo_campaign
from nuanjia.campaigns.models import (
    Booking,
    Campaign,
    Finding,
    Invitation,
    Meal,
    Nomination,
    Quota,
    Roster,
    Settlement,
    Stock,
    Visit,
)
from nuanjia.campaigns.rules import BookingStatus, NominationStatus, RosterStatus, SettlementStatus
from nuanjia.demo import load_demo
from nuanjia.funds.checks import first_discrepancy
from nuanjia.orgs.models import Org

pytestmark = pytest.mark.django_db


def test_the_demo_campaign_loads_once(tree):
    load_demo()
    assert load_demo_campaign() is False
    campaign = Campaign.objects.get()
    assert campaign.activities.count() == 5
    visit_list = Roster.objects.get(org__code="410100", activity__kind="visit")
    assert visit_list.status == RosterStatus.APPROVED
    assert Visit.objects.count() == 2
    assert Stock.objects.get(org__code="410108", item__name="暖宝贴").remaining == 300
    assert set(Quota.objects.values_list("org__code", flat=True)) >= {"410100", "410200"}
    assert set(Finding.objects.values_list("org__code", flat=True)) == {"410108", "410204"}
    visit = campaign.activities.get(kind="visit")
    found = figures.activity_figures(visit, Org.objects.get(code="410000"))
    assert found.total["visits"] == 2 and found.total["bulk_people"] == 40
    assert first_discrepancy() is None


def test_the_demo_partner_programmes_hold_a_day_of_work(tree):
    load_demo()
    checks = Booking.objects.filter(activity__kind="health_check", partner__isnull=False)
    assert sorted(checks.values_list("status", "no_shows")) == sorted(
        [(BookingStatus.DONE, 0), (BookingStatus.BOOKED, 1), (BookingStatus.BOOKED, 0)]
    )
    assert Invitation.objects.filter(round=2).count() == 1  # the missed check, invited again
    settled = Settlement.objects.get()
    assert settled.status == SettlementStatus.APPROVED
    assert settled.amount_fen == 9 * 800 == settled.meals.count() * settled.price_fen
    assert Meal.objects.filter(settlement__isnull=True).count() == 2  # today's scans
    nominations = Nomination.objects.values_list("status", flat=True)
    assert sorted(nominations) == sorted([NominationStatus.APPROVED, NominationStatus.NOMINATED])
    assert first_discrepancy() is None
