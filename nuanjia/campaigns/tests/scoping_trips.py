"""Out-of-scope trip rows for the scoping walker (tests/test_scoping.py `other_county`, through
campaigns.tests.scoping): a 开封 trip activity with a travel partner's contract, a trip and a
nomination of the 开封 union, every text carrying the marker."""

import datetime

from nuanjia.campaigns.models import (
    Activity,
    Booking,
    Nomination,
    PartnerContract,
    Quota,
    Trip,
)
from nuanjia.campaigns.rules import ActivityKind
from nuanjia.funds.models import Earmark
from nuanjia.members.models import Partner
from nuanjia.people.models import Worker


def trip_rows(union, marker: str, campaign) -> dict[str, int]:
    county = union.parent
    activity = Activity.objects.create(
        campaign=campaign, kind=ActivityKind.TRIP, name=marker, org=county, uses_places=True
    )
    partner = Partner.objects.create(
        org=county, name=f"{marker}疗休养机构", kind=Partner.Kind.TRAVEL
    )
    earmark = Earmark.objects.get_or_create(code="warmth", defaults={"name": "送温暖资金"})[0]
    contract = PartnerContract.objects.create(
        activity=activity, partner=partner, org=county, earmark=earmark, price_fen=100_000,
        starts_on=datetime.date(2026, 11, 1), ends_on=datetime.date(2027, 2, 28),
        payee_name=marker[:100], bank_name="银行", account_encrypted="x", account_masked="6222",
    )  # fmt: skip
    trip = Trip.objects.create(
        activity=activity, contract=contract, name=marker, place=marker,
        starts_on=datetime.date(2027, 1, 10), ends_on=datetime.date(2027, 1, 14),
        places=5, taken=1, cost_fen=100_000,
    )  # fmt: skip
    worker = Worker.objects.create(org=union, name=marker, region_code="410204")
    quota = Quota.objects.create(activity=activity, org=union, total=5, used=1)
    booking = Booking.objects.create(
        activity=activity, quota=quota, org=union, worker=worker, partner=partner, note=marker
    )
    nomination = Nomination.objects.create(
        trip=trip, booking=booking, org=union, worker=worker, note=marker
    )
    return {"trip_id": trip.pk, "nomination_id": nomination.pk}
