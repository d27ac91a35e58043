"""Station pages: the registry and its permission matrix, the sign, statistics, import/export,
and the public phone pages."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from nuanjia.orgs.rules import Role
from nuanjia.stations import rules, services
from nuanjia.stations.models import Station, Visit

from .conftest import HUIJI

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_a_keeper_registers_a_station_typed_in_gcj02(login, keeper):
    client = login(keeper)
    gcj = rules.wgs84_to_gcj02(*HUIJI)
    response = client.post(
        reverse("stations:new"),
        {
            "code": "zz-hj-009",
            "name": "开元路驿站",
            "org": keeper.org_id,
            "operator": "self_built",
            "address": "郑州市惠济区开元路9号",
            "region_code": "410108",
            "datum": "gcj02",
            "lat": f"{gcj[0]:.7f}",
            "lng": f"{gcj[1]:.7f}",
            "opening_hours": "周一至周日 06:00-22:00",
            "facilities": [],
            "is_published": "on",
        },
    )
    station = Station.objects.get(code="ZZ-HJ-009")
    assert response.status_code == 302
    assert rules.haversine_m(station.lat, station.lng, *HUIJI) < 1.0


def test_swapped_coordinates_on_the_form_name_the_field(login, keeper):
    client = login(keeper)
    response = client.post(
        reverse("stations:new"),
        {
            "code": "ZZ-1",
            "name": "驿站",
            "org": keeper.org_id,
            "operator": "self_built",
            "address": "某路",
            "region_code": "410108",
            "datum": "wgs84",
            "lat": "113.6",
            "lng": "34.8",
            "opening_hours": "24小时",
        },
    )
    assert response.status_code == 200
    assert "填反" in str(response.context["form"].errors["lat"])
    assert not Station.objects.exists()


def test_the_list_and_detail_pages_show_the_station(login, caseworker, make_station):
    station = make_station(name="惠济环卫驿站")
    client = login(caseworker)
    assert "惠济环卫驿站" in client.get(reverse("stations:list")).content.decode()
    page = client.get(reverse("stations:detail", args=[station.pk]))
    assert page.status_code == 200
    assert "GCJ-02" in page.content.decode() and "uri.amap.com" in page.content.decode()


def test_the_list_page_pins_its_query_count(
    login, caseworker, make_station, django_assert_max_num_queries
):
    for _n in range(5):
        make_station()
    client = login(caseworker)
    client.get(reverse("stations:list"))
    with django_assert_max_num_queries(12):
        client.get(reverse("stations:list"))


def test_an_outsider_gets_404_for_another_countys_station(login, outsider, make_station):
    station = make_station()
    client = login(outsider)
    assert client.get(reverse("stations:detail", args=[station.pk])).status_code == 404
    assert (
        client.post(reverse("stations:status", args=[station.pk]), {"status": "closed"}).status_code
        == 404
    )


def test_a_leader_reads_but_cannot_change(login, make_staff, make_station):
    station = make_station()
    leader = make_staff("410100", Role.LEADER)
    client = login(leader)
    assert client.get(reverse("stations:detail", args=[station.pk])).status_code == 200
    assert client.get(reverse("stations:edit", args=[station.pk])).status_code == 404
    assert (
        client.post(reverse("stations:status", args=[station.pk]), {"status": "closed"}).status_code
        == 404
    )
    station.refresh_from_db()
    assert station.status == Station.Status.OPEN


def test_admin_roles_are_refused(login, auditor, make_station):
    client = login(auditor)
    assert client.get(reverse("stations:list")).status_code == 403


def test_the_sign_is_an_a4_pdf_with_chinese_text(login, caseworker, make_station):
    station = make_station(name="惠济区环卫爱心驿站")
    response = login(caseworker).get(reverse("stations:sign", args=[station.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF") and b"STSong-Light" in body
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in body


def test_keepers_log_a_day_count_that_feeds_the_rollup(login, keeper, make_station):
    station = make_station()
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    client = login(keeper)
    client.post(
        reverse("stations:tally", args=[station.pk]), {"on": yesterday.isoformat(), "visits": "12"}
    )
    assert station.days.get(on=yesterday).visits == 12


def test_the_statistics_page_draws_tables_and_bars(login, caseworker, keeper, make_station):
    station = make_station()
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    services.record_tally(station, on=yesterday, visits=7, by=keeper)
    page = login(caseworker).get(reverse("stations:statistics"))
    text = page.content.decode()
    assert page.status_code == 200
    assert page.context["stats"].total == 7
    assert "<svg" in text and station.code in text


def test_coverage_reports_the_share(login, caseworker, make_station):
    make_station()
    lat, lng = HUIJI
    response = login(caseworker).post(
        reverse("stations:coverage"),
        {"datum": "wgs84", "points": f"{lat + 0.004}, {lng}, 410108\n{lat + 0.2}, {lng}, 410108"},
    )
    assert response.context["result"].covered == 1


def test_coverage_names_the_bad_line(login, caseworker):
    response = login(caseworker).post(
        reverse("stations:coverage"), {"datum": "wgs84", "points": "34.8, 113.6\n113.6, 34.8"}
    )
    assert "2" in str(response.context["form"].errors["points"])


# --- import and export ---


def _sheet(rows, header=None) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = "驿站"
    sheet.append(
        header
        or [
            "站点编码",
            "站点名称",
            "主办工会代码",
            "地址",
            "行政区划代码",
            "纬度",
            "经度",
            "设施",
            "开放时间",
        ]
    )
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "stations.xlsx"
    return buffer


def test_import_creates_and_updates_by_code_in_the_declared_datum(login, keeper):
    gcj = rules.wgs84_to_gcj02(*HUIJI)
    client = login(keeper)
    rows = [
        [
            "ZZ-A",
            "甲驿站",
            "410108",
            "开元路1号",
            "410108",
            gcj[0],
            gcj[1],
            "饮水、热饭、休息座位数:6",
            "24小时",
        ]
    ]
    response = client.post(
        reverse("stations:import"),
        {"file": _sheet(rows), "mode": "all_or_nothing", "datum": "gcj02"},
    )
    assert response.context["result"].created == 1
    station = Station.objects.get(code="ZZ-A")
    assert rules.haversine_m(station.lat, station.lng, *HUIJI) < 1.0
    rows[0][1] = "甲驿站（改）"
    response = client.post(
        reverse("stations:import"),
        {"file": _sheet(rows), "mode": "all_or_nothing", "datum": "gcj02"},
    )
    assert response.context["result"].updated == 1
    assert Station.objects.get(code="ZZ-A").name == "甲驿站（改）"


def test_a_bad_row_names_row_and_column_and_imports_nothing(login, keeper):
    rows = [
        ["ZZ-A", "甲", "410108", "路1号", "410108", 34.8, 113.6, "饮水", "24小时"],
        ["ZZ-B", "乙", "410108", "路2号", "410108", 113.6, 34.8, "饮水", "24小时"],
        ["ZZ-C", "丙", "410108", "路3号", "410108", 34.8, 113.6, "桑拿", "24小时"],
        ["ZZ-D", "丁", "410108", "路4号", "410108", 34.8, 113.6, "饮水", "早八晚六"],
    ]
    response = login(keeper).post(
        reverse("stations:import"),
        {"file": _sheet(rows), "mode": "all_or_nothing", "datum": "wgs84"},
    )
    errors = {(error.row, error.header) for error in response.context["result"].errors}
    assert errors == {(3, "纬度"), (4, "设施"), (5, "开放时间")}
    assert not Station.objects.exists()


def test_an_outsider_cannot_update_another_countys_station_by_import(login, outsider, make_station):
    station = make_station(code="ZZ-OWN")
    rows = [["ZZ-OWN", "改名", "410204", "路", "410204", 34.8, 114.3, "饮水", "24小时"]]
    response = login(outsider).post(
        reverse("stations:import"),
        {"file": _sheet(rows), "mode": "all_or_nothing", "datum": "wgs84"},
    )
    assert response.context["result"].errors
    station.refresh_from_db()
    assert station.org.code == "410108"


def test_the_export_reimports_unchanged(login, keeper, make_station):
    make_station(
        code="ZZ-E1", facilities={"饮水": None, "休息座位数": 5}, hours="周一至周五 08:00-18:00"
    )
    client = login(keeper)
    response = client.get(reverse("stations:export") + "?datum=bd09")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][0] == "ZZ-E1" and rows[1][9] == "BD-09"
    buffer = io.BytesIO(response.content)
    buffer.name = "export.xlsx"
    result = client.post(
        reverse("stations:import"), {"file": buffer, "mode": "all_or_nothing", "datum": "wgs84"}
    ).context["result"]
    assert (result.unchanged, result.updated, result.invalid) == (1, 0, 0)


# --- the public phone pages ---


def test_the_nearest_page_needs_no_sign_in(client, make_station):
    lat, lng = HUIJI
    make_station(name="近的驿站", lat=lat + 0.002, lng=lng, facilities={"热饭": None})
    page = client.get(
        reverse("stations:nearest"), {"lat": lat, "lng": lng, "facility": "microwave"}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "近的驿站" in text and "222 m" in text and "uri.amap.com" in text


def test_the_nearest_page_refuses_swapped_coordinates(client):
    page = client.get(reverse("stations:nearest"), {"lat": "113.6", "lng": "34.8"})
    assert page.status_code == 400


def test_check_in_from_the_qr_page(client, make_station):
    station = make_station()
    url = reverse("stations:checkin", args=[station.code])
    assert client.get(url).status_code == 200
    response = client.post(url, {"services": ["water", "charge"], "card_or_phone": ""})
    assert response.status_code == 200 and "checked-in" in response.content.decode()
    visit = Visit.objects.get()
    assert visit.used_water and visit.used_charge and visit.visitor_hash == ""


@pytest.mark.parametrize("typed", ["abc", "12", "0371-12351", "N12345678901"])
def test_a_check_in_refuses_what_is_neither_a_card_nor_a_mobile_number(client, make_station, typed):
    station = make_station()
    url = reverse("stations:checkin", args=[station.code])
    response = client.post(url, {"services": ["water"], "card_or_phone": typed})
    text = response.content.decode()
    assert response.status_code == 200 and "checked-in" not in text
    # The error names the field and is the field's accessible description.
    assert (
        'id="id_card_or_phone_error"' in text
        and "id_card_or_phone_error" in text.split('name="card_or_phone"')[1].split(">")[0]
    )
    assert not Visit.objects.exists()


def test_a_check_in_takes_a_member_card_number(client, make_station):
    from nuanjia.people import membership

    station = make_station()
    url = reverse("stations:checkin", args=[station.code])
    response = client.post(
        url, {"services": ["water"], "card_or_phone": membership.member_number(7)}
    )
    assert "checked-in" in response.content.decode()
    assert Visit.objects.get().visitor_hint.endswith(membership.member_number(7)[-4:])


def test_a_second_check_in_seconds_later_is_refused_on_the_page(client, make_station):
    station = make_station()
    url = reverse("stations:checkin", args=[station.code])
    client.get(url)  # the page gives the phone its check-in cookie
    assert "checked-in" in client.post(url, {"services": ["water"]}).content.decode()
    again = client.post(url, {"services": ["water"]}).content.decode()
    assert "checked-in" not in again and "每次到访签到一次即可" in again
    assert Visit.objects.count() == 1
    client.cookies.clear()  # another phone at the same address, with another browser
    other = client.post(url, {"services": ["rest"]}, headers={"user-agent": "another phone"})
    assert "checked-in" in other.content.decode()
    assert Visit.objects.count() == 2


def test_a_closed_stations_qr_page_says_so_and_logs_nothing(client, keeper, make_station):
    station = make_station()
    services.set_station_status(station, Station.Status.CLOSED, by=keeper)
    url = reverse("stations:checkin", args=[station.code])
    page = client.get(url)
    assert 'data-testid="closed"' in page.content.decode()
    client.post(url, {"services": ["water"]})
    assert not Visit.objects.exists()


def test_check_ins_are_rate_limited(client, make_station, settings):
    station = make_station()
    url = reverse("stations:checkin", args=[station.code])
    limit = 20
    statuses = [
        client.post(url, {"services": ["rest"], "card_or_phone": f"1390000{n:04d}"}).status_code
        for n in range(limit + 1)
    ]
    assert statuses[-1] == 429
    assert Visit.objects.count() == limit


def test_an_unknown_code_is_404(client):
    assert client.get(reverse("stations:checkin", args=["NOPE"])).status_code == 404


def test_an_unknown_code_shows_the_public_phone_page_not_the_staff_404(client):
    response = client.get(reverse("stations:checkin", args=["NOPE"]))
    page = response.content.decode()
    assert response.status_code == 404
    assert 'data-testid="station-not-found"' in page
    assert 'data-testid="error-page"' not in page  # the staff 404 points to a to-do list
    assert reverse("stations:nearest") in page and "stations/public.css" in page


def test_grants_are_proposed_and_approved_on_the_station_page(
    login, keeper, approver, make_station, tree
):
    from nuanjia.funds import services as funds
    from nuanjia.funds.models import Earmark
    from nuanjia.orgs.models import Org
    from nuanjia.stations.models import StationGrant

    station = make_station()
    earmark = Earmark.objects.get(name=services.GRANT_EARMARK)
    funds.receive(Org.objects.get(code="410108"), earmark, 1_000_000, by=None, source="财政")
    client = login(keeper)
    client.post(
        reverse("stations:grant_new", args=[station.pk]),
        {"kind": "upkeep", "amount": "2,000.50", "purpose": "冬季取暖"},
    )
    grant = StationGrant.objects.get()
    assert grant.amount_fen == 200_050
    page = login(approver).get(reverse("stations:detail", args=[station.pk]))
    assert 'data-testid="grant-approve"' in page.content.decode()
    login(approver).post(reverse("stations:grant_approve", args=[grant.pk]))
    grant.refresh_from_db()
    assert grant.status == StationGrant.Status.APPROVED


def test_pages_work_without_tiles_and_draw_a_map_when_a_tile_server_is_set(
    client, login, caseworker, make_station, settings
):
    station = make_station()
    lat, lng = HUIJI
    plain = client.get(reverse("stations:nearest"), {"lat": lat, "lng": lng})
    assert "tile-map" not in plain.content.decode()
    settings.STATIONS_MAP_TILES = "https://tiles.example.org/{z}/{x}/{y}.png"
    mapped = client.get(reverse("stations:nearest"), {"lat": lat, "lng": lng})
    assert 'class="tile-map"' in mapped.content.decode()
    assert "https://tiles.example.org" in mapped["Content-Security-Policy"]
    detail = login(caseworker).get(reverse("stations:detail", args=[station.pk]))
    assert "tiles.example.org/15/" in detail.content.decode()


def test_the_nightly_job_rolls_up_yesterday(keeper, make_station):
    import time_machine

    station = make_station()
    with time_machine.travel(datetime.datetime(2026, 11, 20, 15, 0, tzinfo=datetime.UTC)):
        services.check_in(station)
    with time_machine.travel(datetime.datetime(2026, 11, 21, 18, 0, tzinfo=datetime.UTC)):
        assert services.nightly_rollup() == 1
    assert station.days.get(on=datetime.date(2026, 11, 20)).checkins == 1


def test_a_photo_is_served_as_the_image_it_is_whatever_its_name(
    login, keeper, outsider, make_station
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .scoping import PNG

    station = make_station()
    client = login(keeper)
    client.post(
        reverse("stations:photo_add", args=[station.pk]),
        {
            "image": SimpleUploadedFile("evil.html", PNG, content_type="text/html"),
            "caption": "门口",
        },
    )
    photo = station.photos.get()
    response = client.get(reverse("stations:photo", args=[photo.pk]))
    assert response["Content-Type"] == "image/png"
    assert login(outsider).get(reverse("stations:photo", args=[photo.pk])).status_code == 404


def test_a_decompression_bomb_photo_on_the_page_is_a_message_not_a_500(login, keeper, make_station):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .test_services import png_claiming

    station = make_station()
    bomb = SimpleUploadedFile("bomb.png", png_claiming(15_000, 15_000), content_type="image/png")
    response = login(keeper).post(
        reverse("stations:photo_add", args=[station.pk]), {"image": bomb}, follow=True
    )
    assert response.status_code == 200
    assert "图片像素过多" in response.content.decode()
    assert not station.photos.exists()


def test_the_phone_page_searches_at_a_given_time(client, make_station):
    lat, lng = HUIJI
    make_station(name="夜间驿站", lat=lat + 0.002, lng=lng, hours="每天 20:00-06:00")
    url = reverse("stations:nearest")
    at_night = client.get(url, {"lat": lat, "lng": lng, "at": "2026-11-23T23:00"})
    at_noon = client.get(url, {"lat": lat, "lng": lng, "at": "2026-11-23T12:00"})
    assert "夜间驿站" in at_night.content.decode()
    assert "夜间驿站" not in at_noon.content.decode()
    assert client.get(url, {"lat": lat, "lng": lng, "at": "soon"}).status_code == 400


def test_the_desk_lists_dead_stations_for_keepers(login, keeper, make_station):
    make_station()
    page = login(keeper).get(reverse("desk:home"))
    assert "30" in page.content.decode() and reverse("stations:statistics") in page.content.decode()


def test_an_approved_grant_is_cancelled_from_the_station_page_only_with_a_reason(
    login, keeper, approver, make_station, tree
):
    from django.contrib import messages
    from django.contrib.messages import get_messages

    from nuanjia.funds import services as funds
    from nuanjia.funds.models import Earmark
    from nuanjia.orgs.models import Org
    from nuanjia.stations.models import StationGrant

    station = make_station()
    earmark = Earmark.objects.get(name=services.GRANT_EARMARK)
    funds.receive(Org.objects.get(code="410108"), earmark, 1_000_000, by=None, source="财政")
    grant = services.propose_station_grant(
        station, kind="upkeep", amount_fen=50_000, purpose="冬季取暖", by=keeper
    )
    client = login(approver)
    client.post(reverse("stations:grant_approve", args=[grant.pk]))
    cancel = reverse("stations:grant_cancel", args=[grant.pk])
    refused = client.post(cancel, {"reason": ""})
    assert refused.url == reverse("stations:detail", args=[station.pk])
    said = list(get_messages(refused.wsgi_request))
    assert said[-1].level == messages.ERROR  # the reason the cancellation needs
    grant.refresh_from_db()
    assert grant.status == StationGrant.Status.APPROVED
    client.post(cancel, {"reason": "项目取消"})
    grant.refresh_from_db()
    assert grant.status == StationGrant.Status.CANCELLED
    assert grant.events.last().note == "项目取消"
