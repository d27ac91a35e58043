"""Places down the tree: given, passed on, taken back, booked and cancelled."""

import pytest

from nuanjia.campaigns import services
from nuanjia.campaigns.models import Quota, QuotaEvent
from nuanjia.campaigns.rules import BookingStatus
from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.orgs.models import Org

from .conftest import make_worker

pytestmark = pytest.mark.django_db


def _org(code):
    return Org.objects.get(code=code)


def test_places_go_down_the_tree_and_bookings_take_them(places_activity, province_planner):
    services.set_places(places_activity, 100, by=province_planner)
    city = services.allocate_places(
        places_activity, _org("410000"), _org("410100"), 30, by=province_planner
    )
    county = services.allocate_places(
        places_activity, _org("410100"), _org("410108"), 10, by=province_planner
    )
    province = Quota.objects.get(activity=places_activity, org=_org("410000"))
    assert (province.total, province.allocated_down, province.remaining) == (100, 30, 70)
    city.refresh_from_db()
    assert (city.total, city.allocated_down, city.remaining) == (30, 10, 20)
    booking = services.book_place(
        places_activity, make_worker("410108"), _org("410108"), by=province_planner
    )
    county.refresh_from_db()
    assert (county.used, county.remaining) == (1, 9)
    services.cancel_booking(booking, by=province_planner, reason="本人放弃")
    county.refresh_from_db()
    assert (county.used, county.remaining) == (0, 10)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert AuditEvent.objects.filter(action="campaigns.places_allocated").count() == 2
    assert QuotaEvent.objects.filter(quota=province, what="allocated", change=-30).exists()


def test_no_more_places_than_are_left(places_activity, province_planner):
    services.set_places(places_activity, 5, by=province_planner)
    with pytest.raises(RuleViolation) as refused:
        services.allocate_places(
            places_activity, _org("410000"), _org("410100"), 6, by=province_planner
        )
    assert refused.value.field == "places"
    assert not Quota.objects.filter(activity=places_activity, org=_org("410100")).exists()


def test_places_go_only_to_a_union_right_below(places_activity, province_planner):
    services.set_places(places_activity, 5, by=province_planner)
    with pytest.raises(RuleViolation) as refused:
        services.allocate_places(
            places_activity, _org("410000"), _org("410108"), 1, by=province_planner
        )
    assert refused.value.field == "to_org"


def test_withdrawn_places_come_back_and_used_ones_stay(places_activity, province_planner):
    services.set_places(places_activity, 10, by=province_planner)
    services.allocate_places(
        places_activity, _org("410000"), _org("410100"), 4, by=province_planner
    )
    services.book_place(places_activity, make_worker("410100"), _org("410100"), by=province_planner)
    with pytest.raises(RuleViolation):
        services.withdraw_places(
            places_activity, _org("410000"), _org("410100"), 4, by=province_planner
        )
    services.withdraw_places(
        places_activity, _org("410000"), _org("410100"), 3, by=province_planner
    )
    province = Quota.objects.get(activity=places_activity, org=_org("410000"))
    assert (province.allocated_down, province.remaining) == (1, 9)


def test_the_last_place_is_taken_once_and_a_person_books_once(places_activity, province_planner):
    services.set_places(places_activity, 1, by=province_planner)
    worker = make_worker("410000")
    services.book_place(places_activity, worker, _org("410000"), by=province_planner)
    with pytest.raises(RuleViolation) as twice:
        services.book_place(places_activity, worker, _org("410000"), by=province_planner)
    assert twice.value.field == "worker"
    with pytest.raises(RuleViolation) as full:
        services.book_place(
            places_activity, make_worker("410000"), _org("410000"), by=province_planner
        )
    assert full.value.code == "no_place"


def test_a_union_cannot_give_itself_more_than_it_has_passed_on(places_activity, province_planner):
    services.set_places(places_activity, 10, by=province_planner)
    services.allocate_places(
        places_activity, _org("410000"), _org("410100"), 8, by=province_planner
    )
    with pytest.raises(RuleViolation) as refused:
        services.set_places(places_activity, 7, by=province_planner)
    assert refused.value.field == "total"


def test_a_county_caseworker_cannot_allocate_the_citys_places(
    places_activity, province_planner, caseworker
):
    services.set_places(places_activity, 10, by=province_planner)
    services.allocate_places(
        places_activity, _org("410000"), _org("410100"), 8, by=province_planner
    )
    with pytest.raises(RuleViolation) as refused:
        services.allocate_places(places_activity, _org("410100"), _org("410108"), 1, by=caseworker)
    assert refused.value.code == "forbidden"


def test_the_places_page_lists_and_exports_the_bookings(places_activity, province_planner, client):
    from django.urls import reverse

    from conftest import verified_login

    services.set_places(places_activity, 3, by=province_planner)
    services.book_place(places_activity, make_worker("410000"), _org("410000"), by=province_planner)
    verified_login(client, province_planner)
    url = reverse("campaigns:places", args=[places_activity.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["own"].remaining == 2
    assert len(page.context["page"]) == 1
    assert client.get(url, {"export": 1}).status_code == 200
    taken = client.post(
        reverse("campaigns:places_allocate", args=[places_activity.pk]),
        {"to_org": "410100", "places": "9", "direction": "allocate"},
        follow=True,
    )
    assert "410100" not in [q.org.code for q in Quota.objects.filter(activity=places_activity)]
    assert taken.status_code == 200
