"""Out-of-scope breakfast rows for the scoping walker (tests/test_scoping.py `other_county`,
through campaigns.tests.scoping): a 开封 breakfast activity, a 开封 shop with its contract and
a meal of a 开封 worker, every text carrying the marker. The breakfast pages and operations
take an activity id: the walker's out-of-scope activity answers 404 on them; these rows make
sure no list of an in-scope viewer shows them either."""

import datetime

from django.utils import timezone

from nuanjia.campaigns.models import Activity, PartnerContract
from nuanjia.campaigns.partner_models import Meal
from nuanjia.campaigns.rules import ActivityKind, MealSource
from nuanjia.funds.models import Earmark
from nuanjia.members.models import Outlet, Partner
from nuanjia.people.models import Worker


def breakfast_rows(union, marker: str, campaign) -> dict[str, int]:
    county = union.parent
    activity = Activity.objects.create(
        campaign=campaign, kind=ActivityKind.BREAKFAST, name=marker, org=county
    )
    partner = Partner.objects.create(org=county, name=f"{marker}爱心早餐店", kind=Partner.Kind.SHOP)
    outlet = Outlet.objects.create(partner=partner, name=marker)
    earmark = Earmark.objects.get_or_create(code="warmth", defaults={"name": "送温暖资金"})[0]
    PartnerContract.objects.create(
        activity=activity, partner=partner, org=county, earmark=earmark, price_fen=800,
        starts_on=datetime.date(2026, 11, 1), ends_on=datetime.date(2027, 2, 28),
        payee_name=marker[:100], bank_name="工商银行", account_encrypted="", account_masked="6222",
    )  # fmt: skip
    worker = Worker.objects.create(org=union, name=marker, region_code="410204", union=union)
    Meal.objects.create(
        activity=activity, worker=worker, day=datetime.date(2026, 12, 1), partner=partner,
        outlet=outlet, org=union, source=MealSource.SCAN, recorded_at=timezone.now(),
    )  # fmt: skip
    return {}
