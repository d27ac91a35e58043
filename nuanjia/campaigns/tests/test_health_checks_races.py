"""PostgreSQL races on health checks: the province's 100,000 places split over its 18 cities,
one grassroots union with 10 of them, and 50 people booking at once get exactly 10; an
outlet's daily capacity holds the same way."""

from nuanjia.campaigns import services
from nuanjia.campaigns.models import Booking, PartnerContract, Quota
from nuanjia.campaigns.rules import BookingStatus
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.orgs.services import create_grassroots_union
from tests.concurrency import postgresql_module, race

from .conftest import make_worker
from .health_support import TOMORROW, enrolled

pytestmark = postgresql_module()

PROVINCE_PLACES = 100_000


def _split_over_cities(activity, planner) -> None:
    """100,000 places at the province, every one of them passed to its 18 cities."""
    province = Org.objects.get(code="410000")
    cities = list(Org.objects.filter(parent=province, kind=Org.Kind.CITY).order_by("code"))
    assert len(cities) == 18
    services.set_places(activity, PROVINCE_PLACES, by=planner)
    share, extra = divmod(PROVINCE_PLACES, len(cities))
    for n, city in enumerate(cities):
        services.allocate_places(activity, province, city, share + (n < extra), by=planner)
    assert Quota.objects.get(activity=activity, org=province).remaining == 0


def _grassroots_with(activity, planner, places: int) -> Org:
    """A grassroots union under 惠济区 of 郑州 holding `places` of 郑州's share."""
    city, county = Org.objects.get(code="410100"), Org.objects.get(code="410108")
    union = create_grassroots_union(
        parent=county, name="郑州惠济物流园工会", kind=Org.Kind.ENTERPRISE, by=None
    )
    services.allocate_places(activity, city, county, places, by=planner)
    services.allocate_places(activity, county, union, places, by=planner)
    return union


def _booked_at_once(activity, hospital, workers, by) -> list[object]:
    def book(i):
        return services.book_check(activity, workers[i], outlet=hospital[1], day=TOMORROW, by=by)

    return race(book, threads=len(workers))


def test_fifty_people_booking_at_once_against_ten_places_get_ten(
    frozen_clock, places_activity, health_check_contract, hospital, province_planner,
    city_caseworker, city_approver,
):  # fmt: skip
    _split_over_cities(places_activity, province_planner)
    union = _grassroots_with(places_activity, province_planner, 10)
    workers = [make_worker(union.code) for _ in range(50)]
    enrolled(places_activity, workers, caseworker=city_caseworker, approver=city_approver)

    results = _booked_at_once(places_activity, hospital, workers, city_caseworker)

    booked = [r for r in results if isinstance(r, Booking)]
    refused = [r for r in results if isinstance(r, RuleViolation)]
    assert len(booked) == 10 and len(refused) == 40, results
    assert {r.code for r in refused} == {"no_place"}
    quota = Quota.objects.get(activity=places_activity, org=union)
    assert (quota.total, quota.used, quota.remaining) == (10, 10, 0)
    assert Booking.objects.filter(quota=quota, status=BookingStatus.BOOKED).count() == 10
    top = Quota.objects.get(activity=places_activity, org__code="410000")
    assert (top.total, top.allocated_down) == (PROVINCE_PLACES, PROVINCE_PLACES)


def test_an_outlets_day_never_takes_more_than_its_capacity_at_once(
    frozen_clock, places_activity, health_check_contract, hospital, province_planner,
    city_caseworker, city_approver,
):  # fmt: skip
    PartnerContract.objects.filter(pk=health_check_contract.pk).update(capacity_per_day=5)
    _split_over_cities(places_activity, province_planner)
    union = _grassroots_with(places_activity, province_planner, 30)
    workers = [make_worker(union.code) for _ in range(20)]
    enrolled(places_activity, workers, caseworker=city_caseworker, approver=city_approver)

    results = _booked_at_once(places_activity, hospital, workers, city_caseworker)

    refused = [r for r in results if isinstance(r, RuleViolation)]
    assert sum(isinstance(r, Booking) for r in results) == 5, results
    assert {r.code for r in refused} == {"day_full"}
    assert Booking.objects.filter(outlet=hospital[1], appointment_on=TOMORROW).count() == 5
    assert Quota.objects.get(activity=places_activity, org=union).used == 5
