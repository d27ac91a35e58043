"""The station services: registry, status, closures, check-in, tallies, rollups, search."""

import datetime
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from nuanjia.core.audit import verify_chain
from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.orgs.models import Org
from nuanjia.stations import queries, rules, services
from nuanjia.stations.models import DayTally, Station, StationDay, Visit
from nuanjia.stations.services import StationFields

from .conftest import HUIJI

pytestmark = pytest.mark.django_db
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def local(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SHANGHAI)


def fields(**overrides: Any) -> StationFields:
    values: dict[str, Any] = {
        "code": "ZZ-HJ-001",
        "name": "惠济区环卫爱心驿站",
        "org": Org.objects.get(code="410108"),
        "address": "郑州市惠济区开元路1号",
        "region_code": "410108",
        "lat": HUIJI[0],
        "lng": HUIJI[1],
        "facilities": {"饮水": None, "热饭": None, "休息座位数": 8},
    }
    return StationFields(**(values | overrides))


def test_a_keeper_registers_a_station_with_an_audit_event(keeper):
    station = services.create_station(fields(), by=keeper)
    assert station.city_code == "410100"
    assert station.cell == rules.cell_of(*HUIJI)
    rows = {
        row.facility.name: row.quantity for row in station.facility_rows.select_related("facility")
    }
    assert rows == {"饮水": None, "热饭": None, "休息座位数": 8}
    assert station.facility_mask == sum(1 << bit for bit in (0, 1, 2))
    assert AuditEvent.objects.filter(action="station.created", object_id=str(station.pk)).exists()
    assert verify_chain() is None


def test_an_outsider_cannot_register_a_station_for_another_county(outsider):
    with pytest.raises(RuleViolation):
        services.create_station(fields(), by=outsider)
    assert not Station.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"lat": 113.6, "lng": 34.8}, "lat"),
        ({"lat": 34.8, "lng": 200.0}, "lng"),
        ({"facilities": {"游泳池": None}}, "facilities"),
        ({"opening_hours": "早八晚六"}, "opening_hours"),
        ({"operator": Station.Operator.CO_BUILT}, "partner_name"),
        ({"region_code": "41"}, "region_code"),
        ({"code": ""}, "code"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(keeper, overrides, field):
    with pytest.raises(RuleViolation) as refused:
        services.create_station(fields(**overrides), by=keeper)
    assert refused.value.field == field
    assert not Station.objects.exists()


def test_the_unknown_facility_message_lists_the_known_ones(keeper):
    with pytest.raises(RuleViolation, match="饮水"):
        services.create_station(fields(facilities={"游泳池": None}), by=keeper)


def test_codes_are_unique(keeper):
    services.create_station(fields(), by=keeper)
    with pytest.raises(RuleViolation) as refused:
        services.create_station(fields(name="另一个"), by=keeper)
    assert refused.value.field == "code"


def test_an_update_records_what_changed(keeper, make_station):
    station = make_station()
    services.update_station(
        station,
        fields(
            code=station.code, opening_hours="周一至周五 08:00-18:00", facilities={"充电": None}
        ),
        by=keeper,
    )
    station.refresh_from_db()
    assert station.opening_hours == "周一至周五 08:00-18:00"
    event = AuditEvent.objects.get(action="station.updated")
    assert "opening_hours" in event.changes and "facility_mask" in event.changes


def test_status_follows_its_transitions(keeper, make_station):
    station = make_station()
    services.set_station_status(station, Station.Status.CLOSED, by=keeper)
    with pytest.raises(RuleViolation):
        services.set_station_status(station, Station.Status.SUSPENDED, by=keeper)
    services.set_station_status(station, Station.Status.OPEN, by=keeper)


def test_a_check_in_keeps_only_a_hash_and_a_masked_phone(make_station):
    station = make_station()
    visit = services.check_in(station, services=["water", "meal"], card_or_phone="13812345678")
    assert visit.visitor_hint == "138****5678"
    assert "13812345678" not in visit.visitor_hash and len(visit.visitor_hash) == 64
    assert visit.used_water and visit.used_meal and not visit.used_charge
    later = visit.at + services.REPEAT_CHECKIN_WINDOW + datetime.timedelta(seconds=1)
    again = services.check_in(station, card_or_phone="138 1234 5678", at=later)
    assert again.visitor_hash == visit.visitor_hash


def test_a_repeat_check_in_within_ten_minutes_is_refused(make_station):
    station, other = make_station(), make_station()
    first = local("2026-11-20T09:00")
    services.check_in(station, card_or_phone="13812345678", at=first)
    with pytest.raises(RuleViolation) as refused:
        services.check_in(
            station, card_or_phone="138-1234-5678", at=first + datetime.timedelta(seconds=20)
        )
    assert refused.value.code == "repeat_checkin"
    services.check_in(other, card_or_phone="13812345678", at=first + datetime.timedelta(seconds=30))
    services.check_in(
        station, card_or_phone="13900000000", at=first + datetime.timedelta(seconds=40)
    )
    services.check_in(
        station, card_or_phone="13812345678", at=first + datetime.timedelta(minutes=11)
    )
    # Without a card or phone, the same client (phone or browser) counts as the same visitor.
    services.check_in(station, client="cookie:abc", at=first)
    with pytest.raises(RuleViolation):
        services.check_in(station, client="cookie:abc", at=first + datetime.timedelta(minutes=9))
    services.check_in(station, client="cookie:other", at=first + datetime.timedelta(minutes=9))
    assert Visit.objects.filter(station=station).count() == 5


def test_a_closed_station_logs_nothing(keeper, make_station):
    station = make_station()
    services.set_station_status(station, Station.Status.CLOSED, by=keeper)
    with pytest.raises(RuleViolation) as refused:
        services.check_in(station, services=["water"])
    assert refused.value.code == "station_closed"
    assert not Visit.objects.exists()


def test_a_station_shut_at_this_hour_logs_nothing(make_station):
    station = make_station(hours="周一至周五 08:00-18:00")
    with pytest.raises(RuleViolation):
        services.check_in(station, at=local("2026-11-23T19:00"))
    services.check_in(station, at=local("2026-11-23T09:00"))
    assert Visit.objects.count() == 1


def test_unknown_services_are_refused(make_station):
    with pytest.raises(RuleViolation) as refused:
        services.check_in(make_station(), services=["sauna"])
    assert refused.value.field == "services"


def test_a_holiday_closure_shuts_the_station_for_its_days(keeper, make_station):
    station = make_station()
    services.add_closure(
        station, starts_on=datetime.date(2026, 10, 1), ends_on=datetime.date(2026, 10, 3), by=keeper
    )
    assert not services.is_open_at(station, local("2026-10-02T12:00"))
    assert services.is_open_at(station, local("2026-10-04T12:00"))
    with pytest.raises(RuleViolation) as refused:
        services.add_closure(
            station,
            starts_on=datetime.date(2026, 10, 5),
            ends_on=datetime.date(2026, 10, 4),
            by=keeper,
        )
    assert refused.value.field == "ends_on"


def test_closed_on_statutory_holidays_follows_the_chinese_calendar(make_station):
    station = make_station(closed_on_holidays=True)
    assert not services.is_open_at(station, local("2026-10-01T12:00"))  # 国庆节
    assert services.is_open_at(station, local("2026-11-29T12:00"))  # an ordinary Sunday


def test_the_rollup_counts_check_ins_tallies_services_and_hours(keeper, make_station):
    station = make_station()
    other = make_station()
    day = datetime.date(2026, 11, 20)
    for hour, used in ((8, ["water"]), (8, ["meal", "water"]), (12, [])):
        services.check_in(station, services=used, at=local(f"2026-11-20T{hour:02d}:15"))
    services.check_in(station, at=local("2026-11-21T00:10"))  # the next day
    with time_machine.travel(local("2026-11-22T10:00")):
        services.record_tally(station, on=day, visits=5, by=keeper)
        services.record_tally(other, on=day, visits=2, by=keeper)
    assert services.rollup_days(day, day) == 2
    row = StationDay.objects.get(station=station, on=day)
    assert (row.visits, row.checkins, row.tallied, row.water, row.meal) == (8, 3, 5, 2, 1)
    assert (row.h08, row.h12, row.h00) == (2, 1, 0)
    assert row.city_code == "410100" and row.org_id == station.org_id
    only_tallied = StationDay.objects.get(station=other, on=day)
    assert (only_tallied.visits, only_tallied.checkins) == (2, 0)
    assert services.rollup_days(day, day) == 2  # idempotent
    assert StationDay.objects.filter(on=day).count() == 2


def test_a_tally_cannot_be_for_the_future(keeper, make_station):
    with pytest.raises(RuleViolation) as refused:
        services.record_tally(
            make_station(),
            on=timezone.localdate() + datetime.timedelta(days=1),
            visits=3,
            by=keeper,
        )
    assert refused.value.field == "on"
    assert not DayTally.objects.exists()


def test_a_photo_must_really_be_an_image(keeper, make_station):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .scoping import PNG

    station = make_station()
    fake = SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", content_type="image/png")
    with pytest.raises(RuleViolation) as refused:
        services.add_photo(station, fake, by=keeper)
    assert refused.value.field == "image"
    photo = services.add_photo(
        station, SimpleUploadedFile("ok.png", PNG), caption="门口", by=keeper
    )
    assert photo.image.name.startswith(f"stations/{station.pk}/") and photo.image.name.endswith(
        ".png"
    )


# --- the nearest search ---


def test_nearest_orders_by_distance_and_filters_facilities_and_hours(make_station):
    lat, lng = HUIJI
    near = make_station(lat=lat + 0.003, lng=lng, facilities={"饮水": None})
    microwave = make_station(lat=lat + 0.006, lng=lng, facilities={"热饭": None})
    night_only = make_station(
        lat=lat + 0.001, lng=lng, hours="每天 20:00-06:00", facilities={"热饭": None}
    )
    make_station(lat=lat + 0.5, lng=lng, facilities={"热饭": None})  # 55 km away
    noon = local("2026-11-23T12:00")
    found = queries.nearest(lat, lng, k=5, at=noon)
    assert [item.station for item in found] == [near, microwave]
    assert found[0].distance_m == pytest.approx(333, abs=5)
    mask = queries.mask_of(["microwave"])
    assert [
        item.station for item in queries.nearest(lat, lng, k=5, facility_mask=mask, at=noon)
    ] == [microwave]
    at_night = local("2026-11-23T23:00")
    assert queries.nearest(lat, lng, k=1, facility_mask=mask, at=at_night)[0].station == night_only
    assert queries.nearest(lat, lng, k=5, radius_m=500, at=noon)[0].station == near
    assert len(queries.nearest(lat, lng, k=5, radius_m=500, at=noon)) == 1


def test_nearest_skips_unlisted_suspended_and_closed_for_the_day(keeper, make_station):
    lat, lng = HUIJI
    hidden = make_station(lat=lat + 0.001, lng=lng, is_published=False)
    suspended = make_station(lat=lat + 0.002, lng=lng)
    services.set_station_status(suspended, Station.Status.SUSPENDED, by=keeper)
    closed_today = make_station(lat=lat + 0.003, lng=lng)
    today = timezone.localdate()
    services.add_closure(closed_today, starts_on=today, ends_on=today, by=keeper)
    open_one = make_station(lat=lat + 0.02, lng=lng)
    found = [item.station for item in queries.nearest(lat, lng, k=3)]
    assert found == [open_one]
    assert hidden not in found


def test_nearest_widens_its_ring_until_it_has_k(make_station):
    lat, lng = HUIJI
    stations = [make_station(lat=lat + 0.01 * n, lng=lng) for n in range(1, 5)]  # 1.1 … 4.4 km
    found = queries.nearest(lat, lng, k=4, radius_m=10_000)
    assert [item.station for item in found] == stations


def test_coverage_counts_locations_within_a_kilometre(make_station):
    lat, lng = HUIJI
    make_station(lat=lat, lng=lng)
    result = queries.coverage([(lat + 0.005, lng, "410108"), (lat + 0.05, lng, "410108")])
    assert (result.points, result.covered, result.share) == (2, 1, 0.5)


def test_dead_stations_are_open_ones_without_visits_in_30_days(keeper, make_station):
    busy = make_station()
    dead = make_station()
    services.check_in(busy)
    assert list(queries.dead_stations(keeper)) == [dead]


def test_the_nightly_rollup_is_a_scheduled_job():
    from nuanjia.core import schedule

    assert "stations.nightly_rollup" in {job.name for job in schedule.jobs()}


def test_the_demo_loads_once():
    from nuanjia.stations.demo import load_demo_stations

    created = load_demo_stations()
    assert created > 30
    assert Station.objects.filter(city_code="410100").count() > 30
    assert Station.objects.filter(city_code="410200").exists()
    assert StationDay.objects.exists()
    assert load_demo_stations() == 0


# --- construction and upkeep grants: the money link ---


def test_a_grant_reserves_on_approval_and_spends_on_payment(
    funded, keeper, approver, finance, make_station
):
    from nuanjia.stations.models import StationGrant

    station = make_station()
    grant = services.propose_station_grant(
        station,
        kind="construction",
        amount_fen=3_000_000,
        purpose="新建驿站空调、微波炉",
        by=keeper,
    )
    services.approve_station_grant(grant, by=approver)
    funded.refresh_from_db()
    assert (funded.available_fen, funded.reserved_fen) == (7_000_000, 3_000_000)
    services.pay_station_grant(grant, by=finance)
    funded.refresh_from_db()
    assert (funded.reserved_fen, funded.spent_fen) == (0, 3_000_000)
    grant.refresh_from_db()
    assert grant.status == StationGrant.Status.PAID
    with pytest.raises(RuleViolation):
        services.pay_station_grant(grant, by=finance)
    funded.refresh_from_db()
    assert funded.spent_fen == 3_000_000


def test_the_proposer_cannot_approve_their_own_grant(funded, make_staff, make_station):
    from nuanjia.orgs.rules import Role

    both = make_staff("410108", Role.CASEWORKER, Role.APPROVER)
    grant = services.propose_station_grant(
        make_station(), kind="upkeep", amount_fen=100_000, purpose="水电", by=both
    )
    with pytest.raises(RuleViolation):
        services.approve_station_grant(grant, by=both)
    funded.refresh_from_db()
    assert funded.reserved_fen == 0


def test_too_little_money_refuses_the_approval(funded, keeper, approver, make_station):
    grant = services.propose_station_grant(
        make_station(), kind="construction", amount_fen=20_000_000, purpose="新建", by=keeper
    )
    with pytest.raises(RuleViolation):
        services.approve_station_grant(grant, by=approver)
    grant.refresh_from_db()
    assert grant.status == "proposed"


def test_cancelling_an_approved_grant_releases_its_money(funded, keeper, approver, make_station):
    grant = services.propose_station_grant(
        make_station(), kind="upkeep", amount_fen=500_000, purpose="维修", by=keeper
    )
    services.approve_station_grant(grant, by=approver)
    services.cancel_station_grant(grant, by=approver, reason="改由企业出资")
    funded.refresh_from_db()
    assert (funded.available_fen, funded.reserved_fen) == (10_000_000, 0)


def test_a_keepers_count_rebuilds_only_their_stations_day(keeper, make_station):
    station, other = make_station(), make_station()
    day = timezone.localdate() - datetime.timedelta(days=1)
    services.check_in(other, at=timezone.now() - datetime.timedelta(days=1))
    services.record_tally(station, on=day, visits=4, by=keeper)
    assert list(StationDay.objects.values_list("station_id", "visits")) == [(station.pk, 4)]
    assert services.rollup_days(day, day) == 2


def png_claiming(width: int, height: int) -> bytes:
    """A small, well-formed PNG of `width`×`height` black 1-bit pixels: a decompression bomb
    when the size is large (a few kilobytes that unpack to hundreds of megabytes)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\0" * (1 + (width + 7) // 8)
    pixels = zlib.compress(row * height, 9)
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("side", [9_000, 15_000])  # above our limit; above Pillow's own
def test_a_decompression_bomb_photo_is_refused_naming_the_field(keeper, make_station, side):
    from django.core.files.uploadedfile import SimpleUploadedFile

    station = make_station()
    bomb = SimpleUploadedFile("bomb.png", png_claiming(side, side), content_type="image/png")
    assert bomb.size < services.PHOTO_MAX_BYTES
    with pytest.raises(RuleViolation) as refused:
        services.add_photo(station, bomb, by=keeper)
    assert refused.value.field == "image" and refused.value.message.startswith("照片")
    assert not station.photos.exists()
