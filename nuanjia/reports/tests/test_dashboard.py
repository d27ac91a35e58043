"""The dashboards of every level (issue 20 item 3): the year before beside each figure, the
unions below with their drill-down, the map of cities and counties, the charts' data, every
table to Excel, campaign periods; the province's page reads the facts and the tree only."""

from __future__ import annotations

import datetime
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from nuanjia.campaigns.models import Campaign
from nuanjia.campaigns.rules import CampaignStatus
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.orgs.services import read_divisions
from nuanjia.reports import maps, services

from .test_pages import _business_tables

pytestmark = pytest.mark.django_db


def _sheet(response) -> list[tuple]:
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(next(iter(book)).iter_rows(values_only=True))


def _charts(page: str) -> dict:
    found = re.search(r'<script id="report-charts" type="application/json">(.*?)</script>', page)
    assert found, "the charts' data is missing"
    return json.loads(found[1])


def test_the_province_dashboard_reads_only_facts_with_map_and_charts(figures, make_staff, login):
    maps.load_outline(json.dumps(_outline(["410100", "410200"])), name="测试", by=None)
    client = login(make_staff("410000", Role.LEADER, Role.APPROVER))
    business = _business_tables()
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/reports/?period=2026-02&m=relief.grants_paid")
    assert response.status_code == 200
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert {t for t in business if f'"{t}"' in sql} == set()
    page = response.content.decode()
    assert 'data-testid="map-outline"' in page and 'data-testid="children"' in page


def test_every_city_of_henan_has_a_cell_on_the_province_grid(figures, make_staff, login):
    client = login(make_staff("410000", Role.LEADER))
    page = client.get("/reports/?period=2026-02&m=relief.grants_paid").content.decode()
    cities = [d.code for d in read_divisions() if d.kind == "city" or d.kind.startswith("city-")]
    assert len(cities) == 18  # 17 cities and 济源
    for code in cities:
        assert f'data-code="{code}"' in page, code
    counties = [d for d in read_divisions() if d.kind not in ("province", "city")]
    counties = [d for d in counties if not d.kind.startswith("city")]
    assert page.count('class="map-cell') == len(cities) + len(counties)
    # 郑州's cell shows its grants (1,800.00) and opens 郑州's dashboard.
    cell = re.search(r'<a class="map-cell[^"]*" href="([^"]+)" data-code="410100"', page)
    assert cell and "org=410100" in cell[1]
    assert "1,800.00" in page


def test_a_county_sees_only_its_subtree(figures, make_staff, login):
    client = login(make_staff("410108", Role.LEADER))
    page = client.get("/reports/?period=2026-02&m=relief.grants_paid").content.decode()
    assert 'data-code="410108"' in page and 'data-code="410102"' not in page
    assert "开封" not in page and "2,500.00" not in page
    assert client.get("/reports/?org=410102").status_code == 404  # a sibling county
    assert client.get("/reports/export/?org=410102&table=children").status_code == 404
    assert client.get("/api/v1/reports/dashboard?org=410102").status_code == 404


def test_the_year_before_difference_and_the_unions_below(figures, make_staff, login):
    client = login(make_staff("410100", Role.LEADER))
    page = client.get("/reports/?period=2026-02&m=relief.grants_paid").content.decode()
    assert "+1,400.00" in page and "+350.0%" in page  # 1,800.00 against 400.00
    assert 'data-testid="child-410108"' in page
    drill = re.search(r'href="([^"]+)" data-testid="child-410108"', page)[1].replace("&amp;", "&")
    assert "1,500.00" in client.get(drill).content.decode()
    rows = re.search(r'href="([^"]+)" data-testid="child-own-410108"', page)[1]
    listed = client.get(rows.replace("&amp;", "&")).content.decode()
    assert "1,500.00" in listed


def test_the_charts_data_follows_the_months_and_the_unions(figures, make_staff, login):
    client = login(make_staff("410100", Role.LEADER))
    page = client.get("/reports/?period=2026&m=relief.grants_paid").content.decode()
    data = _charts(page)
    assert data["trend"]["labels"][:2] == ["2026-01", "2026-02"]
    assert data["trend"]["now"][1] == 1800.0 and data["trend"]["then"][1] == 400.0
    children = dict(zip(data["children"]["labels"], data["children"]["now"], strict=True))
    assert children[Org.objects.get(code="410108").name] == 1500.0
    assert "reports/vendor/chart.umd.js" in page and "reports/charts.js" in page
    assert "<script>" not in page  # no inline script: the CSP allows scripts from self only
    api = client.get("/api/v1/reports/dashboard?period=2026&measure=relief.grants_paid").json()
    assert api["trend"][1] == {"month": "2026-02", "now": 180_000, "then": 40_000}
    assert {c["org"]: c["total"] for c in api["children"]}["410108"] == 150_000
    assert {c["code"]: c["value"] for c in api["map"]}["410108"] == 150_000


def test_every_table_exports_to_excel(figures, make_staff, login):
    client = login(make_staff("410100", Role.LEADER))
    base = "/reports/export/?period=2026-02&m=relief.grants_paid&table="
    children = {row[0]: row for row in _sheet(client.get(base + "children"))}
    assert children[Org.objects.get(code="410108").name][2] == "1,500.00"
    cells = {row[0]: row for row in _sheet(client.get(base + "map"))}
    assert cells["410108"][2] == "1,500.00" and "410204" not in cells
    months = _sheet(client.get(base + "trend"))
    assert months[-1] == ("2026-02", "1,800.00", "400.00")
    assert len(_sheet(client.get(base + "figures"))) > 3
    assert client.get(base + "nothing").status_code == 404


def test_a_campaign_period_in_the_picker(figures, make_staff, login):
    Campaign.objects.create(
        code="w2026", name="送温暖2026", lead_org=Org.objects.get(code="410000"),
        starts_on=datetime.date(2026, 2, 1), ends_on=datetime.date(2026, 2, 20),
        status=CampaignStatus.OPEN,
    )  # fmt: skip
    services.refresh()  # copies the campaigns' periods
    client = login(make_staff("410100", Role.LEADER))
    page = client.get("/reports/?period=2026-02").content.decode()
    assert 'data-testid="period-campaign-w2026"' in page
    page = client.get("/reports/?period=campaign-w2026&m=relief.grants_paid").content.decode()
    assert "送温暖2026" in page and "1,800.00" in page
    before = client.get("/reports/?period=2025-02-01..2025-02-20").content.decode()
    assert 'role="alert"' not in before


def _outline(codes: list[str]) -> dict:
    square = [[[113.0, 34.0], [114.0, 34.0], [114.0, 35.0], [113.0, 35.0], [113.0, 34.0]]]
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": code},
             "geometry": {"type": "Polygon", "coordinates": square}}
            for code in codes
        ],
    }  # fmt: skip


def test_an_outline_with_unknown_codes_is_refused(tree, make_staff, login):
    admin = login(make_staff("410000", Role.SYSTEM_ADMIN))
    upload = io.BytesIO(json.dumps(_outline(["410100", "999999", "110000"])).encode())
    upload.name = "henan.geojson"
    refused = admin.post("/reports/map/", {"geojson": upload, "name": "错误"})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "110000" in text and "999999" in text and "410100" not in text.split("role=")[1][:200]
    good = io.BytesIO(json.dumps(_outline(["410100", "410108"])).encode())
    good.name = "henan.geojson"
    assert admin.post("/reports/map/", {"geojson": good, "name": "河南"}).status_code == 302
    assert maps.current_outline().codes == 2
    leader = login(make_staff("410100", Role.LEADER))
    assert leader.get("/reports/map/").status_code == 403


def test_the_cli_loads_an_outline_or_lists_the_unknown_codes(tree, tmp_path, capsys):
    from nuanjia.cli import main

    bad = tmp_path / "bad.geojson"
    bad.write_text(json.dumps(_outline(["419999"])))
    assert main(["reports", "map-load", str(bad)]) == 1
    assert "419999" in capsys.readouterr().out
    good = tmp_path / "henan.geojson"
    good.write_text(json.dumps(_outline(["410100"])))
    assert main(["reports", "map-load", str(good)]) == 0
    assert maps.current_outline().name == "henan"


def test_a_leaders_home_shows_the_figures_of_the_month(figures, make_staff, login):
    leader = login(make_staff("410100", Role.LEADER))
    home = leader.get("/").content.decode()
    assert 'data-testid="panel-reports"' in home
    assert "/reports/measure/?" in home and "relief.grants_paid" in home
    caseworker = login(make_staff("410100", Role.CASEWORKER))
    assert 'data-testid="panel-reports"' not in caseworker.get("/").content.decode()
