"""The breakfast pages and API: the shop's phone page (green, then red; today's count), its
paper list and own counts; the staff's daily counts per shop and city drilling down to the
meals (and their Excel), scoped; the partner and staff API."""

import datetime
import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from nuanjia.campaigns.partner_models import Meal
from nuanjia.campaigns.services import breakfasts, meal_day
from nuanjia.members.models import Device
from nuanjia.members.services import partners
from nuanjia.members.tests.conftest import last_code, texts

from .breakfast_support import LAST4, enrolled_worker, number_of, said, second_shop
from .conftest import SHOP_PHONE
from .partner_support import partner_client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("texts")]
__all__ = ["texts"]  # the members' fixture: texts kept in memory, to read the codes
SCAN_URL = "/p/campaigns/breakfast/"


def _typed(outlet, worker, last4=LAST4):
    return {"outlet": outlet.pk, "number": number_of(worker), "id_last4": last4}


def test_the_shop_scans_green_then_red_and_counts_today(
    breakfast_activity, breakfast_contract, shop
):
    partner, outlet, _person = shop
    browser, _me = partner_client(SHOP_PHONE)
    home = browser.get("/p/").content.decode()
    assert SCAN_URL in home  # the tile on the shop's home
    page = browser.get(SCAN_URL).content.decode()
    assert 'data-testid="breakfast-count"' in page and "<b>0</b>" in page
    worker = enrolled_worker(breakfast_activity, name="周环卫")

    green = browser.post(SCAN_URL, _typed(outlet, worker)).content.decode()
    assert 'class="bf-result bf-ok"' in green and 'data-status="recorded"' in green
    assert "周**" in green and "周环卫" not in green and "<b>1</b>" in green

    red = browser.post(SCAN_URL, _typed(outlet, worker)).content.decode()
    assert 'class="bf-result bf-refused"' in red and 'data-status="already"' in red
    assert "<b>1</b>" in red
    assert Meal.objects.filter(partner=partner).count() == 1

    wrong = browser.post(SCAN_URL, _typed(outlet, worker, "0000")).content.decode()
    assert 'data-status="invalid"' in wrong


def test_a_hospital_has_no_breakfast_tile(hospital):
    from nuanjia.campaigns.tests.conftest import HOSPITAL_PHONE

    browser, _me = partner_client(HOSPITAL_PHONE)
    assert SCAN_URL not in browser.get("/p/").content.decode()


def test_a_paper_list_typed_on_the_phone(breakfast_activity, breakfast_contract, shop):
    _partner, outlet, _person = shop
    browser, _me = partner_client(SHOP_PHONE)
    worker = enrolled_worker(breakfast_activity)
    day = (meal_day() - datetime.timedelta(days=1)).isoformat()
    response = browser.post(
        "/p/campaigns/breakfast/paper/",
        {"outlet": outlet.pk, "number_1": number_of(worker), "last4_1": LAST4, "day_1": day,
         "time_1": "07:20", "number_2": number_of(worker), "last4_2": LAST4, "day_2": day},
    )  # fmt: skip
    page = response.content.decode()
    assert 'data-testid="paper-result"' in page
    reason = said(
        "Already had breakfast on %(day)s (at %(time)s, %(outlet)s).",
        day=day, time="07:20", outlet="金水路店",
    )  # fmt: skip
    assert reason in page
    assert Meal.objects.filter(worker=worker).count() == 1
    counts = browser.get("/p/campaigns/breakfast/counts/").content.decode()
    assert day in counts and "<b>1</b>" in counts


def test_staff_counts_per_shop_and_city_open_their_rows_and_export(
    breakfast_activity, breakfast_contract, shop, province_planner, caseworker, login
):
    _partner, outlet, person = shop
    _other, other_outlet, other_person = second_shop(breakfast_activity, province_planner)
    huiji = [enrolled_worker(breakfast_activity, "410108") for _ in range(2)]
    kaifeng = enrolled_worker(breakfast_activity, "410204", name="开封环卫")
    for worker, (who, where) in zip(
        [*huiji, kaifeng],
        [(person, outlet), (person, outlet), (other_person, other_outlet)],
        strict=True,
    ):
        breakfasts.scan_breakfast(who, outlet=where.pk, number=number_of(worker), id_last4=LAST4)
    today = meal_day().isoformat()
    base = f"/campaigns/activities/{breakfast_activity.pk}/breakfasts/"

    browser = login(province_planner)
    per_city = browser.get(base + "?by=city").content.decode()
    assert (
        f"?day={today}&amp;city=410100" in per_city and f"?day={today}&amp;city=410200" in per_city
    )
    rows = browser.get(base + f"rows/?day={today}&city=410200").content.decode()
    assert "开封环卫" in rows
    per_shop = browser.get(base).content.decode()
    assert "洛阳早餐铺" in per_shop and "郑州爱心早餐店" in per_shop
    export = browser.get(base + f"rows/?day={today}&partner={_other.pk}&export=1")
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert sheet.max_row - 1 == 1  # the header and the one meal at 洛阳早餐铺
    assert any("开封环卫" in str(cell.value) for row in sheet.iter_rows() for cell in row)

    browser.logout()
    county = login(caseworker)  # 惠济区: its own workers' meals only
    mine = county.get(base + f"rows/?day={today}").content.decode()
    assert "开封环卫" not in mine
    api = county.get(
        f"/api/v1/campaigns/activities/{breakfast_activity.pk}/breakfasts/counts?by=city"
    )
    assert [(row["key"], row["count"]) for row in api.json()] == [("410100", 2)]
    api_rows = county.get(
        f"/api/v1/campaigns/activities/{breakfast_activity.pk}/breakfasts/rows?day={today}"
    )
    assert {row["worker_id"] for row in api_rows.json()["items"]} == {w.pk for w in huiji}


def test_the_partner_api_records_a_scan_and_refuses_the_second(
    breakfast_activity, breakfast_contract, shop
):
    _partner, outlet, _person = shop
    partners.send_partner_code(SHOP_PHONE, ip="10.1.1.2", text="code %(code)s %(minutes)d")
    _user, raw = partners.partner_sign_in(SHOP_PHONE, last_code(SHOP_PHONE), kind=Device.Kind.API)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    worker = enrolled_worker(breakfast_activity)
    body = {"number": number_of(worker), "id_last4": LAST4, "outlet": outlet.pk}
    first = api.post("/api/v1/partner/breakfast", body, content_type="application/json").json()
    assert first["recorded"] is True and first["status"] == "recorded" and first["meal_id"]
    second = api.post("/api/v1/partner/breakfast", body, content_type="application/json").json()
    assert (second["recorded"], second["status"]) == (False, "already")
    assert second["first_outlet"] == "金水路店"
    counts = api.get("/api/v1/partner/breakfast/counts").json()
    assert [(row["label"], row["count"]) for row in counts] == [("金水路店", 1)]
    refused = api.post("/api/v1/partner/breakfast", {"outlet": outlet.pk},
                       content_type="application/json")  # fmt: skip
    assert refused.status_code == 400 and refused.json()["field"] == "code"


@pytest.mark.django_db
def test_the_shop_downloads_the_paper_sheet_to_fill_in(shop):
    browser, _me = partner_client(SHOP_PHONE)
    page = browser.get("/p/campaigns/breakfast/paper/").content.decode()
    assert 'data-testid="paper-template"' in page
    sheet = browser.get("/p/campaigns/breakfast/paper/template.xlsx")
    assert sheet.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(sheet.streaming_content)))
    headings = [cell.value for row in book.active.iter_rows(max_row=3) for cell in row]
    assert any("会员号" in str(value) for value in headings if value)
