"""Rows of the partner programmes for the figures' tests, written straight with the ORM (the
services that write them are built beside the figures): bookings of health checks, meals and
trip nominations in several unions and at several partners, and settlements."""

from __future__ import annotations

import datetime
import itertools

from nuanjia.campaigns.models import Booking, Quota
from nuanjia.campaigns.partner_models import Meal, Nomination, Settlement, Trip
from nuanjia.campaigns.rules import BookingStatus, NominationStatus, SettlementStatus
from nuanjia.orgs.models import Org

from .conftest import make_worker

_serial = itertools.count(1)


def quota_of(activity, code: str = "410000") -> Quota:
    org = Org.objects.get(code=code)
    quota, _created = Quota.objects.get_or_create(
        activity=activity, org=org, defaults={"total": 10_000}
    )
    return quota


def check(activity, code, partner, outlet, status, *, no_shows=0, done_on=None, settlement=None):
    worker = make_worker(code)
    return Booking.objects.create(
        activity=activity,
        quota=quota_of(activity),
        org=worker.org,
        worker=worker,
        status=status,
        partner=partner,
        outlet=outlet,
        appointment_on=datetime.date(2026, 3, 2),
        done_on=done_on or (datetime.date(2026, 3, 2) if status == BookingStatus.DONE else None),
        no_shows=no_shows,
        settlement=settlement,
    )


def meal(activity, code, partner, outlet, day, *, settlement=None):
    worker = make_worker(code)
    return Meal.objects.create(
        activity=activity,
        worker=worker,
        day=day,
        partner=partner,
        outlet=outlet,
        org=worker.org,
        source="scan",
        recorded_at=datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC),
        settlement=settlement,
    )


def trip(contract, name="嵩山疗休养第一期", places=20, taken=0) -> Trip:
    return Trip.objects.create(
        activity=contract.activity,
        contract=contract,
        name=name,
        place="登封",
        starts_on=datetime.date(2026, 4, 6),
        ends_on=datetime.date(2026, 4, 10),
        places=places,
        taken=taken,
        cost_fen=contract.price_fen,
    )


def nomination(the_trip, code, status, *, settlement=None) -> Nomination:
    worker = make_worker(code)
    booking = Booking.objects.create(
        activity=the_trip.activity,
        quota=quota_of(the_trip.activity),
        org=worker.org,
        worker=worker,
        status=BookingStatus.CANCELLED
        if status == NominationStatus.WITHDRAWN
        else BookingStatus.BOOKED,
    )
    return Nomination.objects.create(
        trip=the_trip,
        booking=booking,
        org=worker.org,
        worker=worker,
        status=status,
        settlement=settlement,
    )


def settlement(
    contract, month: datetime.date, units: int, status=SettlementStatus.PREPARED, org=None
):
    return Settlement.objects.create(
        contract=contract,
        activity=contract.activity,
        partner=contract.partner,
        org=org or contract.org,
        earmark=contract.earmark,
        month=month,
        units=units,
        price_fen=contract.price_fen,
        amount_fen=units * contract.price_fen,
        status=status,
    )
