"""The partner programmes' figures (health checks, breakfasts, trips, money per partner and
month): every figure, per union, partner, outlet, city, day or trip, adds up to its total and
drills down to exactly the rows it counts; another city's rows count nowhere for a city."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext as _

from conftest import verified_login
from nuanjia.campaigns import figures_partners as pf
from nuanjia.campaigns.partner_models import PartnerContract
from nuanjia.campaigns.rules import BookingStatus, NominationStatus, SettlementStatus
from nuanjia.core import clock
from nuanjia.funds.models import Earmark
from nuanjia.members.models import Partner
from nuanjia.orgs.models import Org

from .partner_figures_support import check, meal, nomination, settlement, trip
from .partner_support import partner_with_outlet

pytestmark = pytest.mark.django_db

B, D, N = BookingStatus.BOOKED, BookingStatus.DONE, BookingStatus.NO_SHOW
MARCH = datetime.date(2026, 3, 1)


def org(code):
    return Org.objects.get(code=code)


def second_partner(activity, by, *, kind, name, outlet, phone, price_fen, paid_by="410100"):
    """Another partner with a contract paid by 郑州 (a city's own contract)."""
    partner, place, _person = partner_with_outlet(
        by, org=org(paid_by), name=name, kind=kind, outlet=outlet, phone=phone
    )
    contract = PartnerContract.objects.create(
        activity=activity,
        partner=partner,
        org=org(paid_by),
        earmark=Earmark.objects.get(code="warmth"),
        price_fen=price_fen,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2027, 2, 28),
        payee_name=name,
        bank_name="中国银行",
        account_encrypted="x",
        account_masked="6222****0001",
    )
    return partner, place, contract


def assert_adds_up(activity, at, by, filters=None):
    """Every line's every figure is the count of its drill-down rows; lines add up to the
    total; the total is the count of the rows of the whole subtree."""
    table = pf.partner_table(activity, at, by, filters or {})
    for measure in table.programme.measures:
        key = measure.key
        assert sum(line.values[key] for line in table.lines) == table.total[key], (by, key)
        whole = pf.figure_rows(activity, key, at, filters or {})
        assert whole.count() == table.total[key]
        for line in table.lines:
            drill = dict(filters or {}) | line.filters
            line_at = org(drill.pop("at")) if "at" in drill else at
            rows = pf.figure_rows(activity, key, line_at, drill)
            assert rows.count() == line.values[key], (by, key, line.label)
    return table


# ---- health checks ---------------------------------------------------------------------------


@pytest.fixture
def checks(places_activity, health_check_contract, hospital, province_planner):
    """Hospital A (the province's contract) and hospital B (郑州's); bookings in 惠济区,
    中原区, 郑州 itself, 开封 鼓楼区 and the province itself."""
    a, a_outlet, _person = hospital
    b, b_outlet, b_contract = second_partner(
        places_activity, province_planner, kind=Partner.Kind.HOSPITAL, name="郑州市中心医院",
        outlet="体检中心", phone="13700004444", price_fen=20_000,
    )  # fmt: skip
    rows = [
        *(check(places_activity, "410108", a, a_outlet, D) for _ in range(2)),
        check(places_activity, "410108", a, a_outlet, B),
        check(places_activity, "410108", a, a_outlet, N, no_shows=1),
        check(places_activity, "410108", a, a_outlet, B, no_shows=1),  # booked again
        check(places_activity, "410108", a, a_outlet, BookingStatus.CANCELLED),
        check(places_activity, "410102", b, b_outlet, D),
        check(places_activity, "410102", b, b_outlet, B),
        check(places_activity, "410100", a, a_outlet, D),
        *(check(places_activity, "410204", a, a_outlet, D) for _ in range(2)),
        check(places_activity, "410204", a, a_outlet, N, no_shows=1),
        check(places_activity, "410000", b, None, B),
        check(places_activity, "410102", None, None, B),  # no hospital chosen yet
    ]
    return {"a": a, "b": b, "b_contract": b_contract, "rows": rows}


def test_checks_per_union_roll_up_to_the_unions_right_below(places_activity, checks):
    province = assert_adds_up(places_activity, org("410000"), "union")
    per_union = {line.filters["at"]: line.values for line in province.lines}
    assert per_union["410100"] == {
        "booked": 9, "done": 4, "no_show": 1, "waiting": 4, "reinvited": 2,
    }  # fmt: skip
    assert per_union["410200"] == {
        "booked": 3, "done": 2, "no_show": 1, "waiting": 0, "reinvited": 1,
    }  # fmt: skip
    assert per_union["410000"]["booked"] == 1  # the province's own row, listed first
    assert province.lines[0].filters == {"at": "410000", "own": "1"}
    assert province.total["booked"] == 13  # the cancelled booking counts nowhere
    city = assert_adds_up(places_activity, org("410100"), "union")
    assert {line.filters["at"]: line.values["booked"] for line in city.lines} == {
        "410100": 1,
        "410108": 5,
        "410102": 3,
    }


def test_checks_per_hospital_and_outlet(places_activity, checks):
    table = assert_adds_up(places_activity, org("410000"), "partner")
    per_partner = {line.label: line.values["booked"] for line in table.lines}
    unnamed = str(_("No partner recorded"))
    assert per_partner == {"郑州市第一人民医院": 9, "郑州市中心医院": 3, unnamed: 1}
    assert assert_adds_up(places_activity, org("410100"), "outlet").total["done"] == 4
    drill = pf.figure_rows(places_activity, "booked", org("410000"), {"partner": pf.NONE})
    assert drill.count() == 1


def test_the_checks_pages_drill_down_and_export_what_the_figures_count(
    places_activity, checks, city_caseworker
):
    from openpyxl import load_workbook

    client = Client()
    verified_login(client, city_caseworker)
    url = reverse("campaigns:partner_figures", args=[places_activity.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert dict(page.context["totals"]) == {
        "booked": 9, "done": 4, "no_show": 1, "waiting": 4, "reinvited": 2,
    }  # fmt: skip
    rows_url = reverse("campaigns:partner_figure_rows", args=[places_activity.pk])
    for line, cells in page.context["lines"]:
        for key, value in cells:
            params = {"measure": key, "at": "410100"} | line.filters
            drill = client.get(rows_url, params)
            assert drill.status_code == 200
            assert drill.context["page"].paginator.count == value, (line.label, key)
    assert 'href="/campaigns/activities/' in page.content.decode()
    export = client.get(rows_url, {"measure": "booked", "at": "410100", "export": 1})
    sheet = load_workbook(_file(export)).active
    assert sheet.max_row == 1 + 9
    table = client.get(url, {"by": "partner", "export": 1})
    sheet = load_workbook(_file(table)).active
    assert [cell.value for cell in sheet[sheet.max_row]][1] == 9  # the total line
    assert client.get(rows_url, {"measure": "booked", "at": "410200"}).status_code == 404
    assert client.get(rows_url, {"measure": "cash"}).status_code == 404
    assert client.get(url, {"by": "trip"}).status_code == 404


def _file(response):
    import io

    assert response.status_code == 200, response.status_code
    return io.BytesIO(b"".join(response.streaming_content))


def test_a_visit_activity_has_no_partner_figures(visit_activity, city_caseworker):
    client = Client()
    verified_login(client, city_caseworker)
    url = reverse("campaigns:partner_figures", args=[visit_activity.pk])
    assert client.get(url).status_code == 404
    activity_page = client.get(reverse("campaigns:activity", args=[visit_activity.pk]))
    assert url not in activity_page.content.decode()


def test_the_activity_tabs_link_the_partner_figures(places_activity, city_caseworker):
    client = Client()
    verified_login(client, city_caseworker)
    page = client.get(reverse("campaigns:activity_figures", args=[places_activity.pk]))
    text = page.content.decode()
    assert reverse("campaigns:partner_figures", args=[places_activity.pk]) in text
    assert reverse("campaigns:partner_money", args=[places_activity.pk]) in text


# ---- breakfasts ------------------------------------------------------------------------------


@pytest.fixture
def meals(breakfast_activity, breakfast_contract, shop, province_planner):
    """Shop A (金水路店) and shop B with two outlets; meals this month and last month."""
    a, a_outlet, _person = shop
    b, b_one, b_contract = second_partner(
        breakfast_activity, province_planner, kind=Partner.Kind.SHOP, name="中原爱心早餐店",
        outlet="建设路店", phone="13700005555", price_fen=600,
    )  # fmt: skip
    from nuanjia.members.services import partners

    b_two = partners.add_outlet(b, name="桐柏路店", by=province_planner)
    today = clock.today()
    first = today.replace(day=1)
    second = first + datetime.timedelta(days=1)
    last_month = first - datetime.timedelta(days=3)
    rows = [
        meal(breakfast_activity, "410108", a, a_outlet, first),
        meal(breakfast_activity, "410108", a, a_outlet, first),
        meal(breakfast_activity, "410108", a, a_outlet, second),
        meal(breakfast_activity, "410102", b, b_one, first),
        meal(breakfast_activity, "410102", b, b_two, second),
        meal(breakfast_activity, "410204", a, a_outlet, first),
        meal(breakfast_activity, "410000", a, a_outlet, second),
        meal(breakfast_activity, "410108", b, b_one, last_month),  # not this month
    ]
    return {"a": a, "b": b, "first": first, "second": second, "last_month": last_month,
            "rows": rows, "b_contract": b_contract}  # fmt: skip


def test_breakfasts_per_day_shop_and_city_add_up(breakfast_activity, meals):
    province = org("410000")
    month = pf.this_month_by_default({})
    for by in ("shop_day", "shop", "city_day", "city", "day", "union"):
        table = assert_adds_up(breakfast_activity, province, by, month)
        assert table.total["meals"] == 7, by
    per_city = {
        line.filters["city"]: line.values["meals"]
        for line in pf.partner_table(breakfast_activity, province, "city", month).lines
    }
    assert per_city == {"": 1, "410100": 5, "410200": 1}
    per_shop_day = {
        (line.filters["day"], line.label.split(" · ", 2)[2]): line.values["meals"]
        for line in pf.partner_table(breakfast_activity, province, "shop_day", month).lines
    }
    first, second = meals["first"].isoformat(), meals["second"].isoformat()
    assert per_shop_day == {
        (first, "金水路店"): 3,
        (first, "建设路店"): 1,
        (second, "金水路店"): 2,
        (second, "桐柏路店"): 1,
    }
    every_day = {"from": meals["last_month"], "to": meals["second"]}
    assert assert_adds_up(breakfast_activity, province, "city", every_day).total["meals"] == 8
    city = assert_adds_up(breakfast_activity, org("410100"), "city", month)
    assert [(line.label, line.values["meals"]) for line in city.lines] == [("郑州市总工会", 5)]


def test_the_breakfast_page_shows_this_month_by_default_and_any_range(
    breakfast_activity, meals, city_caseworker
):
    client = Client()
    verified_login(client, city_caseworker)
    url = reverse("campaigns:partner_figures", args=[breakfast_activity.pk])
    page = client.get(url)
    assert page.status_code == 200 and page.context["by"] == "shop_day"
    assert dict(page.context["totals"]) == {"meals": 5}
    wider = client.get(url, {"by": "city", "from": meals["last_month"].isoformat()})
    assert dict(wider.context["totals"]) == {"meals": 6}
    rows_url = reverse("campaigns:partner_figure_rows", args=[breakfast_activity.pk])
    for line, cells in page.context["lines"]:
        params = {"measure": "meals", "at": "410100"} | page.context["line_base"] | line.filters
        drill = client.get(rows_url, params)
        assert drill.context["page"].paginator.count == dict(cells)["meals"]
    drill = client.get(rows_url, {"measure": "meals", "at": "410100"})
    assert drill.context["page"].paginator.count == 5  # this month too
    assert client.get(url, {"from": "2026-13-01"}).status_code == 404


# ---- trips -----------------------------------------------------------------------------------


@pytest.fixture
def nominations(trip_contract):
    first = trip(trip_contract, places=10, taken=5)
    second = trip(trip_contract, name="嵩山疗休养第二期", places=8, taken=1)
    S = NominationStatus
    rows = [
        nomination(first, "410108", S.NOMINATED),
        nomination(first, "410108", S.APPROVED),
        nomination(first, "410108", S.ATTENDED),
        nomination(first, "410102", S.ABSENT),
        nomination(first, "410102", S.WITHDRAWN),
        nomination(first, "410204", S.ATTENDED),
        nomination(second, "410102", S.ATTENDED),
    ]
    return {"first": first, "second": second, "rows": rows}


def test_trip_nominations_per_union_and_trip(trip_activity, nominations):
    province = assert_adds_up(trip_activity, org("410000"), "union")
    assert province.total == {"nominated": 6, "approved": 5, "attended": 3, "waiting": 1}
    per_union = {line.filters["at"]: line.values for line in province.lines}
    assert per_union["410100"] == {"nominated": 5, "approved": 4, "attended": 2, "waiting": 1}
    per_trip = assert_adds_up(trip_activity, org("410100"), "trip")
    assert {line.filters["trip"]: line.values["attended"] for line in per_trip.lines} == {
        str(nominations["first"].pk): 1,
        str(nominations["second"].pk): 1,
    }
    assert_adds_up(trip_activity, org("410100"), "partner")
    assert pf.trip_totals(trip_activity) == {"trips": 2, "places": 18, "taken": 6}


def test_the_trip_page_and_the_api(trip_activity, nominations, city_caseworker):
    client = Client()
    verified_login(client, city_caseworker)
    page = client.get(reverse("campaigns:partner_figures", args=[trip_activity.pk]))
    assert page.status_code == 200 and dict(page.context["totals"])["nominated"] == 5
    assert 'data-testid="trip-totals"' in page.content.decode()
    base = f"/api/v1/campaigns/activities/{trip_activity.pk}/partner-figures"
    found = client.get(base).json()
    assert found["at"] == "410100" and found["total"]["attended"] == 2
    assert found["trips"] == {"trips": 2, "places": 18, "taken": 6}
    for line in found["lines"]:
        for key, value in line["values"].items():
            rows = client.get(f"{base}/rows", {"measure": key, **line["filters"]}).json()
            assert rows["count"] == value
    rows = client.get(f"{base}/rows", {"measure": "attended"}).json()
    assert {row["partner_id"] for row in rows["items"]} == {
        nominations["first"].contract.partner_id
    }
    assert client.get(f"{base}/rows", {"measure": "meals"}).status_code == 400
    assert client.get(base, {"by": "city"}).status_code == 400
    assert client.get(base, {"at": "410200"}).status_code == 400


# ---- money -----------------------------------------------------------------------------------


def test_money_per_partner_and_month_adds_up_to_its_settlements_and_pending_rows(
    places_activity, checks, health_check_contract
):
    a, b_contract = checks["a"], checks["b_contract"]
    S = SettlementStatus
    march = settlement(health_check_contract, MARCH, 3, S.PAID)
    settlement(health_check_contract, datetime.date(2026, 4, 1), 2, S.CONFIRMED)
    settlement(health_check_contract, datetime.date(2026, 5, 1), 4, S.CANCELLED)
    settlement(b_contract, MARCH, 1, S.APPROVED)
    done_a = [row for row in checks["rows"] if row.partner_id == a.pk and row.status == D]
    for row in done_a[:3]:
        row.settlement = march
        row.save()
    lines, total = pf.money_table(places_activity, org("410000"))
    per_key = {(line.partner, line.month): line.values for line in lines}
    a_march = per_key[("郑州市第一人民医院", MARCH)]
    assert a_march["units"] == 3 and a_march["paid"] == 3 * 26_000 == a_march["amount"]
    assert a_march["unsettled_units"] == 2  # 5 done at A in March, 3 settled
    assert a_march["unsettled_amount"] == 2 * 26_000
    assert per_key[("郑州市第一人民医院", datetime.date(2026, 4, 1))]["confirmed"] == 52_000
    assert per_key[("郑州市中心医院", MARCH)] == {
        "units": 1, "amount": 20_000, "prepared": 0, "confirmed": 0, "approved": 20_000,
        "paid": 0, "unsettled_units": 1, "unsettled_amount": 20_000,
    }  # fmt: skip
    assert total["units"] == 6 and total["unsettled_units"] == 3
    for line in lines:
        month = line.month.strftime("%Y-%m")
        filters = pf.parse_filters({"partner": str(line.partner_id), "month": month})
        settled = pf.settlement_rows(places_activity, org("410000"), filters)
        assert sum(row.units for row in settled) == line.values["units"]
        assert sum(row.amount_fen for row in settled) == line.values["amount"]
        pending = pf.unsettled_rows(places_activity, org("410000"), filters)
        assert pending.count() == line.values["unsettled_units"]
    # 郑州 pays B's settlements only; it sees its members' pending checks at A and B.
    lines, total = pf.money_table(places_activity, org("410100"))
    assert total["units"] == 1 and total["unsettled_units"] == 1  # 中原区's check at B


def test_the_money_page_and_its_rows(
    places_activity, checks, health_check_contract, city_caseworker
):
    from openpyxl import load_workbook

    settlement(checks["b_contract"], MARCH, 1, SettlementStatus.PREPARED)
    settlement(health_check_contract, MARCH, 5, SettlementStatus.PAID)  # the province pays
    client = Client()
    verified_login(client, city_caseworker)
    url = reverse("campaigns:partner_money", args=[places_activity.pk])
    page = client.get(url)
    assert page.status_code == 200
    totals = {key: value for key, value, _unit in page.context["totals"]}
    assert totals["units"] == 1 and totals["prepared"] == 20_000 and totals["paid"] == 0
    rows_url = reverse("campaigns:partner_money_rows", args=[places_activity.pk])
    settled = client.get(rows_url, {"measure": "settled", "status": "prepared"})
    assert settled.context["page"].paginator.count == 1
    pending = client.get(rows_url, {"measure": "unsettled"})
    assert pending.context["page"].paginator.count == totals["unsettled_units"] == 4
    sheet = load_workbook(_file(client.get(url, {"export": 1}))).active
    assert sheet.max_row == 1 + 2 + 1  # header, A and B in March, the total
    export = client.get(rows_url, {"measure": "settled", "export": 1})
    assert load_workbook(_file(export)).active.max_row == 2
    base = f"/api/v1/campaigns/activities/{places_activity.pk}/partner-figures/money"
    found = client.get(base).json()
    assert found["total"]["prepared"] == 20_000
    assert client.get(f"{base}/settlements").json()["count"] == 1
    assert client.get(f"{base}/unsettled").json()["count"] == 4
    assert client.get(f"{base}/settlements", {"status": "x"}).status_code == 400
    assert client.get(f"{base}/unsettled", {"month": "March"}).status_code == 400


def test_breakfast_and_trip_money_count_meals_and_trip_goers(
    breakfast_activity, meals, trip_activity, nominations, breakfast_contract
):
    lines, total = pf.money_table(breakfast_activity, org("410000"))
    assert total["unsettled_units"] == 8
    assert total["unsettled_amount"] == 5 * 800 + 3 * 600
    lines, total = pf.money_table(trip_activity, org("410000"))
    assert total["unsettled_units"] == 3 and total["unsettled_amount"] == 3 * 180_000
    assert [line.month for line in lines] == [datetime.date(2026, 4, 1)]


# ---- scoping and scale -----------------------------------------------------------------------


def test_a_county_counts_only_its_own_subtree(
    places_activity, checks, health_check_contract, caseworker
):
    """惠济区 sees its 5 checks: not 中原区's, 郑州's own, 开封's or the province's; not the
    settlements the province or 郑州 pays; no union above it."""
    settlement(health_check_contract, MARCH, 2, SettlementStatus.PAID)
    client = Client()
    verified_login(client, caseworker)
    url = reverse("campaigns:partner_figures", args=[places_activity.pk])
    page = client.get(url)
    assert dict(page.context["totals"])["booked"] == 5
    for by in ("partner", "outlet"):
        assert dict(client.get(url, {"by": by}).context["totals"])["booked"] == 5
    assert "郑州市中心医院" not in client.get(url, {"by": "partner"}).content.decode()
    assert client.get(url, {"at": "410100"}).status_code == 404
    rows_url = reverse("campaigns:partner_figure_rows", args=[places_activity.pk])
    assert client.get(rows_url, {"measure": "booked"}).context["page"].paginator.count == 5
    assert client.get(rows_url, {"measure": "booked", "at": "410000"}).status_code == 404
    money = client.get(reverse("campaigns:partner_money", args=[places_activity.pk]))
    totals = {key: value for key, value, _unit in money.context["totals"]}
    assert totals["units"] == 0 and totals["unsettled_units"] == 2
    base = f"/api/v1/campaigns/activities/{places_activity.pk}/partner-figures"
    assert client.get(base).json()["total"]["booked"] == 5
    assert client.get(f"{base}/rows", {"measure": "booked"}).json()["count"] == 5
    assert client.get(f"{base}/rows", {"measure": "booked", "at": "410100"}).status_code == 400
    assert client.get(f"{base}/money/settlements").json()["count"] == 0


def test_the_figures_take_the_same_number_of_queries_however_many_rows(
    places_activity, health_check_contract, hospital
):
    """Aggregated in SQL: ten times the rows, no more queries (per union, per hospital)."""
    a, a_outlet, _person = hospital
    codes = ("410108", "410102", "410204", "410100")

    def add(n):
        for i in range(n):
            check(places_activity, codes[i % 4], a, a_outlet, (B, D, N)[i % 3], no_shows=i % 2)

    def queries_for(by):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            pf.partner_table(places_activity, org("410000"), by)
            pf.money_table(places_activity, org("410000"))
        return len(captured)

    add(4)
    few = {by: queries_for(by) for by in ("union", "partner", "outlet")}
    add(40)
    assert {by: queries_for(by) for by in ("union", "partner", "outlet")} == few
    assert pf.partner_table(places_activity, org("410000"), "union").total["booked"] == 44


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_many_unions_and_partners_every_figure_is_its_rows(
    seed, places_activity, health_check_contract, hospital, province_planner
):
    """Rows spread by a fixed pseudo-random rule over eight unions at three levels and three
    hospitals (one with two outlets, one with none recorded): at every union looked at and
    every grouping, each figure equals its drill-down's count and the lines add up."""
    import random

    from nuanjia.members.services import partners

    picker = random.Random(seed)
    a, a_outlet, _person = hospital
    b, b_outlet, _contract = second_partner(
        places_activity, province_planner, kind=Partner.Kind.HOSPITAL, name="郑州市中心医院",
        outlet="体检中心", phone="13700004444", price_fen=20_000,
    )  # fmt: skip
    a_two = partners.add_outlet(a, name="东院区", by=province_planner)
    places = [(a, a_outlet), (a, a_two), (b, b_outlet), (b, None), (None, None)]
    codes = ["410000", "410100", "410108", "410102", "410200", "410204", "410300", "410108"]
    codes = [code for code in codes if Org.objects.filter(code=code).exists()]
    for _row in range(60):
        partner, outlet = picker.choice(places)
        status = picker.choice([B, D, N, BookingStatus.CANCELLED])
        check(
            places_activity, picker.choice(codes), partner, outlet, status,
            no_shows=picker.choice([0, 0, 1]),
        )  # fmt: skip
    grand = pf.partner_table(places_activity, org("410000"), "union").total
    assert grand["booked"] == grand["done"] + grand["no_show"] + grand["waiting"]
    for code in {"410000", "410100", "410200", "410108"} & set(codes):
        for by in ("union", "partner", "outlet"):
            assert_adds_up(places_activity, org(code), by)


def _links(html):
    """(href, number shown) of every figure cell linking to its rows."""
    import html as entities
    import re

    found = re.findall(r'<a href="([^"]*partner-figures/rows/[^"]*)"[^>]*>(\d+)</a>', html)
    return [(entities.unescape(href), int(value)) for href, value in found]


@pytest.mark.parametrize("by", ["shop_day", "city", "union"])
def test_every_breakfast_figure_on_the_page_links_to_as_many_rows(
    by, breakfast_activity, meals, city_caseworker
):
    client = Client()
    verified_login(client, city_caseworker)
    url = reverse("campaigns:partner_figures", args=[breakfast_activity.pk])
    page = client.get(url, {"by": by, "from": meals["last_month"].isoformat()})
    links = _links(page.content.decode())
    assert len(links) >= 2  # the lines and the total
    for href, shown in links:
        assert client.get(href).context["page"].paginator.count == shown, href


def test_every_check_figure_on_the_page_links_to_as_many_rows(
    places_activity, checks, city_caseworker
):
    client = Client()
    verified_login(client, city_caseworker)
    url = reverse("campaigns:partner_figures", args=[places_activity.pk])
    for by in ("union", "partner", "outlet"):
        links = _links(client.get(url, {"by": by}).content.decode())
        assert len(links) > 5
        for href, shown in links:
            assert client.get(href).context["page"].paginator.count == shown, href


def test_per_trip_every_trip_shows_with_its_places(
    trip_activity, trip_contract, nominations, city_caseworker
):
    """A trip nobody of 郑州 is nominated for still shows, with its places and zeros."""
    later = trip(trip_contract, name="嵩山疗休养第三期", places=6, taken=0)
    table = assert_adds_up(trip_activity, org("410100"), "trip")
    assert [
        (line.filters["trip"], line.trip, line.values["nominated"]) for line in table.lines
    ] == [
        (str(nominations["first"].pk), {"places": 10, "taken": 5}, 4),
        (str(nominations["second"].pk), {"places": 8, "taken": 1}, 1),
        (str(later.pk), {"places": 6, "taken": 0}, 0),
    ]
    client = Client()
    verified_login(client, city_caseworker)
    page = client.get(reverse("campaigns:partner_figures", args=[trip_activity.pk]), {"by": "trip"})
    assert "嵩山疗休养第三期" in page.content.decode()
    base = f"/api/v1/campaigns/activities/{trip_activity.pk}/partner-figures"
    lines = client.get(base, {"by": "trip"}).json()["lines"]
    assert [line["trip"]["places"] for line in lines] == [10, 8, 6]


def test_the_breakfast_api_takes_a_date_range_this_month_by_default(
    breakfast_activity, meals, city_caseworker
):
    client = Client()
    verified_login(client, city_caseworker)
    base = f"/api/v1/campaigns/activities/{breakfast_activity.pk}/partner-figures"
    found = client.get(base, {"by": "city"}).json()
    assert found["from_day"] == meals["first"].isoformat() and found["total"] == {"meals": 5}
    wider = client.get(base, {"by": "day", "from_day": meals["last_month"].isoformat()}).json()
    assert wider["total"] == {"meals": 6} and wider["to_day"] is None
    for line in wider["lines"]:
        params = {"measure": "meals", "from_day": meals["last_month"].isoformat()}
        rows = client.get(f"{base}/rows", params | line["filters"]).json()
        assert rows["count"] == line["values"]["meals"]
        assert {row["day"] for row in rows["items"]} == {line["filters"]["day"]}
    refused = client.get(base, {"to_day": "31.12.2026"})
    assert refused.status_code == 400 and "to_day" in refused.content.decode()
