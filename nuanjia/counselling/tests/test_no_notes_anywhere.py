"""A session's notes never leave its own page: every export, report, measure row and API list
is searched for a note's plaintext (and the register round-trips through Excel)."""

import datetime
import io

import openpyxl
import pytest
from django.test import Client

from conftest import verified_login
from nuanjia.core import measures
from nuanjia.counselling import services
from nuanjia.counselling.imports_register import import_register
from nuanjia.counselling.models import Helper
from nuanjia.reports.services import rebuild

from .conftest import at

pytestmark = pytest.mark.django_db
SECRET = "NOTE-PLAINTEXT-4471 来电者的私事"


def _body(answer) -> bytes:
    return b"".join(answer.streaming_content) if answer.streaming else answer.content


def _cells(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return " ".join(
        str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
        for cell in row if cell is not None
    )  # fmt: skip


def test_no_export_report_or_api_list_carries_a_note(
    line, people, counsellor_staff, supervisor, caseworker
):
    counsellor, volunteers = people
    services.add_shift(volunteers[0], at(10, 0), at(10, 8), by=caseworker)
    for risk in ("low", "medium", "high"):
        services.log_session(
            counsellor, by=counsellor_staff, channel="call", started_at=at(10, 2), minutes=20,
            risk=risk, notes=SECRET,
        )  # fmt: skip
    client = Client()
    verified_login(client, supervisor)  # a supervisor: the one who may read notes
    outputs = []
    for path in (
        f"/counselling/lines/{line.pk}/register.xlsx",
        "/counselling/sessions/",
        "/counselling/sessions/?follow_up=open",
        "/api/v1/counselling/sessions",
        "/api/v1/counselling/sessions?risk=high",
        "/",
    ):
        answer = client.get(path)
        assert answer.status_code == 200, path
        body = _body(answer)
        outputs.append(_cells(body) if path.endswith(".xlsx") else body.decode())
    day = datetime.date(2026, 5, 10)
    rebuild(day, day, by=supervisor)
    dashboard = client.get("/reports/export/?org=410100&period=2026-05")
    assert dashboard.status_code == 200
    outputs.append(_cells(_body(dashboard)))
    for code in ("counselling.sessions", "counselling.follow_ups", "counselling.minutes_on_duty"):
        measure = measures.get(code)
        facts = list(measure.compute(day, day))
        assert facts, code
        rows = measure.rows(line.org.path, False, day, day)
        outputs.append(str(facts))
        outputs.append(
            " ".join(str(column.read(row)) for row in rows for column in measure.columns)
        )
        report = client.get(f"/reports/rows/export/?measure={code}&org=410100&period=2026-05")
        assert report.status_code == 200, code
        outputs.append(_cells(_body(report)))
    for text in outputs:
        assert SECRET not in text
        assert "NOTE-PLAINTEXT" not in text


def test_the_sessions_measure_counts_by_risk(line, people, counsellor_staff):
    counsellor, _ = people
    for risk in ("low", "high", "high"):
        services.log_session(counsellor, by=counsellor_staff, channel="chat",
                             started_at=at(10, 3), minutes=5, risk=risk)  # fmt: skip
    day = datetime.date(2026, 5, 10)
    facts = {
        row["d1"]: row["value"] for row in measures.get("counselling.sessions").compute(day, day)
    }
    assert facts == {"low": 1, "high": 2}
    follow = list(measures.get("counselling.follow_ups").compute(day, day))
    assert [(row["d1"], row["value"]) for row in follow] == [("open", 2)]


def test_the_register_imports_and_exports(line, caseworker):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "志愿者名册"
    sheet.append(["姓名", "类型", "手机号", "资质", "证书编号", "发证机构", "有效期至"])
    sheet.append(
        [
            "孙志愿",
            "志愿者",
            "13900004444",
            "心理咨询师三级",
            "PX-001",
            "河南省人社厅",
            "2028-06-30",
        ]
    )
    sheet.append(["周咨询", "咨询师", "", "", "", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    result = import_register(line, buffer, by=caseworker, file_name="名册.xlsx")
    assert not result.has_errors if hasattr(result, "has_errors") else True
    assert Helper.objects.filter(line=line).count() == 2
    sun = Helper.objects.get(name="孙志愿")
    assert sun.phone == "13900004444" and sun.qualifications.get().number == "PX-001"
    client = Client()
    verified_login(client, caseworker)
    cells = _cells(_body(client.get(f"/counselling/lines/{line.pk}/register.xlsx")))
    assert "孙志愿" in cells and "PX-001" in cells and "13900004444" not in cells
