"""The dashboard, the drill-down, the rows and their Excel, and the API: they read the facts
only (the rows page excepted), follow the union tree and never leave the user's subtree."""

from __future__ import annotations

import datetime
import io

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from nuanjia.core import measures
from nuanjia.orgs.rules import Role
from nuanjia.reports import services

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 2, 10)
# Tables a figure page may read: the facts, the union tree, accounts and sessions.
ALLOWED_APPS = {
    "reports", "orgs", "accounts", "core", "desk", "auth", "contenttypes", "sessions",
    "otp_totp", "django_otp", "admin", "django_tasks_db",
}  # fmt: skip


def _business_tables() -> set[str]:
    return {
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.app_label not in ALLOWED_APPS
    }


def test_the_dashboard_reads_the_facts_only(figures, make_staff, login):
    client = login(make_staff("410000", Role.LEADER, Role.APPROVER))
    business = _business_tables()
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/reports/?period=2026-02")
    assert response.status_code == 200
    touched = {t for q in captured.captured_queries for t in business if f'"{t}"' in q["sql"]}
    assert touched == set()
    assert any('"reports_fact"' in q["sql"] for q in captured.captured_queries)
    page = response.content.decode()
    assert "2,500.00" in page  # grants paid in the province: 1000 + 500 + 300 + 700
    assert "400.00" in page  # the same month a year before
    assert "9,000.00" in page  # the province's own allocation; 郑州's nets out below it


def test_a_city_leader_drills_from_a_figure_to_the_rows(figures, make_staff, login):
    client = login(make_staff("410100", Role.LEADER))
    page = client.get("/reports/?period=2026-02").content.decode()
    assert 'data-testid="total-relief.grants_paid"' in page
    assert 'data-testid="own-funds.allocated"' in page  # a leader sees the funds too
    drill = client.get("/reports/measure/?measure=relief.grants_paid&period=2026-02")
    text = drill.content.decode()
    assert "1,800.00" in text and "惠济区" in text and "1,500.00" in text
    rows = client.get("/reports/rows/?measure=relief.grants_paid&period=2026-02&org=410108&own=1")
    assert rows.status_code == 200
    assert "1,500.00" in rows.content.decode()  # the total of the rows = the figure
    sheet = client.get(
        "/reports/rows/export/?measure=relief.grants_paid&period=2026-02&org=410108&own=1"
    )
    book = load_workbook(io.BytesIO(b"".join(sheet.streaming_content)), read_only=True)
    lines = list(next(iter(book)).iter_rows(values_only=True))
    assert len(lines) == 3  # the header and two grants


def test_a_county_cannot_see_a_sibling_county(figures, make_staff, login):
    client = login(make_staff("410108", Role.LEADER))
    assert client.get("/reports/?org=410204").status_code == 404
    assert client.get("/reports/measure/?measure=relief.grants_paid&org=410204").status_code == 404
    assert client.get("/reports/rows/?measure=relief.grants_paid&org=410204").status_code == 404
    assert client.get("/reports/?org=410100").status_code == 404  # its parent neither
    assert client.get("/api/v1/reports/figures?org=410204").status_code == 404
    assert (
        client.get("/api/v1/reports/rows?measure=relief.grants_paid&org=410204").status_code == 404
    )
    own = client.get("/reports/?period=2026-02").content.decode()
    assert "1,500.00" in own and "2,500.00" not in own


def test_an_unknown_measure_or_period(figures, make_staff, login):
    client = login(make_staff("410100", Role.CASEWORKER))  # without the funds permission
    assert "funds.allocated" not in client.get("/reports/").content.decode()
    assert client.get("/reports/measure/?measure=nothing").status_code == 404
    assert client.get("/reports/measure/?measure=funds.allocated").status_code == 404
    page = client.get("/reports/?period=2026-13")
    assert page.status_code == 200 and 'role="alert"' in page.content.decode()
    api = client.get("/api/v1/reports/figures?period=20x6")
    assert api.status_code == 400 and api.json()["field"] == "period"


def test_the_api_gives_figures_drill_down_and_rows(figures, make_staff, login):
    client = login(make_staff("410100", Role.LEADER, Role.FINANCE))
    body = client.get("/api/v1/reports/figures?period=2026-02").json()
    by_code = {row["measure"]: row for row in body["figures"]}
    assert by_code["relief.grants_paid"]["total"] == 180_000
    assert by_code["relief.persons_helped"]["total"] == 2
    assert by_code["funds.allocated"] == {**by_code["funds.allocated"], "own": 500_000, "total": 0}
    drill = client.get("/api/v1/reports/measure?measure=relief.grants_paid&period=2026-02").json()
    children = {child["org"]: child["total"] for child in drill["children"]}
    assert children["410108"] == 150_000 and children["410102"] == 30_000
    rows = client.get(
        "/api/v1/reports/rows?measure=relief.grants_paid&period=2026-02&org=410108"
    ).json()
    assert rows["count"] == 2 and sum(item["value"] for item in rows["items"]) == 150_000


def test_the_checks_page_and_the_leaders_home(figures, make_staff, login):
    from nuanjia.reports.models import Fact

    Fact.objects.filter(measure="relief.grants_paid", path__startswith="/410000/410100/").update(
        value=1
    )
    services.check_day(DAY)
    province = login(make_staff("410000", Role.LEADER))
    home = province.get("/").content.decode()
    assert "/reports/checks/" in home
    checks = province.get("/reports/checks/")
    assert checks.status_code == 200 and "relief.grants_paid" in checks.content.decode()


def test_the_dashboard_table_exports_to_excel(figures, make_staff, login):
    client = login(make_staff("410100", Role.LEADER))
    sheet = client.get("/reports/export/?period=2026-02")
    book = load_workbook(io.BytesIO(b"".join(sheet.streaming_content)), read_only=True)
    lines = {line[0]: line for line in next(iter(book)).iter_rows(values_only=True)}
    grants = lines[str(measures.get("relief.grants_paid").name)]
    assert grants[2:5] == ("0.00", "1,800.00", "400.00")
