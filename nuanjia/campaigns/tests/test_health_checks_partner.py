"""The hospital's side of free health checks: its pages and API show a name in full only with
the worker's consent for that hospital (else masked, with the card's status); it marks
checks attended or missed, only its own; its completion sheet marks booked checks done, all
or nothing; a union imports a hospital's list of checks done outside nuanjia."""

import datetime
import io

import pytest
from django.test import Client

from nuanjia.campaigns import services
from nuanjia.campaigns.imports_health import import_check_records, import_completions
from nuanjia.campaigns.models import Booking, HealthCheckRecord
from nuanjia.campaigns.rules import BookingStatus
from nuanjia.core import ratelimit
from nuanjia.core.masking import mask_name
from nuanjia.members.models import Partner
from nuanjia.members.services import partners
from nuanjia.members.tests.conftest import last_code
from nuanjia.orgs.models import Org
from nuanjia.people import services as people_services
from nuanjia.people.models import Worker
from nuanjia.people.tests.support import id_number

from .conftest import HOSPITAL_PHONE, make_worker
from .health_support import TODAY, TOMORROW, enrolled, places_down_to, set_id_last4, with_account
from .partner_support import partner_client, partner_with_outlet, sheet_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("texts")]


@pytest.fixture
def booked(frozen_clock, places_activity, health_check_contract, hospital, province_planner,
           city_caseworker, city_approver):  # fmt: skip
    """张建国 (a member, his card valid) booked for today at the hospital's outlet, and
    李秀英 for tomorrow."""
    places_down_to(places_activity, province_planner, Org.objects.get(code="410108"), 5)
    today = set_id_last4(make_worker("410108", name="张建国"), "1234")
    Worker.objects.filter(pk=today.pk).update(union=Org.objects.get(code="410108"))
    tomorrow = set_id_last4(make_worker("410108", name="李秀英"), "567X")
    enrolled(places_activity, [today, tomorrow], caseworker=city_caseworker,
             approver=city_approver)  # fmt: skip
    first = services.book_check(places_activity, today, outlet=hospital[1], day=TODAY,
                                by=city_caseworker)  # fmt: skip
    second = services.book_check(places_activity, tomorrow, outlet=hospital[1], day=TOMORROW,
                                 by=city_caseworker)  # fmt: skip
    return first, second


def _api_client(phone: str) -> Client:
    partners.send_partner_code(phone, ip="10.1.1.2", text="code %(code)s %(minutes)d")
    _user, raw = partners.partner_sign_in(phone, last_code(phone), kind="api")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_the_hospital_page_masks_names_without_consent(booked, hospital):
    client, _person = partner_client(HOSPITAL_PHONE)
    page = client.get("/p/campaigns/checks/").content.decode()
    assert mask_name("张建国") in page and "张建国" not in page
    assert 'data-card="valid"' in page
    upcoming = client.get("/p/campaigns/checks/?day=2026-03-03").content.decode()
    assert mask_name("李秀英") in upcoming and "李秀英" not in upcoming
    assert 'data-card="not_member"' in upcoming


def test_the_hospital_sees_the_name_of_a_worker_who_consented_for_it(booked, hospital):
    member = with_account(booked[0].worker, "13912345601")
    partners.give_partner_consent(member, hospital[0])
    client, _person = partner_client(HOSPITAL_PHONE)
    page = client.get("/p/campaigns/checks/").content.decode()
    assert "张建国" in page
    partners.withdraw_partner_consent(member, hospital[0])
    assert "张建国" not in client.get("/p/campaigns/checks/").content.decode()


def test_consent_for_another_partner_shows_nothing_more(booked, hospital, province_planner):
    other = partners.register_partner(
        org=Org.objects.get(code="410000"), name="另一家医院", kind=Partner.Kind.HOSPITAL,
        by=province_planner,
    )  # fmt: skip
    member = with_account(booked[0].worker, "13912345602")
    partners.give_partner_consent(member, other)
    client = _api_client(HOSPITAL_PHONE)
    rows = client.get("/api/v1/partner/checks/bookings?day=2026-03-02").json()
    assert [(row["name"], row["name_shown"]) for row in rows] == [(mask_name("张建国"), False)]


def test_the_partner_api_lists_masked_rows_and_marks_attended(booked, hospital):
    client = _api_client(HOSPITAL_PHONE)
    rows = client.get("/api/v1/partner/checks/bookings").json()
    assert [row["name"] for row in rows] == [mask_name("张建国"), mask_name("李秀英")]
    assert [row["card_status"] for row in rows] == ["valid", "not_member"]
    assert "张建国" not in str(rows)
    answer = client.post(f"/api/v1/partner/checks/bookings/{booked[0].pk}/attended")
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "done" and answer.json()["done_on"] == "2026-03-02"
    early = client.post(f"/api/v1/partner/checks/bookings/{booked[1].pk}/no-show")
    assert early.status_code == 400  # the day has not come


def test_a_hospital_cannot_touch_another_hospitals_checks(booked, province_planner):
    partner_with_outlet(
        province_planner, org=Org.objects.get(code="410000"), name="第二医院",
        kind=Partner.Kind.HOSPITAL, outlet="门诊部", phone="13700009999",
    )  # fmt: skip
    client = _api_client("13700009999")
    assert client.get("/api/v1/partner/checks/bookings").json() == []
    assert (
        client.post(f"/api/v1/partner/checks/bookings/{booked[0].pk}/attended").status_code == 404
    )
    ratelimit.clear()  # a second code to the same phone within the minute
    browser, _person = partner_client("13700009999")
    assert browser.post(f"/p/campaigns/checks/{booked[0].pk}/no-show/").status_code == 404
    assert Booking.objects.get(pk=booked[0].pk).status == BookingStatus.BOOKED


def test_the_hospital_marks_a_no_show_on_its_page(booked, hospital):
    client, _person = partner_client(HOSPITAL_PHONE)
    response = client.post(f"/p/campaigns/checks/{booked[0].pk}/no-show/")
    assert response.status_code == 302
    booking = Booking.objects.get(pk=booked[0].pk)
    assert (booking.no_shows, booking.appointment_on, booking.status) == (1, None, "booked")


def _sheet(title, header, *rows) -> io.BytesIO:
    return sheet_file(title, header, *rows)


def _completions(*rows):
    return _sheet("体检完成名单", ["姓名", "身份证号", "体检日期"], *rows)


def test_the_completion_sheet_marks_the_hospitals_booked_checks_done(booked, hospital):
    sheet = _completions(
        ("张建国", "410***********1234", "2026-03-02"), ("李秀英", "567x", "2026/3/1")
    )
    result = import_completions(sheet, hospital[2], file_name="完成.xlsx")
    assert result.committed and result.created == 2, [str(e) for e in result.errors]
    done = {b.worker.name: (b.status, b.done_on) for b in Booking.objects.select_related("worker")}
    assert done == {
        "张建国": (BookingStatus.DONE, TODAY),
        "李秀英": (BookingStatus.DONE, datetime.date(2026, 3, 1)),
    }
    again = import_completions(
        _completions(("张建国", "1234", "2026-03-02")), hospital[2], file_name="完成.xlsx"
    )
    assert again.committed and again.unchanged == 1


def test_a_bad_row_of_the_completion_sheet_refuses_the_whole_sheet(booked, hospital):
    sheet = _completions(
        ("张建国", "410***********1234", "2026-03-02"),
        ("李秀英", 4101051990, "2026-03-02"),  # typed as a number
        ("王五", "9999", "2026-03-02"),  # no such booking
        ("李秀英", "567X", "2099-01-01"),  # in the future
    )
    result = import_completions(sheet, hospital[2])
    assert not result.committed
    places = {(error.row, error.column) for error in result.errors}
    assert {(3, "B"), (4, "A"), (5, "C")} <= places
    assert all(str(error.message) for error in result.errors)
    assert not Booking.objects.filter(status=BookingStatus.DONE).exists()


def test_another_hospitals_sheet_matches_none_of_our_bookings(booked, province_planner):
    _p, _o, person = partner_with_outlet(
        province_planner, org=Org.objects.get(code="410000"), name="第三医院",
        kind=Partner.Kind.HOSPITAL, outlet="体检科", phone="13700008888",
    )  # fmt: skip
    result = import_completions(_completions(("张建国", "1234", "2026-03-02")), person)
    assert not result.committed and [(e.row, e.column) for e in result.errors] == [(2, "A")]


def test_the_completion_page_imports_the_sheet(booked, hospital):
    client, _person = partner_client(HOSPITAL_PHONE)
    assert client.get("/p/campaigns/checks/completions/").status_code == 200
    sheet = _completions(("张建国", "1234", "2026-03-02"))
    sheet.name = "完成.xlsx"
    page = client.post(
        "/p/campaigns/checks/completions/", {"file": sheet, "mode": "all_or_nothing"}
    ).content.decode()
    assert 'data-testid="import-result"' in page
    assert Booking.objects.get(pk=booked[0].pk).status == BookingStatus.DONE


def test_a_union_imports_checks_done_elsewhere(frozen_clock, city_caseworker):
    worker = people_services.register_worker(
        org=Org.objects.get(code="410108"), by=city_caseworker, name="赵红梅",
        id_number=id_number("410108", sequence=41),
    )  # fmt: skip
    sheet = _sheet(
        "已检名单", ["姓名", "身份证号", "体检日期", "体检机构"],
        ("赵红梅", id_number("410108", sequence=41), "2026-01-15", "郑州大学第一附属医院"),
    )  # fmt: skip
    result = import_check_records(sheet, by=city_caseworker)
    assert result.committed and result.created == 1, [str(e) for e in result.errors]
    record = HealthCheckRecord.objects.get()
    assert (record.worker_id, record.checked_on) == (worker.pk, datetime.date(2026, 1, 15))

    bad = _sheet(
        "已检名单", ["姓名", "身份证号", "体检日期", "体检机构"],
        ("赵红梅", id_number("410108", sequence=41), "2026-02-01", "省人民医院"),
        ("钱某", id_number("410108", sequence=43), "2026-02-01", "省人民医院"),
    )  # fmt: skip
    refused = import_check_records(bad, by=city_caseworker)
    assert not refused.committed and [(e.row, e.column) for e in refused.errors] == [(3, "B")]
    assert HealthCheckRecord.objects.count() == 1


def test_a_shop_has_no_health_check_pages(shop):
    from .conftest import SHOP_PHONE

    client, _person = partner_client(SHOP_PHONE)
    assert client.get("/p/campaigns/checks/").status_code == 404
    assert client.get("/p/campaigns/checks/completions/").status_code == 404
    assert "/p/campaigns/checks/" not in client.get("/p/").content.decode()
