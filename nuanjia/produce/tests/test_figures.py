"""The figures: city roll-ups equal the rows to the gram and the fen (hypothesis), each figure
opens the rows behind it, the page and its Excel, the API."""

import datetime
import io

import openpyxl
import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import verified_login
from nuanjia.orgs.models import Org
from nuanjia.produce import figures
from nuanjia.produce.models import HelpOrder, OrderLine, Producer, Product

from .conftest import COUNTY, warmth

pytestmark = pytest.mark.django_db

CITIES = ["410100", "410200", "411600"]
COUNTIES = [COUNTY, "411623", "410522"]
LINE = st.tuples(
    st.sampled_from(CITIES),
    st.sampled_from(COUNTIES),
    st.integers(1, 12),
    st.integers(1, 10**9),  # grams
    st.integers(0, 10**9),  # fen
    st.booleans(),  # paid
)


def _rows(lines) -> None:
    """Order lines written with the ORM (the services are tested elsewhere): one order per
    city, each line with its own county, month, grams and fen."""
    org = {code: Org.objects.get(code=code) for code in CITIES}
    producer = Producer.objects.create(
        org=org["410100"], kind="farmer", name="p", region_code=COUNTY
    )
    product = Product.objects.create(
        producer=producer, name="菜", unit="jin", grams=500, price_fen=1
    )
    orders = {
        code: HelpOrder.objects.create(
            org=org[code], producer=producer, earmark=warmth(), ordered_on=datetime.date(2026, 1, 1)
        )
        for code in CITIES
    }
    OrderLine.objects.bulk_create(
        OrderLine(
            order=orders[city], product=product, units=1, price_fen=fen, grams=grams,
            amount_fen=fen, org=org[city], city=city, county=county,
            month=datetime.date(2026, month, 1), arrived=True, paid=paid,
        )
        for city, county, month, grams, fen, paid in lines
    )  # fmt: skip


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=st.lists(LINE, min_size=1, max_size=30))
def test_city_rollups_equal_the_rows_to_the_gram_and_fen(tree, lines):
    OrderLine.objects.all().delete()
    HelpOrder.objects.all().delete()
    Product.objects.all().delete()
    Producer.objects.all().delete()
    _rows(lines)
    by_city = {f.key[0]: f for f in figures.figures(None, ["city"])}
    fine = figures.figures(None, ["city", "county", "month"])
    for city in CITIES:
        mine = [line for line in lines if line[0] == city]
        if not mine:
            assert city not in by_city
            continue
        assert by_city[city].grams == sum(line[3] for line in mine)
        assert by_city[city].paid_fen == sum(line[4] for line in mine if line[5])
        assert by_city[city].grams == sum(f.grams for f in fine if f.key[0] == city)
        assert by_city[city].paid_fen == sum(f.paid_fen for f in fine if f.key[0] == city)
    bench = figures.rollup_by_city_county_month()
    assert sum(row[3] for row in bench) == sum(line[3] for line in lines)


def test_the_page_drills_down_and_exports(tree, make_staff):
    from nuanjia.orgs.rules import Role

    _rows([("410100", COUNTY, 3, 6_000_000, 1_000_000, True), ("410200", COUNTY, 3, 500, 5, False)])
    staff = make_staff("410100", Role.LEADER, username="zz_produce_leader")
    client = Client()
    verified_login(client, staff)
    page = client.get("/produce/figures/?by=city&by=month").content.decode()
    assert "12,000.0" in page and "10,000.00" in page
    assert "0.0" in page and "410200" not in page  # 开封's row is out of scope
    rows = client.get("/produce/figures/rows/?city=410100&month=2026-03").content.decode()
    assert "12,000.0" in rows
    sheet = client.get("/produce/figures/?by=county&format=xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(sheet.streaming_content)))
    cells = [cell.value for row in book.active.iter_rows() for cell in row]
    assert COUNTY in " ".join(str(c) for c in cells)
    api = client.get("/api/v1/produce/figures?by=city,county").json()
    assert api == [{"city": "410100", "org_id": None, "county": COUNTY, "month": None,
                    "grams": 6_000_000, "paid_fen": 1_000_000, "sales_fen": 0, "families": 0}]  # fmt: skip
    assert client.get("/api/v1/produce/figures?by=color").status_code in (400, 422)
