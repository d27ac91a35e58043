"""Free health checks: booking within a hospital's daily capacity and the union's places,
missed appointments (re-invited once, then the place returns), invitations in priority
order, and what counts as "checked" for rules."""

import datetime

import pytest

from nuanjia.campaigns import services
from nuanjia.campaigns.models import Booking, HealthCheckRecord, Invitation, PartnerContract, Quota
from nuanjia.campaigns.rules import (
    ActivityKind,
    BookedVia,
    BookingStatus,
    InvitationStatus,
)
from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.members.models import Message
from nuanjia.orgs.models import Org

from .conftest import make_worker
from .health_support import (
    TODAY,
    TOMORROW,
    enrolled,
    places_down_to,
    with_account,
    worker_with_phone,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("texts")]


@pytest.fixture
def county():
    return Org.objects.get(code="410108")


@pytest.fixture
def checks(frozen_clock, places_activity, health_check_contract, hospital, province_planner,
           county):  # fmt: skip
    """The activity with 3 places at 惠济区 and the hospital's outlet, 50 checks a day."""
    places_down_to(places_activity, province_planner, county, 3, total=100)
    return places_activity


def _enrol(activity, count, city_caseworker, city_approver, **kwargs):
    workers = [make_worker("410108", **kwargs) for _ in range(count)]
    enrolled(activity, workers, caseworker=city_caseworker, approver=city_approver)
    return workers


def _quota(activity, code="410108"):
    return Quota.objects.get(activity=activity, org__code=code)


def test_a_caseworker_books_a_check_taking_a_place_of_the_workers_union(
    checks, hospital, city_caseworker, city_approver
):
    (worker,) = _enrol(checks, 1, city_caseworker, city_approver)
    booking = services.book_check(
        checks, worker, outlet=hospital[1], day=TOMORROW, by=city_caseworker
    )
    assert (booking.partner, booking.outlet, booking.appointment_on) == (
        hospital[0],
        hospital[1],
        TOMORROW,
    )
    assert booking.booked_via == BookedVia.UNION and booking.org.code == "410108"
    assert (_quota(checks).used, _quota(checks).remaining) == (1, 2)
    assert AuditEvent.objects.filter(action="campaigns.check_booked").count() == 1


def test_an_outlet_takes_no_more_checks_a_day_than_its_contract_says(
    checks, hospital, city_caseworker, city_approver
):
    PartnerContract.objects.update(capacity_per_day=2)
    first, second, third = _enrol(checks, 3, city_caseworker, city_approver)
    for worker in (first, second):
        services.book_check(checks, worker, outlet=hospital[1], day=TOMORROW, by=city_caseworker)
    with pytest.raises(RuleViolation) as refused:
        services.book_check(checks, third, outlet=hospital[1], day=TOMORROW, by=city_caseworker)
    assert refused.value.code == "day_full" and refused.value.field == "day"
    assert _quota(checks).used == 2  # the refused booking took no place
    later = TOMORROW + datetime.timedelta(days=1)
    booking = services.book_check(checks, third, outlet=hospital[1], day=later, by=city_caseworker)
    assert booking.appointment_on == later


def test_days_before_today_or_outside_the_contract_are_refused(
    checks, hospital, city_caseworker, city_approver
):
    (worker,) = _enrol(checks, 1, city_caseworker, city_approver)
    for day, code in ((TODAY - datetime.timedelta(days=1), None), (datetime.date(2027, 3, 1),
                                                                    "no_contract")):  # fmt: skip
        with pytest.raises(RuleViolation) as refused:
            services.book_check(checks, worker, outlet=hospital[1], day=day, by=city_caseworker)
        assert code is None or refused.value.code == code
    assert not Booking.objects.exists() and _quota(checks).used == 0


def test_the_unions_places_are_never_overbooked(checks, hospital, city_caseworker, city_approver):
    workers = _enrol(checks, 4, city_caseworker, city_approver)
    for worker in workers[:3]:
        services.book_check(checks, worker, outlet=hospital[1], day=TOMORROW, by=city_caseworker)
    with pytest.raises(RuleViolation) as refused:
        services.book_check(
            checks, workers[3], outlet=hospital[1], day=TOMORROW, by=city_caseworker
        )
    assert refused.value.code == "no_place"
    assert (_quota(checks).used, _quota(checks).remaining) == (3, 0)


def test_only_people_on_an_approved_list_are_booked(checks, hospital, city_caseworker):
    worker = make_worker("410108")
    services.add_by_hand(checks, city_caseworker.org, worker, by=city_caseworker, reason="草拟")
    with pytest.raises(RuleViolation) as refused:
        services.book_check(checks, worker, outlet=hospital[1], day=TOMORROW, by=city_caseworker)
    assert refused.value.code == "not_enrolled"


def test_a_missed_check_is_reinvited_once_then_its_place_returns(
    checks,
    hospital,
    city_caseworker,
    city_approver,
    texts,
    frozen_clock,
    django_capture_on_commit_callbacks,
):
    worker = worker_with_phone("410108", "13912340001")
    later = make_worker("410108")
    enrolled(checks, [worker, later], caseworker=city_caseworker, approver=city_approver)
    booking = services.book_check(checks, worker, outlet=hospital[1], day=TODAY,
                                  by=city_caseworker)  # fmt: skip
    tomorrows = services.book_check(checks, later, outlet=hospital[1], day=TOMORROW,
                                    by=city_caseworker)  # fmt: skip
    with pytest.raises(RuleViolation):  # not before the day
        services.mark_check_no_show(tomorrows, partner_user=hospital[2])

    with django_capture_on_commit_callbacks(execute=True):
        missed = services.mark_check_no_show(booking, partner_user=hospital[2])
    assert (missed.status, missed.no_shows, missed.appointment_on) == (
        BookingStatus.BOOKED,
        1,
        None,
    )
    assert _quota(checks).used == 2  # the place is kept for the new day
    again = Invitation.objects.get(worker=worker, round=2)
    assert again.status == InvitationStatus.SENT and again.booking_id == booking.pk
    assert again.texted_to == "139****0001"
    assert texts[-1][0] == "13912340001" and checks.name in texts[-1][1]

    frozen_clock.move_to(datetime.datetime(2026, 3, 5, 9, 0))
    new_day = datetime.date(2026, 3, 5)
    moved = services.change_check_day(booking, outlet=hospital[1], day=new_day,
                                      by=city_caseworker)  # fmt: skip
    assert moved.appointment_on == new_day
    assert Invitation.objects.get(pk=again.pk).status == InvitationStatus.BOOKED

    closed = services.mark_check_no_show(moved, partner_user=hospital[2])
    assert closed.status == BookingStatus.NO_SHOW and closed.closed_at is not None
    assert closed.no_shows == 2
    assert _quota(checks).used == 1  # only the other worker's place is still taken
    event = AuditEvent.objects.get(action="campaigns.check_no_show")
    assert event.changes["place_returned"] is True


def test_the_returned_place_goes_to_someone_else(checks, hospital, city_caseworker,
                                                 city_approver, frozen_clock):  # fmt: skip
    workers = _enrol(checks, 4, city_caseworker, city_approver)
    bookings = [
        services.book_check(checks, w, outlet=hospital[1], day=TODAY, by=city_caseworker)
        for w in workers[:3]
    ]
    services.mark_check_no_show(bookings[0], by=city_caseworker)
    with pytest.raises(RuleViolation):  # the missed check still holds its place
        services.book_check(checks, workers[3], outlet=hospital[1], day=TODAY, by=city_caseworker)
    booking = services.change_check_day(bookings[0], outlet=hospital[1], day=TODAY,
                                        by=city_caseworker)  # fmt: skip
    services.mark_check_no_show(booking, by=city_caseworker)
    taken = services.book_check(
        checks, workers[3], outlet=hospital[1], day=TODAY, by=city_caseworker
    )
    assert taken.status == BookingStatus.BOOKED and _quota(checks).remaining == 0


def test_attended_is_done_on_the_appointment_day(checks, hospital, city_caseworker,
                                                  city_approver, frozen_clock):  # fmt: skip
    (worker,) = _enrol(checks, 1, city_caseworker, city_approver)
    booking = services.book_check(checks, worker, outlet=hospital[1], day=TODAY,
                                  by=city_caseworker)  # fmt: skip
    frozen_clock.move_to(datetime.datetime(2026, 3, 4, 9, 0))
    done = services.mark_check_attended(booking, partner_user=hospital[2])
    assert (done.status, done.done_on) == (BookingStatus.DONE, TODAY)
    assert _quota(checks).used == 1


def test_invitations_go_first_to_people_never_checked(
    checks,
    hospital,
    city_caseworker,
    city_approver,
    texts,
    campaign,
    province_planner,
    django_capture_on_commit_callbacks,
):
    a = worker_with_phone("410108", "13912340011")
    b = worker_with_phone("410108", "13912340012")
    c = worker_with_phone("410108", "13912340013")
    d = worker_with_phone("410108", "13912340014")
    no_phone = make_worker("410108")
    booked = worker_with_phone("410108", "13912340015")
    enrolled(checks, [a, b, c, d, no_phone, booked], caseworker=city_caseworker,
             approver=city_approver)  # fmt: skip
    services.book_check(checks, booked, outlet=hospital[1], day=TOMORROW, by=city_caseworker)
    HealthCheckRecord.objects.create(
        worker=b, org=b.org, checked_on=datetime.date(2025, 6, 1), institution="省人民医院"
    )
    earlier = services.create_activity(
        campaign, kind=ActivityKind.HEALTH_CHECK, name="去年体检", org=campaign.lead_org,
        uses_places=True, by=province_planner,
    )  # fmt: skip
    quota = Quota.objects.create(activity=earlier, org=a.org, total=1, used=1)
    Booking.objects.create(activity=earlier, quota=quota, org=a.org, worker=a,
                           status=BookingStatus.DONE, done_on=datetime.date(2025, 5, 1))  # fmt: skip
    member = with_account(d, "13912340099")

    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_invitations(checks, Org.objects.get(code="410100"), limit=3,
                                         by=city_caseworker)  # fmt: skip
    assert [(row.worker_id, row.priority) for row in sent] == [(c.pk, 1), (d.pk, 1), (a.pk, 2)]
    assert Message.objects.filter(member=member).count() == 1
    assert sent[1].texted_to == member.phone_masked
    assert {to for to, _text in texts} >= {"13912340013", "13912340099", "13912340011"}

    rest = services.send_invitations(checks, Org.objects.get(code="410100"), limit=10,
                                     by=city_caseworker)  # fmt: skip
    assert [(row.worker_id, row.priority) for row in rest] == [(b.pk, 2)]
    assert (
        services.send_invitations(
            checks, Org.objects.get(code="410100"), limit=10, by=city_caseworker
        )
        == []
    )


def test_an_invitation_turns_booked_when_the_worker_books(
    checks, hospital, city_caseworker, city_approver
):
    worker = worker_with_phone("410108", "13912340021")
    enrolled(checks, [worker], caseworker=city_caseworker, approver=city_approver)
    (invitation,) = services.send_invitations(checks, city_caseworker.org, limit=5,
                                              by=city_caseworker)  # fmt: skip
    member = with_account(worker, "13912340022")
    booking = services.member_book_check(member, checks, outlet=hospital[1], day=TOMORROW)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.booking_id) == (InvitationStatus.BOOKED, booking.pk)
    assert booking.booked_via == BookedVia.MEMBER and booking.member_id == member.pk
    event = AuditEvent.objects.get(action="campaigns.check_booked")
    assert event.actor_label == member.actor_label


def test_a_member_cancels_their_check_and_the_place_returns(
    checks, hospital, city_caseworker, city_approver
):
    worker = make_worker("410108")
    enrolled(checks, [worker], caseworker=city_caseworker, approver=city_approver)
    member = with_account(worker, "13912340031")
    booking = services.member_book_check(member, checks, outlet=hospital[1], day=TOMORROW)
    other = with_account(make_worker("410108"), "13912340032")
    with pytest.raises(RuleViolation):
        services.member_cancel_check(other, booking)
    services.member_cancel_check(member, booking)
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED
    assert _quota(checks).used == 0


def test_checks_done_and_check_records_count_as_checked_for_rules(
    checks, hospital, city_caseworker, city_approver, frozen_clock
):
    from nuanjia.campaigns.services.enrolment import eligible_workers

    done, recorded, never = _enrol(checks, 3, city_caseworker, city_approver)
    booking = services.book_check(checks, done, outlet=hospital[1], day=TODAY, by=city_caseworker)
    services.mark_check_attended(booking, by=city_caseworker)
    HealthCheckRecord.objects.create(
        worker=recorded,
        org=recorded.org,
        checked_on=datetime.date(2025, 1, 10),
        institution="甲医院",
    )
    county = Org.objects.get(code="410108")
    mine = {done.pk, recorded.pk, never.pk}

    def who(rule):
        return set(eligible_workers(checks, county, rule).values_list("pk", flat=True)) & mine

    assert who({"fact": "health_checked", "op": "yes"}) == {done.pk, recorded.pk}
    assert who({"fact": "health_checked", "op": "no"}) == {never.pk}
    assert who({"fact": "last_health_check", "op": "gte", "value": "2026-01-01"}) == {done.pk}
    assert who({"fact": "last_health_check", "op": "lte", "value": "2025-12-31"}) == {
        recorded.pk,
        never.pk,
    }


def test_cancelling_a_missed_check_lapses_its_reinvite_and_frees_the_place(
    checks, hospital, city_caseworker, city_approver
):
    worker = worker_with_phone("410108", "13912340041")
    enrolled(checks, [worker], caseworker=city_caseworker, approver=city_approver)
    booking = services.book_check(checks, worker, outlet=hospital[1], day=TODAY,
                                  by=city_caseworker)  # fmt: skip
    services.mark_check_no_show(booking, by=city_caseworker)
    services.cancel_check(booking, by=city_caseworker, reason="本人放弃")
    assert Invitation.objects.get(worker=worker, round=2).status == InvitationStatus.LAPSED
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED
    assert _quota(checks).used == 0
