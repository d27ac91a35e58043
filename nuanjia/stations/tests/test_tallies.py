"""Keepers' day counts in bulk (services.tallies.record_tallies): the same rules as one count,
all or nothing with the bad row named, one audit event and the days rolled up."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.stations import services
from nuanjia.stations.imports_tallies import import_tallies
from nuanjia.stations.models import DayTally, StationDay
from nuanjia.stations.services.tallies import TallyRow, record_tallies

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def facilities():
    services.seed_facilities()  # the catalogue its migration seeds (idempotent)


def _days(count: int) -> list[datetime.date]:
    today = timezone.localdate()
    return [today - datetime.timedelta(days=back) for back in range(count)]


def test_a_month_of_counts_for_many_stations_is_recorded_and_rolled_up(keeper, make_station):
    stations = [make_station() for _ in range(3)]
    rows = [TallyRow(s.pk, day, 10 + n) for n, s in enumerate(stations) for day in _days(30)]
    assert record_tallies(rows, by=keeper, source="十一月统计表.xlsx") == 90
    assert DayTally.objects.count() == 90
    days = StationDay.objects.filter(station__in=stations)
    assert days.count() == 90
    assert sum(days.values_list("visits", flat=True)) == 30 * (10 + 11 + 12)
    event = AuditEvent.objects.get(action="station.tallies")
    assert event.changes["rows"] == 90 and event.changes["visits"] == 30 * 33


def test_a_count_replaces_the_one_of_its_station_and_day(keeper, make_station):
    station = make_station()
    day = timezone.localdate()
    record_tallies([TallyRow(station.pk, day, 7)], by=keeper)
    record_tallies([TallyRow(station.pk, day, 4)], by=keeper)
    assert list(DayTally.objects.values_list("visits", flat=True)) == [4]
    assert StationDay.objects.get(station=station, on=day).visits == 4


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"on": timezone.localdate() + datetime.timedelta(days=1)}, "不能是将来的日期"),
        ({"visits": 100_001}, "0 至 100000"),
        ({"station_id": 0}, ""),  # its wording is new (i18n-demobulk.tsv)
    ],
)
def test_one_bad_row_refuses_the_set_and_names_the_row(keeper, make_station, bad, message):
    station = make_station()
    good = TallyRow(station.pk, timezone.localdate(), 5, line=3)
    wrong = TallyRow(**{"station_id": station.pk, "on": good.on, "visits": 1, "line": 4, **bad})
    with pytest.raises(RuleViolation) as refused:
        record_tallies([good, wrong], by=keeper)
    assert refused.value.message.startswith("第4行：") and message in refused.value.message
    assert not DayTally.objects.exists() and not StationDay.objects.exists()
    assert not AuditEvent.objects.filter(action="station.tallies").exists()


def test_a_keeper_cannot_count_another_unions_station(keeper, make_station):
    elsewhere = make_station(org_code="410204", region_code="410204", lat=34.79, lng=114.35)
    with pytest.raises(RuleViolation) as refused:
        record_tallies([TallyRow(elsewhere.pk, timezone.localdate(), 5, line=2)], by=keeper)
    assert refused.value.field == "visits"
    assert not DayTally.objects.exists()


def test_the_same_station_and_day_twice_is_refused(keeper, make_station):
    station = make_station()
    day = timezone.localdate()
    with pytest.raises(RuleViolation):
        record_tallies(
            [TallyRow(station.pk, day, 1, 2), TallyRow(station.pk, day, 2, 3)], by=keeper
        )
    assert not DayTally.objects.exists()


def _sheet(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = "驿站来访统计"
    sheet.append(["站点编码", "日期", "来访人次"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_the_tally_sheet_records_every_row_at_once(keeper, make_station):
    first, second = make_station(code="ZZ-08-101"), make_station(code="ZZ-08-102")
    day = timezone.localdate().isoformat()
    result = import_tallies(
        _sheet([["ZZ-08-101", day, "12"], ["zz-08-102", day, "30"]]), by=keeper, file_name="t.xlsx"
    )
    assert not result.errors
    assert StationDay.objects.get(station=first).visits == 12
    assert StationDay.objects.get(station=second).visits == 30


def test_a_bad_row_of_the_sheet_is_named_and_nothing_is_written(keeper, make_station):
    make_station(code="ZZ-08-101")
    day = timezone.localdate().isoformat()
    result = import_tallies(
        _sheet(
            [["ZZ-08-101", day, "12"], ["ZZ-99-999", day, "3"], ["ZZ-08-101", "2026-13-01", "1"]]
        ),
        by=keeper,
    )
    messages = [str(error) for error in result.errors]
    assert any(message.startswith("第3行") and "站点编码" in message for message in messages)
    assert any(message.startswith("第4行") and "日期" in message for message in messages)
    assert not DayTally.objects.exists()


def test_a_keeper_uploads_the_tally_sheet_on_its_page(login, keeper, make_station):
    station = make_station(code="ZZ-08-101")
    client = login(keeper)
    page = client.get(reverse("stations:tally_import"))
    assert page.status_code == 200 and "站点编码" in page.content.decode()
    day = timezone.localdate().isoformat()
    response = client.post(
        reverse("stations:tally_import"),
        {"file": _sheet([["ZZ-08-101", day, "25"]]), "mode": "all_or_nothing"},
    )
    assert response.context["result"].committed
    assert StationDay.objects.get(station=station).visits == 25
    template = client.get(reverse("stations:tally_import_template"))
    assert template.status_code == 200 and template["Content-Type"].startswith("application/")


def test_the_page_lists_bad_rows_and_writes_nothing(login, keeper, make_station):
    make_station(code="ZZ-08-101")
    response = login(keeper).post(
        reverse("stations:tally_import"),
        {"file": _sheet([["ZZ-08-101", "2026-13-01", "25"]]), "mode": "all_or_nothing"},
    )
    assert "第2行" in response.content.decode() or "第 2 行" in response.content.decode()
    assert not DayTally.objects.exists()


def test_the_tally_sheet_through_the_api(login, keeper, make_station):
    station = make_station(code="ZZ-08-101")
    client = login(keeper)
    day = timezone.localdate().isoformat()
    sheet = _sheet([["ZZ-08-101", day, "40"]])
    sheet.name = "统计.xlsx"
    answer = client.post("/api/v1/stations/tallies/import", {"file": sheet})
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"committed": True, "total": 1, "written": 1, "errors": []}
    assert StationDay.objects.get(station=station).visits == 40
    bad = _sheet([["ZZ-08-101", day, "-1"]])
    bad.name = "统计.xlsx"
    refused = client.post("/api/v1/stations/tallies/import", {"file": bad})
    assert refused.status_code == 400 and refused.json()["field"] == "file"
    assert refused.json()["message"].startswith("第2行")
    assert StationDay.objects.get(station=station).visits == 40
    missing = client.post("/api/v1/stations/tallies/import", {})
    assert missing.status_code == 400 and missing.json()["field"] == "file"
