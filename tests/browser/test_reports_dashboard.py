"""A city leader opens the reports' dashboard, clicks a figure down to a county and then to
the rows behind it, and exports the rows to Excel; the charts are drawn by Chart.js served
from our static files."""

import datetime
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import PASSWORD
from nuanjia.core import clock
from nuanjia.orgs.models import Org
from nuanjia.orgs.rules import Role
from nuanjia.reports import services
from nuanjia.reports.tests.factories import paid_grant, workers

from .conftest import screenshot, sign_in


@pytest.fixture
def grants(transactional_db, tree, make_staff):
    huiji, zhongyuan = Org.objects.get(code="410108"), Org.objects.get(code="410102")
    day = clock.today().replace(day=1)
    (a,) = workers(huiji, 1)
    (b,) = workers(zhongyuan, 1)
    paid_grant(a, huiji, day, 120_000)
    paid_grant(b, zhongyuan, day, 30_000)
    services.rebuild(day - datetime.timedelta(days=400), clock.today())
    return make_staff("410100", Role.LEADER, username="zz_report_leader")


def test_a_city_leader_clicks_a_figure_down_to_rows_and_exports(new_page, grants):
    page = new_page()
    sign_in(page, grants.username, PASSWORD)
    page.goto("/reports/?m=relief.grants_paid")
    assert "1,500.00" in page.inner_text("[data-testid=figures]")
    page.wait_for_function("window.reportCharts && window.reportCharts.trend")
    screenshot(page, "reports-dashboard")
    page.click("[data-testid='total-relief.grants_paid']")
    page.wait_for_selector("[data-testid=children]")
    page.click("[data-testid=child-410108]")
    page.wait_for_selector("[data-testid=total-rows]")
    assert "1,200.00" in page.inner_text("[data-testid=measure-figure]")
    page.click("[data-testid=total-rows]")
    page.wait_for_selector("[data-testid=rows]")
    assert "1,200.00" in page.inner_text("[data-testid=rows-total]")
    with page.expect_download() as download:
        page.click("[data-testid=export-xlsx]")
    assert download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()), read_only=True)
    lines = list(next(iter(book)).iter_rows(values_only=True))
    assert len(lines) == 2  # the header and the one grant of 惠济区
    cells = [str(cell) for cell in lines[1]]
    assert "惠济区" in " ".join(cells)  # the grant's union
    assert any(cell.replace(",", "") in ("1200", "1200.00") for cell in cells), cells
