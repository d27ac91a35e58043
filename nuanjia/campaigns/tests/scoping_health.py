"""Out-of-scope health-check rows for the scoping walker (tests/test_scoping.py `other_county`,
through campaigns.tests.scoping): a 开封 health-check activity with a hospital's contract, a
check booked at a day long past (on every "waiting to be marked" list), an invitation and a
check record, every text carrying the marker. The walker's ids stay those of scoping.py."""

import datetime

from django.utils import timezone

from nuanjia.campaigns.models import (
    Activity,
    Booking,
    HealthCheckRecord,
    Invitation,
    PartnerContract,
    Quota,
)
from nuanjia.campaigns.rules import ActivityKind
from nuanjia.funds.models import Earmark
from nuanjia.members.models import Outlet, Partner
from nuanjia.people.models import Worker


def health_rows(union, marker: str, campaign) -> dict[str, int]:
    county = union.parent
    activity = Activity.objects.create(
        campaign=campaign, kind=ActivityKind.HEALTH_CHECK, name=marker, org=county,
        uses_places=True,
    )  # fmt: skip
    hospital = Partner.objects.create(org=county, name=marker, kind=Partner.Kind.HOSPITAL)
    outlet = Outlet.objects.create(partner=hospital, name=marker)
    PartnerContract.objects.create(
        activity=activity, partner=hospital, org=county,
        earmark=Earmark.objects.get_or_create(code="warmth", defaults={"name": "送温暖资金"})[0],
        price_fen=20_000, capacity_per_day=10, starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2027, 2, 28), payee_name=marker[:100], bank_name="开封银行",
        account_encrypted="x", account_masked="6222****0000",
    )  # fmt: skip
    worker = Worker.objects.create(org=union, name=marker, region_code="410204")
    quota = Quota.objects.create(activity=activity, org=union, total=5, used=1)
    Booking.objects.create(
        activity=activity, quota=quota, org=union, worker=worker, note=marker, partner=hospital,
        outlet=outlet, appointment_on=datetime.date(2026, 1, 5),
    )  # fmt: skip
    Invitation.objects.create(
        activity=activity, org=union, worker=worker, priority=1, texted_to="138****0000",
        sent_at=timezone.now(),
    )  # fmt: skip
    HealthCheckRecord.objects.create(
        worker=worker, org=union, checked_on=datetime.date(2026, 1, 10), institution=marker[:100]
    )
    return {}
