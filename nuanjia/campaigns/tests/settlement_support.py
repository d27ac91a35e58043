"""What the settlement tests share: completed rows made with the ORM (the health check,
breakfast and trip services are written elsewhere), the province's money, and a bank result."""

from __future__ import annotations

import datetime
import io
from itertools import count

import pytest
from django.utils import timezone

from nuanjia.campaigns.models import Booking, Meal, Nomination, Quota, Trip
from nuanjia.campaigns.rules import BookingStatus, MealSource, NominationStatus
from nuanjia.core import clock
from nuanjia.core.imports import SheetSource
from nuanjia.funds import services as funds
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.relief.tests.conftest import make_worker

# The business day of these tests: March and April 2026 have ended, May has not.
TODAY = datetime.date(2026, 5, 10)
MARCH = datetime.date(2026, 3, 1)
APRIL = datetime.date(2026, 4, 1)
_days = count(1)


def _quota(activity) -> Quota:
    quota, _created = Quota.objects.get_or_create(
        activity=activity, org=activity.org, defaults={"total": 1000}
    )
    return quota


def done_check(contract, day: datetime.date, *, org_code: str = "410108", worker=None) -> Booking:
    """A health check of the contract's hospital done on `day`."""
    worker = worker or make_worker(org_code)
    outlet = contract.partner.outlets.first()
    return Booking.objects.create(
        activity=contract.activity, quota=_quota(contract.activity), org=worker.org,
        worker=worker, status=BookingStatus.DONE, partner=contract.partner, outlet=outlet,
        appointment_on=day, done_on=day,
    )  # fmt: skip


def breakfast(contract, day: datetime.date, *, org_code: str = "410108", worker=None) -> Meal:
    worker = worker or make_worker(org_code)
    return Meal.objects.create(
        activity=contract.activity, worker=worker, day=day, partner=contract.partner,
        outlet=contract.partner.outlets.first(), org=worker.org, source=MealSource.SCAN,
        recorded_at=timezone.now(),
    )  # fmt: skip


def trip(contract, ends_on: datetime.date, *, name: str = "登封三日") -> Trip:
    return Trip.objects.create(
        activity=contract.activity, contract=contract, name=name, place="登封",
        starts_on=ends_on - datetime.timedelta(days=2), ends_on=ends_on, places=30,
        cost_fen=contract.price_fen,
    )  # fmt: skip


def went(the_trip: Trip, *, org_code: str = "410108", status=NominationStatus.ATTENDED):
    """A worker nominated for the trip who went (or `status`)."""
    worker = make_worker(org_code)
    booking = Booking.objects.create(
        activity=the_trip.activity, quota=_quota(the_trip.activity), org=worker.org,
        worker=worker, status=BookingStatus.DONE,
    )  # fmt: skip
    return Nomination.objects.create(
        trip=the_trip, booking=booking, org=worker.org, worker=worker, status=status
    )


def fund_province(finance, yuan: int = 100_000) -> None:
    """The province receives `yuan` of 送温暖资金 (the contracts' earmark)."""
    funds.receive(
        Org.objects.get(code="410000"),
        Earmark.objects.get(code="warmth"),
        yuan * 100,
        source="财政",
        by=finance,
    )


def account():
    return funds.account_for(Org.objects.get(code="410000"), Earmark.objects.get(code="warmth"))


def bank_results(batch, word: str = "成功", reason: str = "") -> SheetSource:
    references = batch.lines.order_by("pk").values_list("reference", flat=True)
    text = "参考号,结果,原因\n" + "".join(f"{ref},{word},{reason}\n" for ref in references)
    return SheetSource(io.BytesIO(text.encode()), name="result.csv")


# ---- fixtures of the settlement tests (imported by name where used) ------------------------


@pytest.fixture(autouse=True)
def business_day():
    with clock.as_of(TODAY):
        yield


@pytest.fixture
def approver(make_staff):
    return make_staff("410000", Role.APPROVER, username="sz_approver")


@pytest.fixture
def finance(make_staff):
    staff = make_staff("410000", Role.FINANCE, username="sz_finance")
    fund_province(staff)
    return staff
