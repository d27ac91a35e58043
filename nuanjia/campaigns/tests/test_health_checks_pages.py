"""Health checks on the staff pages and API, the member's phone page and the desk's to-do
tile: what a caseworker, a member and a hospital see and do."""

import datetime

import pytest
from django.urls import reverse

from nuanjia.accounts.services import issue_api_token
from nuanjia.campaigns.models import Booking, Invitation, Quota
from nuanjia.campaigns.rules import BookedVia, BookingStatus
from nuanjia.campaigns.todo_health import health_todo
from nuanjia.core import mypages, partnerpages
from nuanjia.members.models import Partner
from nuanjia.members.services.scanning import scan
from nuanjia.orgs.models import Org

from .conftest import make_worker
from .health_support import TODAY, TOMORROW, enrolled, places_down_to, with_account

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("texts")]


@pytest.fixture
def checks(frozen_clock, places_activity, health_check_contract, province_planner):
    places_down_to(places_activity, province_planner, Org.objects.get(code="410108"), 5)
    return places_activity


@pytest.fixture
def listed(checks, city_caseworker, city_approver):
    workers = [make_worker("410108") for _ in range(3)]
    workers[0].phone = "13912347701"
    workers[0].save()
    enrolled(checks, workers, caseworker=city_caseworker, approver=city_approver)
    return workers


def test_a_caseworker_books_on_the_checks_page(checks, listed, hospital, city_caseworker, login):
    client = login(city_caseworker)
    page = client.get(reverse("campaigns:checks", args=[checks.pk])).content.decode()
    assert hospital[1].name in page and 'data-testid="check-book"' in page
    response = client.post(
        reverse("campaigns:check_book", args=[checks.pk]),
        {"worker": listed[0].pk, "outlet": hospital[1].pk, "day": TOMORROW.isoformat()},
    )
    assert response.status_code == 302
    booking = Booking.objects.get(worker=listed[0])
    assert (booking.appointment_on, booking.outlet_id) == (TOMORROW, hospital[1].pk)
    page = client.get(reverse("campaigns:checks", args=[checks.pk])).content.decode()
    assert listed[0].name in page
    export = client.get(reverse("campaigns:checks", args=[checks.pk]) + "?export=1")
    assert export.status_code == 200


def test_the_checks_tab_is_only_on_health_check_activities(checks, visit_activity, city_caseworker,
                                                           login):  # fmt: skip
    client = login(city_caseworker)
    assert client.get(reverse("campaigns:checks", args=[visit_activity.pk])).status_code == 404
    page = client.get(reverse("campaigns:places", args=[checks.pk])).content.decode()
    assert reverse("campaigns:checks", args=[checks.pk]) in page


def test_invitations_are_sent_and_listed_on_their_page(checks, listed, city_caseworker, login):
    client = login(city_caseworker)
    url = reverse("campaigns:check_invitations", args=[checks.pk])
    assert client.post(url, {"org": "410100", "limit": "5"}).status_code == 302
    assert Invitation.objects.count() == 1  # only the worker with a phone
    page = client.get(url).content.decode()
    assert listed[0].name in page and "139****7701" in page


def test_the_to_do_tile_counts_checks_whose_day_passed(checks, listed, hospital, city_caseworker,
                                                       frozen_clock, login):  # fmt: skip
    from nuanjia.campaigns import services

    services.book_check(checks, listed[1], outlet=hospital[1], day=TODAY, by=city_caseworker)
    assert health_todo(city_caseworker)[0].count == 0
    frozen_clock.move_to(datetime.datetime(2026, 3, 4, 9, 0))
    (tile,) = health_todo(city_caseworker)
    assert tile.count == 1 and tile.url == reverse("campaigns:checks_overdue")
    client = login(city_caseworker)
    page = client.get(tile.url).content.decode()
    assert listed[1].name in page
    booking = Booking.objects.get(worker=listed[1])
    client.post(reverse("campaigns:check_attended", args=[booking.pk]), {"back": "overdue"})
    assert Booking.objects.get(pk=booking.pk).done_on == TODAY
    assert health_todo(city_caseworker)[0].count == 0


def test_the_records_page_opens(city_caseworker, login):
    client = login(city_caseworker)
    assert client.get(reverse("campaigns:check_records")).status_code == 200
    assert client.get(reverse("campaigns:check_records_template")).status_code == 200


def test_the_staff_api_books_lists_and_cancels(checks, listed, hospital, city_caseworker, client):
    _token, raw = issue_api_token(city_caseworker, name="test", by=city_caseworker)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    base = f"/api/v1/campaigns/activities/{checks.pk}/checks"
    outlets = client.get(f"{base}/outlets", **headers).json()
    assert [o["id"] for o in outlets] == [hospital[1].pk] and outlets[0]["capacity_per_day"] == 50
    made = client.post(
        base, {"worker_id": listed[2].pk, "outlet_id": hospital[1].pk, "day": "2026-03-03"},
        content_type="application/json", **headers,
    )  # fmt: skip
    assert made.status_code == 201, made.content
    assert made.json()["appointment_on"] == "2026-03-03" and made.json()["org"] == "410108"
    full = client.post(
        base, {"worker_id": listed[2].pk, "outlet_id": hospital[1].pk, "day": "03/03/2026"},
        content_type="application/json", **headers,
    )  # fmt: skip
    assert full.status_code == 400 and full.json()["field"] == "day"
    listed_rows = client.get(f"{base}?day=2026-03-03", **headers).json()
    assert [row["worker_id"] for row in listed_rows["items"]] == [listed[2].pk]
    sent = client.post(f"{base}/invitations", {"limit": 10}, content_type="application/json",
                       **headers)  # fmt: skip
    assert sent.status_code == 201 and len(sent.json()) == 1
    assert client.get(f"{base}/invitations", **headers).json()["count"] == 1
    cancelled = client.post(
        f"/api/v1/campaigns/checks/{made.json()['id']}/cancel", {"reason": "本人改期"},
        content_type="application/json", **headers,
    )  # fmt: skip
    assert cancelled.json()["status"] == BookingStatus.CANCELLED
    assert Quota.objects.get(activity=checks, org__code="410108").used == 0


def test_a_member_books_and_cancels_on_the_phone_page(checks, listed, hospital):
    from nuanjia.members.tests.conftest import member_client

    member = with_account(listed[1], "13912347702")
    client, _m = member_client("13912347703")  # another phone: nothing of the first shows
    assert checks.name not in client.get("/m/campaigns/checks/").content.decode()
    own = _member_browser(member)
    page = own.get("/m/campaigns/checks/").content.decode()
    assert checks.name in page and hospital[1].name in page
    own.post("/m/campaigns/checks/", {"action": "book", "activity": checks.pk,
                                      "outlet": hospital[1].pk, "day": "2026-03-04"})  # fmt: skip
    booking = Booking.objects.get(worker=listed[1])
    assert (booking.booked_via, booking.member_id) == (BookedVia.MEMBER, member.pk)
    assert "2026-03-04" in own.get("/m/campaigns/checks/").content.decode()
    own.post("/m/campaigns/checks/", {"action": "cancel", "booking": booking.pk})
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED


def _member_browser(member):
    """A phone browser signed in as `member` (a fresh device on its own phone)."""
    from django.test import Client

    from nuanjia.core import ratelimit
    from nuanjia.members.auth import COOKIE
    from nuanjia.members.tests.conftest import sign_in

    ratelimit.clear()
    _same, raw = sign_in(member.phone)
    client = Client()
    client.cookies[COOKIE] = raw
    client.cookies[COOKIE]["path"] = "/m/"
    return client


def test_the_pages_are_listed_for_members_and_hospitals_and_the_card_scan_knows_bookings(
    checks, listed, hospital, city_caseworker
):
    from nuanjia.campaigns import services

    member = with_account(listed[0], "13912347704")
    assert "campaigns:my_checks" in [page.url_name for page, _n in mypages.pages_for(member)]
    assert [p.url_name for p in partnerpages.pages_for(Partner.Kind.HOSPITAL)].count(
        "campaigns:partner_checks"
    ) == 1
    assert "campaigns:partner_checks" not in [
        p.url_name for p in partnerpages.pages_for(Partner.Kind.SHOP)
    ]
    id_last4 = "0000"
    listed[0].__class__.objects.filter(pk=listed[0].pk).update(id_last4=id_last4)
    number = listed[0].member_number
    assert scan(use="health_check", number=number, id_last4=id_last4).status == "not_booked"
    services.book_check(checks, listed[0], outlet=hospital[1], day=TOMORROW, by=city_caseworker)
    assert scan(use="health_check", number=number, id_last4=id_last4).status == "booked"
