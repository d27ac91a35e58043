"""What the trips' tests share: places passed to 郑州, workers on an approved list of the trip
activity, a trip of the travel partner, and the business day held before the trip leaves."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from nuanjia.campaigns import services
from nuanjia.campaigns.models import Enrolment, Roster
from nuanjia.campaigns.rules import RosterStatus
from nuanjia.core import clock
from nuanjia.members.models import Member, PartnerConsent
from nuanjia.orgs.models import Org

from .conftest import make_worker

# The fixtures, for `from .trips_support import *`.
__all__ = ["before_the_trip", "city"]

BEFORE = datetime.date(2026, 6, 1)  # the business day while nominating
LEAVES = datetime.date(2026, 7, 10)
RETURNS = datetime.date(2026, 7, 14)
DURING = datetime.date(2026, 7, 12)
AFTER = datetime.date(2026, 7, 20)


def give_city_places(activity, planner, places: int) -> None:
    """The province sets `places` + 5 and passes `places` on to 郑州."""
    province, city = Org.objects.get(code="410000"), Org.objects.get(code="410100")
    services.set_places(activity, places + 5, by=planner)
    services.allocate_places(activity, province, city, places, by=planner)


def enrolled_workers(activity, count: int, org_code: str = "410100", name: str = "") -> list:
    """`count` workers of `org_code` on an approved list of the activity (set up as a frozen
    list is: the enrolment's own tests cover how it gets there)."""
    org = Org.objects.get(code=org_code)
    number = Roster.objects.filter(activity=activity, org=org).count() + 1
    roster = Roster.objects.create(
        activity=activity, org=org, number=number, status=RosterStatus.APPROVED, row_count=count
    )
    workers = [make_worker(org_code, name=f"{name}{i}" if name else None) for i in range(count)]
    Enrolment.objects.bulk_create(
        Enrolment(activity=activity, roster=roster, worker=worker, org=org, added_at=timezone.now())
        for worker in workers
    )
    return workers


def make_trip(activity, contract, planner, places: int = 8, **extra):
    values: dict[str, Any] = {
        "name": "2026年7月登封疗休养",
        "place": "登封嵩山",
        "starts_on": LEAVES,
        "ends_on": RETURNS,
        "places": places,
    } | extra
    return services.create_trip(activity, contract, by=planner, **values)


def consent(worker, partner, phone: str) -> None:
    """The worker's member account (bound) consents that the partner sees the name."""
    from nuanjia.members.services import partners
    from nuanjia.members.tests.conftest import sign_in

    member, _raw = sign_in(phone)
    Member.objects.filter(pk=member.pk).update(worker=worker, bound_at=timezone.now())
    partners.give_partner_consent(Member.objects.get(pk=member.pk), partner)
    assert PartnerConsent.objects.filter(member__worker=worker, partner=partner).exists()


# ---- fixtures of the trips tests ---------------------------------------------------------


@pytest.fixture(autouse=True)
def before_the_trip():
    with clock.as_of(BEFORE):
        yield


@pytest.fixture
def city():
    return Org.objects.get(code="410100")
