"""The campaign pages: create a campaign and an activity through the forms, open it, close it;
a bad period is refused on the form, naming the field."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from conftest import verified_login
from nuanjia.campaigns.models import Activity, Campaign
from nuanjia.campaigns.rules import CampaignStatus
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org
from nuanjia.relief.models import GrantType

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    verified_login(client, user)
    return client


def test_a_city_plans_a_campaign_with_an_activity_through_the_pages(city_caseworker):
    client = _client(city_caseworker)
    assert client.get(reverse("campaigns:list")).status_code == 200
    fields = {
        "code": "zz-2026",
        "name": "郑州市2026年送温暖",
        "lead_org": Org.objects.get(code="410100").pk,
        "starts_on": "2026-12-01",
        "ends_on": "2027-02-28",
        "levels": ["city", "county"],
        "earmarks": [Earmark.objects.get(code="warmth").pk],
    }
    wrong = client.post(reverse("campaigns:new"), {**fields, "ends_on": "2026-11-01"})
    assert wrong.status_code == 200 and "ends_on" in wrong.context["form"].errors
    assert not Campaign.objects.exists()
    created = client.post(reverse("campaigns:new"), fields)
    campaign = Campaign.objects.get(code="zz-2026")
    assert created.status_code == 302 and campaign.status == CampaignStatus.DRAFT
    client.post(reverse("campaigns:status", args=[campaign.pk]), {"status": "open"})
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN
    added = client.post(
        reverse("campaigns:activity_new", args=[campaign.pk]),
        {
            "kind": "visit",
            "name": "春节慰问",
            "org": Org.objects.get(code="410100").pk,
            "grant_type": GrantType.objects.get(code="warmth").pk,
            "cash_yuan": "800",
        },
    )
    activity = Activity.objects.get(campaign=campaign)
    assert added.status_code == 302 and activity.cash_fen == 80_000
    detail = client.get(reverse("campaigns:detail", args=[campaign.pk]))
    assert detail.status_code == 200 and "春节慰问" in detail.content.decode()
    assert client.get(reverse("campaigns:activity", args=[activity.pk])).status_code == 200


def test_another_city_neither_sees_nor_opens_the_campaign(city_caseworker, make_staff):
    from nuanjia.campaigns import services
    from nuanjia.orgs.rules import Role

    campaign = services.create_campaign(
        code="zz-only",
        name="郑州自办",
        lead_org=Org.objects.get(code="410100"),
        starts_on=datetime.date(2026, 12, 1),
        ends_on=datetime.date(2027, 1, 31),
        by=city_caseworker,
    )
    kaifeng = _client(make_staff("410200", Role.CASEWORKER, username="kf_city"))
    assert campaign not in list(kaifeng.get(reverse("campaigns:list")).context["page"])
    assert kaifeng.get(reverse("campaigns:detail", args=[campaign.pk])).status_code == 404
    county = _client(make_staff("410108", Role.CASEWORKER, username="hj_county"))
    assert county.get(reverse("campaigns:detail", args=[campaign.pk])).status_code == 200
