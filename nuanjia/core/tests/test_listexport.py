"""The shared list export: formula-safe cells, the cap with its note, the audit event."""

import pytest
from django.test import RequestFactory

from nuanjia.core.listexport import ListExport, audit_filters, column, yuan
from nuanjia.core.tests.exports import export_book, export_rows, last_export_event
from nuanjia.orgs.rules import Role

pytestmark = pytest.mark.django_db

EXPORT = ListExport(
    "test.rows",
    "测试",
    (column("名称", lambda row: row["name"]), column("金额", lambda row: yuan(row["fen"]))),
    limit=3,
)


def _download(user, rows, filters):
    request = RequestFactory().get("/")
    request.user = user
    return EXPORT.response(request, rows, filters)


def test_the_export_writes_the_rows_formula_safe_and_audits_them(make_staff):
    user = make_staff("410108", Role.CASEWORKER)
    rows = [{"name": '=HYPERLINK("x")', "fen": 123_456}, {"name": "张三", "fen": 5}]
    response = _download(user, rows, {"q": "张", "status": ""})
    sheet = export_book(response).active
    cell = sheet["A2"]
    assert cell.value == '=HYPERLINK("x")' and cell.data_type == "s"
    assert [row for row in sheet.iter_rows(values_only=True)] == [
        ("名称", "金额"),
        ('=HYPERLINK("x")', 1234.56),
        ("张三", 0.05),
    ]
    assert (
        'filename="' in response["Content-Disposition"]
        or "filename*=" in response["Content-Disposition"]
    )
    event = last_export_event()
    assert event.actor_id == user.pk and event.org_id == user.org_id
    assert event.changes == {
        "list": "test.rows",
        "filters": {"q": "张"},
        "rows": 2,
        "is_cut": False,
    }


def test_a_list_past_the_limit_is_cut_with_a_note_saying_so(make_staff):
    user = make_staff("410108", Role.CASEWORKER)
    rows = export_rows(_download(user, [{"name": str(n), "fen": n} for n in range(5)], {}))
    assert [row[0] for row in rows[1:4]] == ["0", "1", "2"]
    assert len(rows) == 5 and "3" in rows[4][0]
    assert last_export_event().changes["rows"] == 3 and last_export_event().changes["is_cut"]


def test_the_audit_keeps_no_whole_id_or_phone_number_typed_as_a_filter():
    filters = audit_filters({"worker": "41010819900101123X", "phone": "13812345678", "q": ""})
    assert filters == {"worker": "**************123X", "phone": "*******5678"}
