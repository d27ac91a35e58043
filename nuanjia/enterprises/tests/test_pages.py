"""The enterprises pages: firms (register, figures, import and export), properties, leases,
applying a policy to a lease on its page and approving the relief by another person; the API
the same way."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from nuanjia.enterprises.imports_firms import FIRM_SHEET
from nuanjia.enterprises.models import FirmProfile, RentRelief
from nuanjia.enterprises.rules import ReliefStatus, SizeClass

from .support import *  # noqa: F403 -- the fixtures
from .support import credit_code, make_firm, make_lease, make_policy

pytestmark = pytest.mark.django_db


def test_the_lists_and_a_firm_open(login, caseworker):
    firm = make_firm(caseworker)
    lease = make_lease(caseworker, firm)
    client = login(caseworker)
    for name in ("firms", "properties", "leases", "policies", "reliefs", "firm_new", "lease_new",
                 "firm_import"):  # fmt: skip
        assert client.get(reverse(f"enterprises:{name}")).status_code == 200, name
    page = client.get(reverse("enterprises:firm", args=[firm.pk]))
    assert firm.employer.name in page.content.decode()
    assert client.get(reverse("enterprises:lease", args=[lease.pk])).status_code == 200


def test_figures_on_the_firm_page_class_the_firm(login, caseworker):
    firm = make_firm(caseworker)
    client = login(caseworker)
    response = client.post(
        reverse("enterprises:firm", args=[firm.pk]),
        {"year": 2023, "headcount": 60, "revenue": "800", "assets": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert firm.figures.get(year=2023).size_class == SizeClass.MEDIUM


def _sheet(rows) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = "企业名录"
    sheet.append([column.header for column in FIRM_SHEET.columns])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "firms.xlsx"
    return out


def test_the_firm_import_and_export(login, caseworker):
    client = login(caseworker)
    good = credit_code()
    rows = [
        ["惠济导入商店", good, "410108", "个体工商户", "零售业", "2022", "3", "40", "", "", "", "", "", "", ""],
        ["错误行", "123", "410108", "企业", "零售业", "2022", "3", "40", "", "", "", "", "", "", ""],
    ]  # fmt: skip
    refused = client.post(
        reverse("enterprises:firm_import"), {"file": _sheet(rows), "mode": "all_or_nothing"}
    )
    assert "统一社会信用代码" in refused.content.decode()
    assert not FirmProfile.objects.exists()
    client.post(
        reverse("enterprises:firm_import"), {"file": _sheet(rows[:1]), "mode": "all_or_nothing"}
    )
    firm = FirmProfile.objects.get(employer__credit_code=good)
    assert firm.figures.get().size_class == SizeClass.MICRO
    template = client.get(reverse("enterprises:firm_import_template"))
    assert template.status_code == 200
    export = client.get(reverse("enterprises:firm_export"))
    book = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    cells = [cell.value for row in book.active.iter_rows() for cell in row]
    assert "惠济导入商店" in cells and good in cells


def test_apply_a_policy_on_the_lease_page_and_approve_it(login, caseworker, approver, client):
    firm = make_firm(caseworker)
    lease = make_lease(caseworker, firm)
    policy = make_policy(caseworker, 3, 12)
    page = login(caseworker)
    response = page.post(reverse("enterprises:lease", args=[lease.pk]), {"policy": policy.pk})
    relief = RentRelief.objects.get()
    assert response.status_code == 302 and relief.total_fen == 45_000_00
    page.logout()
    page = login(approver)
    detail = page.get(reverse("enterprises:relief", args=[relief.pk])).content.decode()
    assert "45,000.00" in detail and 'data-testid="step-approve"' in detail
    page.post(reverse("enterprises:relief_approve", args=[relief.pk]))
    relief.refresh_from_db()
    assert relief.status == ReliefStatus.APPROVED and relief.approved_by == approver


def test_the_api_proposes_and_approves(login, caseworker, approver):
    firm = make_firm(caseworker)
    lease = make_lease(caseworker, firm, ends_on=datetime.date(2022, 8, 31))
    policy = make_policy(caseworker, 3, 12)
    client = login(caseworker)
    check = client.get(f"/api/v1/enterprises/leases/{lease.pk}/eligibility/{policy.pk}")
    assert check.json()["total_fen"] == 27_500_00
    made = client.post(
        "/api/v1/enterprises/reliefs", {"lease_id": lease.pk, "policy_id": policy.pk},
        content_type="application/json",
    )  # fmt: skip
    assert made.status_code == 201, made.json()
    relief_id = made.json()["id"]
    own = client.post(
        f"/api/v1/enterprises/reliefs/{relief_id}/approve", {}, content_type="application/json"
    )
    assert own.status_code == 403
    client.logout()
    client = login(approver)
    done = client.post(
        f"/api/v1/enterprises/reliefs/{relief_id}/approve", {}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["status"] == "approved"


def test_a_medium_firm_is_refused_on_the_page_with_the_reason(login, caseworker):
    firm = make_firm(caseworker, size="medium")
    lease = make_lease(caseworker, firm)
    policy = make_policy(caseworker, 3, 12)
    page = login(caseworker).post(
        reverse("enterprises:lease", args=[lease.pk]), {"policy": policy.pk}
    )
    assert page.status_code == 200 and str(SizeClass.MEDIUM.label) in page.content.decode()
    assert not RentRelief.objects.exists()
