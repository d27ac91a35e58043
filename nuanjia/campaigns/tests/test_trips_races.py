"""PostgreSQL races on a trip: 30 nominations at once against 8 places (the union's quota
larger) give exactly 8, each holding one quota place and one trip place."""

import datetime

from nuanjia.campaigns import services
from nuanjia.campaigns.models import Booking, Nomination, Quota, Trip
from nuanjia.campaigns.rules import BookingStatus, NominationStatus
from nuanjia.core import clock
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from tests.concurrency import postgresql_module, race

from .trips_support import BEFORE, enrolled_workers, give_city_places, make_trip

pytestmark = postgresql_module()


def test_thirty_nominations_against_eight_places_give_eight(
    trip_activity, trip_contract, province_planner, city_caseworker
):
    city = Org.objects.get(code="410100")
    give_city_places(trip_activity, province_planner, 20)
    with clock.as_of(BEFORE):
        trip = make_trip(trip_activity, trip_contract, province_planner, places=8)
    workers = enrolled_workers(trip_activity, 30)

    def nominate(i):
        with clock.as_of(BEFORE):  # threads do not inherit the held day
            return services.nominate(trip, workers[i], city, by=city_caseworker)

    results = race(nominate, threads=30)
    made = [r for r in results if isinstance(r, Nomination)]
    refused = [r for r in results if isinstance(r, RuleViolation)]
    assert len(made) == 8 and len(refused) == 22, results
    assert {r.code for r in refused} == {"no_place"}
    trip = Trip.objects.get(pk=trip.pk)
    assert (trip.taken, trip.remaining) == (8, 0)
    quota = Quota.objects.get(activity=trip_activity, org=city)
    assert (quota.used, quota.remaining) == (8, 12)
    assert Booking.objects.filter(quota=quota, status=BookingStatus.BOOKED).count() == 8
    assert Nomination.objects.filter(trip=trip, status=NominationStatus.NOMINATED).count() == 8
    assert trip.starts_on > datetime.date(2026, 6, 1)
