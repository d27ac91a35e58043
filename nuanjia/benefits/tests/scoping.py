"""Out-of-scope benefits rows for the scoping walker (tests/test_scoping.py `other_county`): a
开封 merchant with its terms and an offer, a use of a 开封 member, a flag and a statement,
every text carrying the marker."""

import datetime

from django.utils import timezone

from nuanjia.benefits.models import CouponBatch, Flag, MerchantTerms, Offer, Redemption, Statement
from nuanjia.benefits.rules import FlagKind, RedemptionSource
from nuanjia.funds.models import Earmark
from nuanjia.members.models import Outlet, Partner
from nuanjia.people.models import Worker


def benefit_rows(union, marker: str) -> dict[str, int]:
    county = union.parent
    partner = Partner.objects.create(org=county, name=f"{marker}洗车", kind=Partner.Kind.MERCHANT)
    outlet = Outlet.objects.create(partner=partner, name=marker)
    earmark = Earmark.objects.get_or_create(code="warmth", defaults={"name": "送温暖资金"})[0]
    terms = MerchantTerms.objects.create(
        partner=partner, org=county, earmark=earmark, city=marker[:30],
        starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2027, 12, 31),
        payee_name=marker[:100], bank_name="工商银行", account_encrypted="", account_masked="6222",
    )  # fmt: skip
    offer = Offer.objects.create(
        partner=partner, terms=terms, org=county, name=marker[:60], member_price_fen=500,
        subsidy_fen=2500, per_month=2, starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2027, 12, 31), rule_text=marker,
    )  # fmt: skip
    worker = Worker.objects.create(org=union, name=marker, region_code="410204", union=union)
    use = Redemption.objects.create(
        offer=offer, partner=partner, outlet=outlet, worker=worker, org=union,
        member_price_fen=500, subsidy_fen=2500, day=datetime.date(2026, 11, 3),
        at=timezone.now(), source=RedemptionSource.SCAN,
    )  # fmt: skip
    flag = Flag.objects.create(kind=FlagKind.BURST, worker=worker, org=union, redemption=use,
                               detail=marker)  # fmt: skip
    statement = Statement.objects.create(
        partner=partner, terms=terms, org=county, earmark=earmark,
        month=datetime.date(2026, 11, 1), uses=1, subsidy_fen=2500, reversals=0,
        reversed_fen=0, amount_fen=2500, note=marker,
    )  # fmt: skip
    CouponBatch.objects.create(
        partner=partner, terms=terms, org=county, name=marker[:60], face_value_fen=2000,
        threshold_fen=10000, valid_from=datetime.date(2026, 1, 1),
        expires_on=datetime.date(2027, 12, 31), rule_text=marker,
    )  # fmt: skip
    return {"terms_id": terms.pk, "offer_id": offer.pk, "flag_id": flag.pk,
            "statement_id": statement.pk}  # fmt: skip
