"""Out-of-scope settlement rows for the scoping walker (tests/test_scoping.py `other_county`,
through campaigns.tests.scoping): a 开封 breakfast contract with a shop, and its confirmed
statement of a month with one breakfast, every text carrying the marker."""

import datetime

from django.utils import timezone

from nuanjia.campaigns.models import Activity, Meal, PartnerContract, Settlement
from nuanjia.campaigns.rules import ActivityKind, MealSource, SettlementStatus
from nuanjia.funds.models import Earmark
from nuanjia.members.models import Partner
from nuanjia.people.models import Worker


def settlement_scope_rows(union, marker: str, campaign) -> dict[str, int]:
    activity = Activity.objects.create(
        campaign=campaign, kind=ActivityKind.BREAKFAST, name=marker, org=union
    )
    partner = Partner.objects.create(org=union, name=f"{marker}早餐店", kind=Partner.Kind.SHOP)
    earmark = Earmark.objects.get_or_create(code="warmth", defaults={"name": "送温暖资金"})[0]
    contract = PartnerContract.objects.create(
        activity=activity, partner=partner, org=union, earmark=earmark, price_fen=800,
        starts_on=datetime.date(2026, 11, 1), ends_on=datetime.date(2027, 2, 28),
        payee_name=marker[:100], bank_name=marker[:60], account_encrypted="x",
        account_masked="6222****0000",
    )  # fmt: skip
    settlement = Settlement.objects.create(
        contract=contract, activity=activity, partner=partner, org=union, earmark=earmark,
        month=datetime.date(2026, 11, 1), units=1, price_fen=800, amount_fen=800,
        status=SettlementStatus.CONFIRMED, note=marker[:200],
    )  # fmt: skip
    worker = Worker.objects.create(org=union, name=marker, region_code="410204")
    Meal.objects.create(
        activity=activity, worker=worker, day=datetime.date(2026, 11, 3), partner=partner,
        org=union, source=MealSource.PAPER, recorded_at=timezone.now(), settlement=settlement,
    )  # fmt: skip
    return {"settlement_id": settlement.pk}
