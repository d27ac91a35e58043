"""Out-of-scope rows of the partner programmes for the scoping walker (tests/test_scoping.py
`other_county`, through campaigns.tests.scoping), as the partner figures count them: a 开封
union's health check booking at a 开封 hospital, its breakfast, its trip nomination, and a
settlement the county pays, in health check, breakfast and trip activities of the 开封
campaign; every text carrying the marker. The figures pages and API operations must count
none of them for 惠济区."""

import datetime

from nuanjia.campaigns.models import Activity, Booking, Quota
from nuanjia.campaigns.partner_models import (
    Meal,
    Nomination,
    PartnerContract,
    Settlement,
    Trip,
)
from nuanjia.campaigns.rules import (
    ActivityKind,
    BookingStatus,
    MealSource,
    NominationStatus,
    SettlementStatus,
)
from nuanjia.funds.models import Earmark
from nuanjia.members.models import Outlet, Partner
from nuanjia.people.models import Worker

DAY = datetime.date(2026, 12, 1)


def _contract(activity, partner, earmark, marker: str) -> PartnerContract:
    return PartnerContract.objects.create(
        activity=activity,
        partner=partner,
        org=activity.org,
        earmark=earmark,
        price_fen=1_000,
        starts_on=DAY,
        ends_on=DAY,
        payee_name=marker[:100],
        bank_name=marker[:60],
        account_encrypted="x",
        account_masked="6222****0000",
    )


def partner_figure_rows(union, marker: str, visit) -> dict[str, int]:
    campaign, county = visit.campaign, visit.org
    earmark = Earmark.objects.get_or_create(code="warmth", defaults={"name": "送温暖资金"})[0]
    worker = Worker.objects.create(org=union, name=marker, region_code="410204")
    partner = Partner.objects.create(
        org=county, name=f"{marker} 体检与早餐", kind=Partner.Kind.HOSPITAL
    )
    outlet = Outlet.objects.create(partner=partner, name=marker[:100])
    checks, breakfasts, trips = (
        Activity.objects.create(campaign=campaign, kind=kind, name=marker, org=county)
        for kind in (ActivityKind.HEALTH_CHECK, ActivityKind.BREAKFAST, ActivityKind.TRIP)
    )
    contract = _contract(checks, partner, earmark, marker)
    settled = Settlement.objects.create(
        contract=contract, activity=checks, partner=partner, org=county, earmark=earmark,
        month=DAY, units=1, price_fen=1_000, amount_fen=1_000,
        status=SettlementStatus.CONFIRMED, note=marker,
    )  # fmt: skip
    quota = Quota.objects.create(activity=checks, org=union, total=5, used=1)
    booking = Booking.objects.create(
        activity=checks, quota=quota, org=union, worker=worker, status=BookingStatus.DONE,
        partner=partner, outlet=outlet, appointment_on=DAY, done_on=DAY, note=marker,
        settlement=settled,
    )  # fmt: skip
    meal = Meal.objects.create(
        activity=breakfasts, worker=worker, day=DAY, partner=partner, outlet=outlet, org=union,
        source=MealSource.SCAN, recorded_at=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC),
    )  # fmt: skip
    trip = Trip.objects.create(
        activity=trips, contract=_contract(trips, partner, earmark, marker), name=marker[:100],
        place=marker[:100], starts_on=DAY, ends_on=DAY, places=3, taken=1, cost_fen=1_000,
    )  # fmt: skip
    trip_quota = Quota.objects.create(activity=trips, org=union, total=5, used=1)
    trip_booking = Booking.objects.create(
        activity=trips, quota=trip_quota, org=union, worker=worker, note=marker
    )
    nominated = Nomination.objects.create(
        trip=trip, booking=trip_booking, org=union, worker=worker,
        status=NominationStatus.ATTENDED, note=marker,
    )  # fmt: skip
    return {
        "partner_check_booking_id": booking.pk,
        "partner_meal_id": meal.pk,
        "partner_nomination_id": nominated.pk,
        "partner_settlement_id": settled.pk,
    }
