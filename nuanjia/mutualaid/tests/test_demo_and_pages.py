"""The demo's 信阳 figures counted from its rows; the pages and the export as staff see them."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from nuanjia.funds.checks import first_discrepancy
from nuanjia.mutualaid.demo import load_demo_mutualaid
from nuanjia.mutualaid.figures import figures
from nuanjia.mutualaid.models import Claim
from nuanjia.orgs.rules import Role

from .support import claim_data, covered


@pytest.mark.django_db
def test_the_demo_shows_xinyang_459_workers_paid_104_11_wan(make_staff, client):
    load_demo_mutualaid()
    leader = make_staff("411500", Role.LEADER, username="xy_leader")
    [row] = [r for r in figures(leader) if r.year == 2025 and r.workers_paid]
    assert (row.city, row.workers_paid, row.paid_fen) == ("信阳市总工会", 459, 104_110_000)
    assert first_discrepancy() is None
    client.force_login(make_staff("411500", Role.CASEWORKER, username="xy_case"))
    page = client.get("/mutualaid/figures/")
    assert "1,041,100.00" in page.content.decode() or "1041100.00" in page.content.decode()
    rows = client.get("/mutualaid/figures/rows/?city=411500&year=2025")
    assert rows.status_code == 200 and "459" in rows.content.decode()


@pytest.mark.django_db
def test_claim_pages_and_the_export_without_diagnosis(plan, caseworker, client):
    enrolment = covered(plan, caseworker, paid_on=datetime.date(2026, 2, 1))
    client.force_login(caseworker)
    assert client.get(f"/mutualaid/enrolments/{enrolment.pk}/claim/").status_code == 200
    form = {
        "illness": "骨折", "episode": "骨折", "diagnosis": "左股骨颈骨折", "hospital": "郑大一附院",
        "service_on": "2026-06-01", "consent": "on",
        "line-TOTAL_FORMS": "3", "line-INITIAL_FORMS": "0",
        "line-0-invoice_code": "4100", "line-0-invoice_number": "77", "line-0-total": "1200.00",
        "line-0-insurance": "200.00", "line-0-self_paid": "1000.00", "line-0-eligible": "1000.00",
        "line-0-asked": "1000.00",
    }  # fmt: skip
    files = claim_data().documents
    response = client.post(
        f"/mutualaid/enrolments/{enrolment.pk}/claim/",
        {**form, **{f"doc_{k}": v for k, v in files.items()}},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    claim = Claim.objects.get()
    assert claim.proposed_fen == 60_000
    detail = client.get(f"/mutualaid/claims/{claim.pk}/").content.decode()
    assert "左股骨颈骨折" not in detail
    export = client.get("/mutualaid/claims/export.xlsx")
    cells = [
        c
        for row in load_workbook(io.BytesIO(b"".join(export.streaming_content))).active.values
        for c in row
    ]
    assert "骨折" in cells and "左股骨颈骨折" not in cells
    document = claim.documents.first()
    download = client.get(f"/mutualaid/claims/{claim.pk}/documents/{document.pk}/")
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    missing = client.post(f"/mutualaid/enrolments/{enrolment.pk}/claim/", {**form, "consent": ""})
    assert missing.status_code == 200 and Claim.objects.count() == 1
