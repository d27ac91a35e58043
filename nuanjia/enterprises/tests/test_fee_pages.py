"""The fee-rebate pages and API: import the collection sheet, stage, approve by another person
(refused to the maker), the figures per city with Excel."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from nuanjia.enterprises.models import Rebate, RebateBatch
from nuanjia.enterprises.rules import RebateBatchStatus, RebateStatus

from .rebate_support import *  # noqa: F403 -- the fixtures
from .rebate_support import collection_csv, union_firm
from .support import *  # noqa: F403

pytestmark = pytest.mark.django_db


def test_import_stage_and_approve_on_the_pages(
    login, caseworker, fee_finance, fee_approver, rebate_policy
):
    firm = union_firm(caseworker, "页面小微")
    sheet = collection_csv([(firm.employer.credit_code, datetime.date(2022, 3, 1), "250.00")])
    sheet.name = "征收明细.csv"
    client = login(fee_finance)
    for name in ("rebate_batches", "collection_import", "figures", "collection_import_template"):
        assert client.get(reverse(f"enterprises:{name}")).status_code == 200, name
    client.post(reverse("enterprises:collection_import"), {"file": sheet, "mode": "all_or_nothing"})
    response = client.post(
        reverse("enterprises:rebate_batches"),
        {"period_from": "2022-01-01", "period_to": "2022-12-01"},
    )
    batch = RebateBatch.objects.get()
    assert response.status_code == 302 and batch.total_fen == 10_000
    own = client.post(reverse("enterprises:rebate_batch_approve", args=[batch.pk]))
    assert own.status_code in (302, 403)
    batch.refresh_from_db()
    assert batch.status == RebateBatchStatus.STAGED
    client.logout()
    client = login(fee_approver)
    assert client.get(reverse("enterprises:rebate_batch", args=[batch.pk])).status_code == 200
    client.post(reverse("enterprises:rebate_batch_approve", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == RebateBatchStatus.APPROVED
    assert Rebate.objects.get().status == RebateStatus.APPROVED
    figures = client.get(reverse("enterprises:figures") + "?year=2022")
    assert "100.00" in figures.content.decode()
    export = client.get(reverse("enterprises:figures") + "?format=xlsx")
    book = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    assert any(cell.value == "郑州市总工会" for row in book.active.iter_rows() for cell in row)


def test_the_api_stages_and_reports(login, caseworker, fee_finance, rebate_policy):
    firm = union_firm(caseworker, "接口小微")
    from nuanjia.enterprises.tests.rebate_support import import_sheet

    import_sheet([(firm.employer.credit_code, datetime.date(2022, 5, 1), "50.00")], fee_finance)
    client = login(fee_finance)
    made = client.post(
        "/api/v1/enterprises/rebate-batches",
        {"period_from": "2022-01-01", "period_to": "2022-12-01"},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["total_fen"] == 2_000
    rows = client.get(f"/api/v1/enterprises/rebate-batches/{made.json()['id']}/rebates")
    assert rows.json()["items"][0]["size_class"] == "micro"
    report = client.get("/api/v1/enterprises/figures").json()
    assert report[0]["due_fen"] == 2_000 and report[0]["ratio"] == 0
