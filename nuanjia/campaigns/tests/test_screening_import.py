"""Importing a volunteers' list (排查名单) into a screening drive: every row a finding, a person
the province keeps linked by ID, errors by row and column, all or nothing."""

import io

import pytest

from nuanjia.campaigns.imports_screening import SHEET_TITLE, import_findings
from nuanjia.campaigns.models import Finding
from nuanjia.core.errors import RuleViolation
from nuanjia.core.models import AuditEvent
from nuanjia.orgs.rules import Role
from nuanjia.people.models import Worker
from nuanjia.people.tests.support import id_number

from .partner_support import sheet_file
from .screening_support import (
    LUOHE,
    WEIDU,
    YUANHUI,
    open_campaign,
    registered_worker,
    screening_drive,
)

pytestmark = pytest.mark.usefixtures("frozen_clock")
HEADER = ["姓名", "身份证号", "手机号", "困难程度", "困难情况", "发现日期", "发现人"]


@pytest.fixture
def luohe_caseworker(make_staff):
    return make_staff(YUANHUI, Role.CASEWORKER, username="lh_caseworker")


@pytest.fixture
def drive(make_staff):
    planner = make_staff("410000", Role.CASEWORKER)
    return screening_drive(open_campaign(planner), LUOHE, planner)


def _sheet(*rows) -> io.BytesIO:
    return sheet_file(SHEET_TITLE, HEADER, *rows)


def test_a_volunteers_list_becomes_findings_and_a_kept_person_is_linked(
    drive, luohe_caseworker, make_staff
):
    kept = registered_worker(make_staff(WEIDU, Role.CASEWORKER), "钱军", region=WEIDU, sequence=33)
    before = Worker.objects.count()
    sheet = _sheet(
        ("孙丽", id_number(YUANHUI, sequence=22), "13903950022", "特别困难", "环卫工，丈夫患病", "2026-02-20", "王芳"),
        ("钱军", id_number(WEIDU, sequence=33), "", "较重困难", "外卖骑手，疫情停工", "2026/2/21", "王芳"),
        ("吴刚", "", "", "一般困难", "快递员，受伤", "2026-02-22", ""),
    )  # fmt: skip
    result = import_findings(sheet, drive, by=luohe_caseworker, file_name="排查.xlsx")
    assert result.committed and result.created == 3, result.errors
    assert Worker.objects.count() == before + 2
    linked = Finding.objects.get(worker=kept)
    assert not linked.registered_here and linked.degree == "serious"
    assert Finding.objects.filter(registered_here=True).count() == 2
    assert AuditEvent.objects.filter(action="campaigns.findings_imported").exists()


def test_errors_name_row_and_column_and_nothing_is_written(drive, luohe_caseworker):
    before = Worker.objects.count()
    sheet = _sheet(
        ("孙丽", id_number(YUANHUI, sequence=22), "", "特别困难", "环卫工", "2026-02-20", ""),
        ("钱军", 411002198506150331, "", "很困难", "外卖骑手", "2026-02-21", ""),
        ("吴刚", "", "", "一般困难", "", "明天", ""),
    )  # fmt: skip
    result = import_findings(sheet, drive, by=luohe_caseworker)
    assert not result.committed
    places = {(error.row, error.column) for error in result.errors}
    assert {(3, "B"), (3, "D"), (4, "E"), (4, "F")} <= places
    assert not Finding.objects.exists() and Worker.objects.count() == before


def test_only_a_caseworker_imports(drive, make_staff):
    approver = make_staff(YUANHUI, Role.APPROVER)
    with pytest.raises(RuleViolation):
        import_findings(_sheet(), drive, by=approver)


def test_the_import_page_records_the_list(drive, luohe_caseworker, login):
    from django.urls import reverse

    client = login(luohe_caseworker)
    url = reverse("campaigns:finding_import", args=[drive.pk])
    assert client.get(url).status_code == 200
    template = client.get(reverse("campaigns:finding_import_template"))
    assert template.status_code == 200
    upload = _sheet(("吴刚", "", "", "一般困难", "快递员，受伤", "2026-02-22", ""))
    upload.name = "排查.xlsx"
    response = client.post(url, {"file": upload, "mode": "all_or_nothing"})
    assert response.status_code == 200 and response.context["result"].committed
    assert Finding.objects.get().worker.name == "吴刚"
