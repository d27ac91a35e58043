"""疗休养 trips: setting up a trip, nominations within the union's quota and the trip's places,
maker-checker approval, refusing and withdrawing giving both places back, and attendance."""

import datetime

import pytest

from nuanjia.campaigns import services
from nuanjia.campaigns.models import Booking, Nomination, Quota, Trip
from nuanjia.campaigns.rules import BookingStatus, NominationStatus, NominationStep, TripStatus
from nuanjia.campaigns.workflow import NOMINATION_FLOW
from nuanjia.core import clock
from nuanjia.core.audit import AuditEvent
from nuanjia.core.errors import RuleViolation

from .trips_support import *  # noqa: F403 -- the trips fixtures
from .trips_support import (
    DURING,
    enrolled_workers,
    give_city_places,
    make_trip,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def trip(trip_activity, trip_contract, province_planner):
    give_city_places(trip_activity, province_planner, 3)
    return make_trip(trip_activity, trip_contract, province_planner, places=2)


def _quota(activity, org):
    return Quota.objects.get(activity=activity, org=org)


def test_a_trip_costs_the_contract_price_and_stays_within_its_period(
    trip_activity, trip_contract, province_planner
):
    trip = make_trip(trip_activity, trip_contract, province_planner)
    assert (trip.cost_fen, trip.places, trip.taken, trip.status) == (180_000, 8, 0, "open")
    assert AuditEvent.objects.filter(action="campaigns.trip_created").count() == 1
    with pytest.raises(RuleViolation) as refused:
        make_trip(trip_activity, trip_contract, province_planner,
                  ends_on=datetime.date(2027, 3, 5))  # fmt: skip
    assert refused.value.field == "ends_on"


def test_only_a_travel_partners_contract_of_a_trip_activity_holds_trips(
    places_activity, health_check_contract, province_planner
):
    with pytest.raises(RuleViolation) as refused:
        make_trip(places_activity, health_check_contract, province_planner)
    assert refused.value.field == "activity"


def test_a_caseworker_of_a_union_below_sets_up_no_trip(
    trip_activity, trip_contract, city_caseworker
):
    with pytest.raises(RuleViolation):
        make_trip(trip_activity, trip_contract, city_caseworker)


def test_a_nomination_takes_a_place_of_the_quota_and_of_the_trip(
    trip, trip_activity, city, city_caseworker, travel_partner
):
    [worker] = enrolled_workers(trip_activity, 1)
    nomination = services.nominate(trip, worker, city, by=city_caseworker)
    trip.refresh_from_db()
    assert (trip.taken, trip.remaining) == (1, 1)
    assert _quota(trip_activity, city).used == 1
    assert nomination.booking.partner == travel_partner[0]
    assert nomination.status == NominationStatus.NOMINATED
    assert list(nomination.events.values_list("action", flat=True)) == ["nominate"]


def test_the_trip_full_refuses_with_the_places_untouched(
    trip, trip_activity, city, city_caseworker
):
    workers = enrolled_workers(trip_activity, 3)
    for worker in workers[:2]:
        services.nominate(trip, worker, city, by=city_caseworker)
    with pytest.raises(RuleViolation) as refused:
        services.nominate(trip, workers[2], city, by=city_caseworker)
    assert refused.value.code == "no_place"
    assert refused.value.field == "trip"
    trip.refresh_from_db()
    assert trip.taken == 2
    assert _quota(trip_activity, city).used == 2


def test_the_unions_quota_full_refuses_and_the_trip_keeps_its_place(
    trip_activity, trip_contract, province_planner, city, city_caseworker
):
    give_city_places(trip_activity, province_planner, 1)
    trip = make_trip(trip_activity, trip_contract, province_planner, places=5)
    first, second = enrolled_workers(trip_activity, 2)
    services.nominate(trip, first, city, by=city_caseworker)
    with pytest.raises(RuleViolation) as refused:
        services.nominate(trip, second, city, by=city_caseworker)
    assert refused.value.code == "no_place" and refused.value.field == "org"
    trip.refresh_from_db()
    assert trip.taken == 1  # the trip's place taken before the quota refused was rolled back


def test_only_an_enrolled_worker_of_the_subtree_is_nominated(
    trip, trip_activity, city, city_caseworker
):
    from .conftest import make_worker

    with pytest.raises(RuleViolation) as refused:
        services.nominate(trip, make_worker("410100"), city, by=city_caseworker)
    assert refused.value.field == "worker"


def test_a_worker_is_nominated_once_in_a_campaign(
    trip, trip_activity, trip_contract, province_planner, city, city_caseworker
):
    [worker] = enrolled_workers(trip_activity, 1)
    services.nominate(trip, worker, city, by=city_caseworker)
    other = make_trip(trip_activity, trip_contract, province_planner, name="8月团")
    with pytest.raises(RuleViolation) as refused:
        services.nominate(other, worker, city, by=city_caseworker)
    assert refused.value.code == "already_nominated"


def test_the_nominator_cannot_approve_another_approver_does(
    trip, trip_activity, city, province_planner, city_approver
):
    [worker] = enrolled_workers(trip_activity, 1)
    nomination = services.nominate(trip, worker, city, by=province_planner)
    with pytest.raises(RuleViolation) as refused:
        NOMINATION_FLOW.take_step(nomination, NominationStep.APPROVE, by=province_planner)
    assert refused.value.code == "maker_checker"
    approved = NOMINATION_FLOW.take_step(nomination, NominationStep.APPROVE, by=city_approver)
    assert approved.status == NominationStatus.APPROVED
    assert approved.approved_by == city_approver


def test_refusing_gives_both_places_back(trip, trip_activity, city, city_caseworker, city_approver):
    [worker] = enrolled_workers(trip_activity, 1)
    nomination = services.nominate(trip, worker, city, by=city_caseworker)
    with pytest.raises(RuleViolation):  # a refusal says why
        NOMINATION_FLOW.take_step(nomination, NominationStep.REFUSE, by=city_approver)
    refused = NOMINATION_FLOW.take_step(
        nomination, NominationStep.REFUSE, by=city_approver, note="不符合条件"
    )
    assert refused.status == NominationStatus.WITHDRAWN
    trip.refresh_from_db()
    assert trip.taken == 0
    assert _quota(trip_activity, city).used == 0
    assert Booking.objects.get(pk=refused.booking_id).status == BookingStatus.CANCELLED
    # the worker may be nominated again, the places taken anew
    again = services.nominate(trip, worker, city, by=city_caseworker)
    assert again.pk != nomination.pk


def test_withdrawing_before_the_trip_gives_both_places_back_after_it_is_refused(
    trip, trip_activity, city, city_caseworker, city_approver
):
    [worker] = enrolled_workers(trip_activity, 1)
    nomination = services.nominate(trip, worker, city, by=city_caseworker)
    NOMINATION_FLOW.take_step(nomination, NominationStep.APPROVE, by=city_approver)
    with clock.as_of(DURING), pytest.raises(RuleViolation):
        NOMINATION_FLOW.take_step(
            nomination, NominationStep.WITHDRAW, by=city_caseworker, note="家中有事"
        )
    withdrawn = NOMINATION_FLOW.take_step(
        nomination, NominationStep.WITHDRAW, by=city_caseworker, note="家中有事"
    )
    assert withdrawn.status == NominationStatus.WITHDRAWN
    trip.refresh_from_db()
    assert trip.taken == 0 and _quota(trip_activity, city).used == 0


def test_attendance_after_the_trip_leaves(
    trip, trip_activity, city, city_caseworker, city_approver
):
    went, stayed = enrolled_workers(trip_activity, 2)
    nominations = [services.nominate(trip, w, city, by=city_caseworker) for w in (went, stayed)]
    for nomination in nominations:
        NOMINATION_FLOW.take_step(nomination, NominationStep.APPROVE, by=city_approver)
    with pytest.raises(RuleViolation):
        services.mark_trip_attendance(nominations[0], attended=True, by=city_caseworker)
    with clock.as_of(DURING):
        services.mark_trip_attendance(nominations[0], attended=True, by=city_caseworker)
        services.mark_trip_attendance(nominations[1], attended=False, by=city_caseworker)
        with pytest.raises(RuleViolation):  # once
            services.mark_trip_attendance(nominations[1], attended=True, by=city_caseworker)
    first, second = (Nomination.objects.get(pk=n.pk) for n in nominations)
    assert (first.status, second.status) == (NominationStatus.ATTENDED, NominationStatus.ABSENT)
    assert first.booking.status == BookingStatus.DONE
    assert first.booking.done_on == trip.starts_on
    # did not go: nothing comes back, the place was held for the person
    assert second.booking.status == BookingStatus.BOOKED
    trip.refresh_from_db()
    assert trip.taken == 2 and _quota(trip_activity, city).used == 2


def test_places_are_never_set_below_those_taken_and_the_trip_closes(
    trip, trip_activity, city, city_caseworker, province_planner
):
    [worker, late] = enrolled_workers(trip_activity, 2)
    services.nominate(trip, worker, city, by=city_caseworker)
    with pytest.raises(RuleViolation):
        services.change_trip_places(trip, 0, by=province_planner)
    assert services.change_trip_places(trip, 1, by=province_planner).places == 1
    services.close_trip(trip, by=province_planner)
    services.change_trip_places(trip, 4, by=province_planner)
    with pytest.raises(RuleViolation):
        services.nominate(trip, late, city, by=city_caseworker)


def test_cancelling_a_trip_withdraws_the_waiting_and_is_refused_once_someone_is_approved(
    trip, trip_activity, city, city_caseworker, city_approver, province_planner
):
    first, second = enrolled_workers(trip_activity, 2)
    services.nominate(trip, first, city, by=city_caseworker)
    approved = services.nominate(trip, second, city, by=city_caseworker)
    NOMINATION_FLOW.take_step(approved, NominationStep.APPROVE, by=city_approver)
    with pytest.raises(RuleViolation):
        services.cancel_trip(trip, by=province_planner, reason="天气原因")
    NOMINATION_FLOW.take_step(approved, NominationStep.WITHDRAW, by=city_caseworker, note="改期")
    cancelled = services.cancel_trip(trip, by=province_planner, reason="天气原因")
    assert cancelled.status == TripStatus.CANCELLED and cancelled.taken == 0
    assert _quota(trip_activity, city).used == 0
    assert not Nomination.objects.exclude(status=NominationStatus.WITHDRAWN).exists()
    assert Trip.objects.get(pk=trip.pk).status == TripStatus.CANCELLED
