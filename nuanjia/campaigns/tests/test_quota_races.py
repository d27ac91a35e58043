"""PostgreSQL races on places: 50 bookings against 10 places give exactly 10."""

from nuanjia.campaigns import services
from nuanjia.campaigns.models import Booking, Quota
from nuanjia.campaigns.rules import BookingStatus
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from tests.concurrency import postgresql_module, race

from .conftest import make_worker

pytestmark = postgresql_module()


def test_fifty_bookings_against_ten_places_give_ten(places_activity, province_planner):
    province, city = Org.objects.get(code="410000"), Org.objects.get(code="410100")
    services.set_places(places_activity, 30, by=province_planner)
    services.allocate_places(places_activity, province, city, 10, by=province_planner)
    workers = [make_worker("410100") for _ in range(50)]

    def book(i):
        return services.book_place(places_activity, workers[i], city, by=province_planner)

    results = race(book, threads=50)
    booked = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, RuleViolation)]
    assert len(booked) == 10 and len(refused) == 40, results
    quota = Quota.objects.get(activity=places_activity, org=city)
    assert (quota.used, quota.remaining) == (10, 0)
    assert Booking.objects.filter(quota=quota, status=BookingStatus.BOOKED).count() == 10


def test_allocating_and_booking_together_never_oversell(places_activity, province_planner):
    province, city = Org.objects.get(code="410000"), Org.objects.get(code="410100")
    services.set_places(places_activity, 20, by=province_planner)
    services.allocate_places(places_activity, province, city, 10, by=province_planner)
    workers = [make_worker("410100") for _ in range(20)]

    def work(i):
        if i % 2:
            return services.withdraw_places(places_activity, province, city, 1, by=province_planner)
        return services.book_place(places_activity, workers[i], city, by=province_planner)

    race(work, threads=20)
    quota = Quota.objects.get(activity=places_activity, org=city)
    top = Quota.objects.get(activity=places_activity, org=province)
    assert quota.used + quota.allocated_down <= quota.total
    assert top.allocated_down == quota.total
    assert quota.used == Booking.objects.filter(quota=quota, status=BookingStatus.BOOKED).count()
