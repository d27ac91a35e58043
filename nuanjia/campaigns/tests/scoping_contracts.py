"""Out-of-scope contract rows for the scoping walker (through campaigns.tests.scoping): a
开封 hospital signed by the 开封 county for a health-check activity of its campaign."""

import datetime

from nuanjia.campaigns.models import Activity, PartnerContract
from nuanjia.campaigns.rules import ActivityKind
from nuanjia.funds.models import Earmark
from nuanjia.members.models import Partner


def contract_rows(union, marker: str, campaign) -> dict[str, int]:
    county = union.parent
    checks = Activity.objects.create(
        campaign=campaign, kind=ActivityKind.HEALTH_CHECK, name=marker, org=county,
        uses_places=True,
    )  # fmt: skip
    hospital = Partner.objects.create(
        org=county, name=f"{marker}协议医院", kind=Partner.Kind.HOSPITAL
    )
    earmark = Earmark.objects.get_or_create(code="warmth", defaults={"name": "送温暖资金"})[0]
    contract = PartnerContract.objects.create(
        activity=checks, partner=hospital, org=county, earmark=earmark, price_fen=100,
        starts_on=datetime.date(2026, 11, 1), ends_on=datetime.date(2027, 2, 28),
        payee_name=marker[:100], bank_name="银行", account_encrypted="x", account_masked="****1",
    )  # fmt: skip
    return {"contract_id": contract.pk}
