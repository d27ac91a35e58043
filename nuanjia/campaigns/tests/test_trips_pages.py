"""The trips' pages as staff and the travel partner use them: setting up a trip, nominating a
worker found by the last 4 of the ID, approving from the queue (not the nominator), the trip's
Excel list, the desk tiles, and the partner's list — names in full only with consent — with
its download and marking who went."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from nuanjia.campaigns import services
from nuanjia.campaigns.models import Booking, Nomination, Trip
from nuanjia.campaigns.rules import BookingStatus, NominationStatus, NominationStep
from nuanjia.campaigns.views.trips import TRIP_EXPORT
from nuanjia.campaigns.workflow import NOMINATION_FLOW
from nuanjia.core import clock
from nuanjia.core.audit import AuditEvent
from nuanjia.core.masking import mask_name
from nuanjia.core.todo import items_for
from nuanjia.people.models import Worker

from .conftest import TRAVEL_PHONE
from .partner_support import partner_client
from .trips_support import *  # noqa: F403 -- the trips fixtures
from .trips_support import AFTER, DURING, consent, enrolled_workers, give_city_places
from .trips_support import make_trip as _make_trip

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("texts")]


@pytest.fixture
def trip(trip_activity, trip_contract, province_planner):
    give_city_places(trip_activity, province_planner, 4)
    return _make_trip(trip_activity, trip_contract, province_planner, places=3)


QUEUE, ATTENDANCE = "status=nominated", "attendance=1"


def _tile(user, query: str) -> int:
    """The count on the user's trips tile whose link ends in `query` (0: no tile)."""
    return sum(item.count for item in items_for(user) if str(item.url).endswith(query))


def _sheet(response) -> list[tuple]:
    body = b"".join(response.streaming_content)
    return list(load_workbook(io.BytesIO(body), read_only=True).active.iter_rows(values_only=True))


def _approved(trip, activity, city, caseworker, approver, count=2, name="") -> list:
    workers = enrolled_workers(activity, count, name=name)
    rows = []
    for worker in workers:
        nomination = services.nominate(trip, worker, city, by=caseworker)
        rows.append(NOMINATION_FLOW.take_step(nomination, NominationStep.APPROVE, by=approver))
    return rows


def test_the_organiser_sets_up_a_trip_from_the_page(
    trip_activity, trip_contract, province_planner, login
):
    client = login(province_planner)
    tab = client.get(reverse("campaigns:trips", args=[trip_activity.pk]))
    assert tab.status_code == 200 and "trip-new" in tab.content.decode()
    response = client.post(
        reverse("campaigns:trip_new", args=[trip_activity.pk]),
        {"contract": trip_contract.pk, "name": "嵩山团", "place": "登封",
         "starts_on": "2026-07-10", "ends_on": "2026-07-09", "places": 6},
    )  # fmt: skip
    assert "嵩山团" not in str(list(Trip.objects.values_list("name", flat=True)))
    assert response.status_code == 200  # returns before it leaves: refused on the form
    response = client.post(
        reverse("campaigns:trip_new", args=[trip_activity.pk]),
        {"contract": trip_contract.pk, "name": "嵩山团", "place": "登封",
         "starts_on": "2026-07-10", "ends_on": "2026-07-14", "places": 6},
    )  # fmt: skip
    trip = Trip.objects.get(name="嵩山团")
    assert response.status_code == 302 and trip.cost_fen == trip_contract.price_fen
    listing = client.get(reverse("campaigns:trips", args=[trip_activity.pk])).content.decode()
    assert "嵩山团" in listing


def test_a_caseworker_finds_an_enrolled_worker_by_the_id_last_4_and_nominates(
    trip, trip_activity, city_caseworker, login
):
    [worker] = enrolled_workers(trip_activity, 1, name="王疗养")
    Worker.objects.filter(pk=worker.pk).update(id_last4="4321")
    client = login(city_caseworker)
    url = reverse("campaigns:trip_nominate", args=[trip.pk])
    found = client.get(url, {"q": "4321"}).content.decode()
    assert "王疗养0" in found and f"nominate-{worker.pk}" in found
    response = client.post(url, {"worker": worker.pk, "note": "一线骨干"})
    assert response.status_code == 302
    nomination = Nomination.objects.get(worker=worker)
    assert nomination.status == NominationStatus.NOMINATED and nomination.note == "一线骨干"
    detail = client.get(reverse("campaigns:trip", args=[trip.pk])).content.decode()
    assert "王疗养0" in detail
    tab = client.get(reverse("campaigns:trips", args=[trip_activity.pk])).content.decode()
    unions = tab.split('data-testid="trip-unions"')[1]
    assert "郑州市总工会" in unions  # one nominated, the quota's places left beside it


def test_the_queue_and_maker_checker_on_the_pages(
    trip, trip_activity, city, province_planner, city_approver, login
):
    [worker] = enrolled_workers(trip_activity, 1)
    nomination = services.nominate(trip, worker, city, by=province_planner)
    assert _tile(city_approver, QUEUE) == 1
    assert _tile(province_planner, QUEUE) == 0  # not the nominator's own
    nominator = login(province_planner)
    nominator.post(reverse("campaigns:nomination_approve", args=[nomination.pk]))
    assert Nomination.objects.get(pk=nomination.pk).status == NominationStatus.NOMINATED
    queue = login(city_approver).get(reverse("campaigns:nominations"), {"status": "nominated"})
    assert "step-approve" in queue.content.decode()
    login(city_approver).post(
        reverse("campaigns:nomination_approve", args=[nomination.pk]), {"back": "queue"}
    )
    assert Nomination.objects.get(pk=nomination.pk).status == NominationStatus.APPROVED


def test_refusing_from_the_page_needs_a_reason_and_gives_the_places_back(
    trip, trip_activity, city, city_caseworker, city_approver, login
):
    [worker] = enrolled_workers(trip_activity, 1)
    nomination = services.nominate(trip, worker, city, by=city_caseworker)
    client = login(city_approver)
    url = reverse("campaigns:nomination_refuse", args=[nomination.pk])
    client.post(url, {"note": ""})
    assert Nomination.objects.get(pk=nomination.pk).status == NominationStatus.NOMINATED
    client.post(url, {"note": "名额调整"})
    assert Nomination.objects.get(pk=nomination.pk).status == NominationStatus.WITHDRAWN
    assert Trip.objects.get(pk=trip.pk).taken == 0


def test_the_trips_excel_list_has_a_row_per_nomination(
    trip, trip_activity, city, city_caseworker, city_approver, login
):
    _approved(trip, trip_activity, city, city_caseworker, city_approver, name="赵出行")
    rows = _sheet(login(city_caseworker).get(reverse("campaigns:trip_export", args=[trip.pk])))
    assert rows[0] == tuple(TRIP_EXPORT.header())
    body = rows[1:]
    assert sorted(row[3] for row in body) == ["赵出行0", "赵出行1"]
    assert all(row[0] == trip.name and row[4] == "4101**********123X" for row in body)
    assert AuditEvent.objects.filter(action="list.exported").count() == 1


def test_attendance_tile_and_marking_from_the_page(
    trip, trip_activity, city, city_caseworker, city_approver, login
):
    went, stayed = _approved(trip, trip_activity, city, city_caseworker, city_approver)
    with clock.as_of(AFTER):
        assert _tile(city_caseworker, ATTENDANCE) == 2
        client = login(city_caseworker)
        url = reverse("campaigns:nomination_attendance", args=[went.pk])
        client.post(url, {"attended": "1"})
        client.post(reverse("campaigns:nomination_attendance", args=[stayed.pk]), {"attended": "0"})
        assert _tile(city_caseworker, ATTENDANCE) == 0
    assert Nomination.objects.get(pk=went.pk).status == NominationStatus.ATTENDED
    assert Nomination.objects.get(pk=stayed.pk).status == NominationStatus.ABSENT


# ---- the travel partner ------------------------------------------------------------------------


def test_the_partner_sees_names_only_with_consent_and_masked_otherwise(
    trip, trip_activity, city, city_caseworker, city_approver, travel_partner
):
    named, _masked = _approved(trip, trip_activity, city, city_caseworker, city_approver,
                              name="钱旅")  # fmt: skip
    consent(named.worker, travel_partner[0], "13900001234")
    client, _person = partner_client(TRAVEL_PHONE)
    home = client.get(reverse("members:partner_home")).content.decode()
    assert reverse("campaigns:partner_trips") in home
    page = client.get(reverse("campaigns:partner_trips")).content.decode()
    assert "钱旅0" in page and "钱旅1" not in page and mask_name("钱旅1") in page
    rows = _sheet(client.get(reverse("campaigns:partner_trips_export")))
    names = sorted(row[4] for row in rows[1:])
    assert names == sorted(["钱旅0", mask_name("钱旅1")])
    event = AuditEvent.objects.get(action="campaigns.trip_list_read")
    assert event.actor_label.startswith("partner ")


def test_the_partner_marks_who_went_once_the_trip_has_left(
    trip, trip_activity, city, city_caseworker, city_approver, travel_partner
):
    went, _stayed = _approved(trip, trip_activity, city, city_caseworker, city_approver)
    client, person = partner_client(TRAVEL_PHONE)
    url = reverse("campaigns:partner_attendance", args=[went.pk])
    client.post(url, {"attended": "1"})  # before it leaves: refused
    assert Nomination.objects.get(pk=went.pk).status == NominationStatus.APPROVED
    with clock.as_of(DURING):
        page = client.get(reverse("campaigns:partner_trip", args=[trip.pk])).content.decode()
        assert "partner-went" in page
        response = client.post(url, {"attended": "1"})
    assert response.status_code == 302
    assert Nomination.objects.get(pk=went.pk).status == NominationStatus.ATTENDED
    assert Booking.objects.get(pk=went.booking_id).status == BookingStatus.DONE
    event = AuditEvent.objects.filter(action="campaigns.nomination.attended").get()
    assert event.actor_label == person.actor_label


def test_another_partner_sees_and_marks_nothing_of_this_trip(
    trip, trip_activity, city, city_caseworker, city_approver, shop
):
    from .conftest import SHOP_PHONE

    [went] = _approved(trip, trip_activity, city, city_caseworker, city_approver, count=1,
                       name="孙旅")  # fmt: skip
    client, _person = partner_client(SHOP_PHONE)
    assert "孙" not in client.get(reverse("campaigns:partner_trips")).content.decode()
    assert client.get(reverse("campaigns:partner_trip", args=[trip.pk])).status_code == 404
    with clock.as_of(DURING):
        response = client.post(
            reverse("campaigns:partner_attendance", args=[went.pk]), {"attended": "1"}
        )
    assert response.status_code == 404
    assert Nomination.objects.get(pk=went.pk).status == NominationStatus.APPROVED
