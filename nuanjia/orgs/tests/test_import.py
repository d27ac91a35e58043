"""Grassroots unions come in from the unions' own sheets and go back out, scoped and safe."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from nuanjia.core.codes import credit_code_check_char
from nuanjia.core.models import AuditEvent
from nuanjia.orgs.models import Org
from nuanjia.orgs.queries import within
from nuanjia.orgs.rules import Role
from nuanjia.orgs.services import create_grassroots_union

HEADER = ["工会名称", "类型", "上级工会代码", "统一社会信用代码"]
IMPORT_URL = reverse("orgs:import")


def credit_code(serial: int) -> str:
    first17 = f"81410108MC{serial:07d}"
    return first17 + credit_code_check_char(first17)


def xlsx_upload(
    rows, *, header=HEADER, title_row: str | None = "惠济区基层工会名册"
) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    if title_row:
        sheet.append([title_row])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("unions.xlsx", buffer.getvalue())


def post_sheet(client, upload, mode="all_or_nothing"):
    return client.post(IMPORT_URL, {"file": upload, "mode": mode})


def huiji_unions():
    huiji = Org.objects.get(code="410108")
    return Org.objects.filter(
        within(huiji.path),
        kind__in=["enterprise", "industry", "university", "hospital", "community"],
    )


def page_text(response) -> str:
    return response.content.decode()


GOOD_ROWS = [
    ["郑州惠济饭店有限公司工会", "企业工会", "410108", credit_code(1)],
    ["惠济区人民医院工会", "医院工会", 410108, ""],  # a code typed as a number in Excel
    ["  新城街道工会 ", "社区（街道）工会", "410108", None],
]


def test_the_import_page_offers_both_modes_and_the_template(login, caseworker):
    response = login(caseworker).get(IMPORT_URL)
    text = page_text(response)
    assert response.status_code == 200
    assert "全部正确才导入" in text and "只导入正确的行" in text
    assert reverse("orgs:import_template") in text and 'enctype="multipart/form-data"' in text


def test_a_good_sheet_imports_every_union_with_its_audit_events(login, caseworker):
    response = post_sheet(login(caseworker), xlsx_upload(GOOD_ROWS))
    assert response.status_code == 200
    assert "全部行已导入" in page_text(response)
    assert response.context["result"].counts() == {
        "total": 3,
        "valid": 3,
        "invalid": 0,
        "created": 3,
        "updated": 0,
        "unchanged": 0,
    }
    unions = {union.name: union for union in huiji_unions()}
    assert set(unions) == {"郑州惠济饭店有限公司工会", "惠济区人民医院工会", "新城街道工会"}
    assert unions["郑州惠济饭店有限公司工会"].credit_code == credit_code(1)
    assert unions["惠济区人民医院工会"].kind == Org.Kind.HOSPITAL
    assert unions["新城街道工会"].kind == Org.Kind.COMMUNITY
    assert all(union.parent.code == "410108" for union in unions.values())
    assert AuditEvent.objects.filter(action="org.created", actor=caseworker).count() == 3
    summary = AuditEvent.objects.get(action="orgs.imported")
    assert summary.actor == caseworker and summary.org_id == caseworker.org_id
    assert summary.changes["created"] == 3 and summary.changes["file"] == "unions.xlsx"


def test_wrong_rows_are_named_by_row_and_column_and_nothing_is_imported(
    login, caseworker, make_staff
):
    gulou = Org.objects.get(code="410204")
    _enterprise_union(gulou, "汴京饭店工会", credit_code=credit_code(9))
    bad_check_char = credit_code(2)[:-1] + ("0" if credit_code(2)[-1] != "0" else "1")
    rows = [
        ["郑州惠济饭店有限公司工会", "企业工会", "410108", credit_code(1)],
        ["惠济区人民医院工会", "医院工会", "410108", bad_check_char],
        ["惠济区第二中学工会", "企业工会", "419999", ""],
        ["惠济区第三中学工会", "企业工会", "410204", ""],
        ["郑州惠济饭店有限公司工会", "企业工会", "410108", ""],
        ["惠济区某物流公司工会", "企业工会", "410108", credit_code(9)],
        ["惠济区某超市工会", "企业工会", "410108-P", ""],
        ["惠济区某工厂工会", "工厂工会", "410108", ""],
    ]
    client = login(caseworker)
    response = post_sheet(client, xlsx_upload(rows))
    text = page_text(response)
    errors = [str(error) for error in response.context["result"].errors]
    assert errors == [
        "第4行 D列（统一社会信用代码）：统一社会信用代码校验位错误，请核对。",
        "第5行 C列（上级工会代码）：上级工会代码 419999 不存在，或不在本单位管辖范围内。",
        "第6行 C列（上级工会代码）：上级工会代码 410204 不存在，或不在本单位管辖范围内。",
        "第7行 A列（工会名称）：与本文件第3行重复，同一条只能出现一次。",
        f"第8行 D列（统一社会信用代码）：统一社会信用代码 {credit_code(9)} 已被其他工会使用。",
        "第9行 C列（上级工会代码）：集中入会池下不能设立工会。",
        "第10行 B列（类型）：“工厂工会”不是可选值之一：企业工会、产业工会、高校工会、医院工会、社区（街道）工会。",
    ]
    assert "第4行" in text and "D列（统一社会信用代码）" in text and "校验位错误" in text
    assert "鼓楼" not in text and "汴京" not in text and "开封" not in text
    assert "未导入任何数据" in text
    assert not huiji_unions().exists()
    assert not AuditEvent.objects.filter(
        action__in=["org.created", "orgs.imported"], actor=caseworker
    ).exists()

    token = response.context["import_token"]
    download = client.get(reverse("orgs:import_errors", args=[token]))
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows_back = list(sheet.iter_rows(values_only=True))
    assert rows_back[0] == (*HEADER, "错误")
    assert len(rows_back) == 1 + len(rows)  # nothing imported: every row comes back to be fixed
    assert rows_back[2][-1] == errors[0]
    colleague = make_staff("410108", Role.CASEWORKER)
    assert login(colleague).get(reverse("orgs:import_errors", args=[token])).status_code == 404


def test_the_errors_of_a_row_are_listed_column_by_column(login, caseworker):
    response = post_sheet(login(caseworker), xlsx_upload([["", "工厂工会", "410204", "123"]]))
    assert [str(error) for error in response.context["result"].errors] == [
        "第3行 A列（工会名称）：此项必填。",
        "第3行 B列（类型）：“工厂工会”不是可选值之一：企业工会、产业工会、高校工会、医院工会、社区（街道）工会。",
        "第3行 C列（上级工会代码）：上级工会代码 410204 不存在，或不在本单位管辖范围内。",
        "第3行 D列（统一社会信用代码）：统一社会信用代码应为18位（现为3位）。",
    ]


def test_valid_rows_mode_imports_only_the_correct_rows(login, caseworker):
    rows = [*GOOD_ROWS, ["惠济区第四中学工会", "企业工会", "410204", ""]]
    client = login(caseworker)
    response = post_sheet(client, xlsx_upload(rows), mode="valid_rows")
    result = response.context["result"]
    assert result.committed and (result.created, result.invalid) == (3, 1)
    assert huiji_unions().count() == 3
    assert "第6行" in page_text(response) and "正确的行已导入" in page_text(response)
    download = client.get(reverse("orgs:import_errors", args=[response.context["import_token"]]))
    rows_back = list(
        load_workbook(io.BytesIO(b"".join(download.streaming_content))).active.iter_rows(
            values_only=True
        )
    )
    assert [row[0] for row in rows_back] == ["工会名称", "惠济区第四中学工会"]


def test_importing_the_same_sheet_again_updates_instead_of_duplicating(login, caseworker):
    client = login(caseworker)
    post_sheet(client, xlsx_upload(GOOD_ROWS))
    hospital = Org.objects.get(name="惠济区人民医院工会")
    renamed = [
        ["惠济饭店工会", "企业工会", "410108", credit_code(1)],  # matched by its credit code
        ["惠济区人民医院工会", "产业工会", "410108", credit_code(3)],  # matched by parent and name
        ["新城街道工会", "社区（街道）工会", "410108", ""],
    ]
    response = post_sheet(client, xlsx_upload(renamed))
    assert response.context["result"].counts() == {
        "total": 3,
        "valid": 3,
        "invalid": 0,
        "created": 0,
        "updated": 2,
        "unchanged": 1,
    }
    assert huiji_unions().count() == 3
    assert Org.objects.get(credit_code=credit_code(1)).name == "惠济饭店工会"
    hospital.refresh_from_db()
    assert (hospital.kind, hospital.credit_code) == (Org.Kind.INDUSTRY, credit_code(3))
    assert AuditEvent.objects.filter(action="org.updated", actor=caseworker).count() == 2

    without_codes = [[name, kind, parent, ""] for name, kind, parent, _code in renamed]
    again = post_sheet(client, xlsx_upload(without_codes))
    assert again.context["result"].unchanged == 3  # an empty cell keeps the registered code
    assert Org.objects.get(pk=hospital.pk).credit_code == credit_code(3)


def test_two_rows_for_one_registered_union_are_refused(login, caseworker):
    client = login(caseworker)
    post_sheet(client, xlsx_upload(GOOD_ROWS[:1]))
    rows = [
        ["郑州惠济饭店有限公司工会", "企业工会", "410108", ""],
        ["惠济饭店工会", "企业工会", "410108", credit_code(1)],
    ]
    errors = post_sheet(client, xlsx_upload(rows)).context["result"].errors
    assert [str(error) for error in errors] == [
        "第4行 A列（工会名称）：与本文件第3行重复，同一条只能出现一次。"
    ]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gbk"])
def test_a_csv_sheet_imports_in_utf8_or_gbk(login, caseworker, encoding):
    text = "工会名称,类型,上级工会代码,统一社会信用代码\r\n惠济区某商场工会,企业工会,410108,\r\n"
    upload = SimpleUploadedFile("unions.csv", text.encode(encoding), content_type="text/csv")
    response = post_sheet(login(caseworker), upload)
    assert response.context["result"].created == 1
    assert huiji_unions().get().name == "惠济区某商场工会"


@pytest.mark.parametrize("persona", ["system_admin", "security_admin", "auditor"])
def test_admin_roles_are_refused_import_and_export(request, login, persona, tree):
    client = login(request.getfixturevalue(persona))
    huiji = Org.objects.get(code="410108")
    urls = [
        IMPORT_URL,
        reverse("orgs:import_template"),
        reverse("orgs:export", args=[huiji.pk]),
        reverse("orgs:import_errors", args=["1-" + "0" * 32]),
    ]
    assert [client.get(url).status_code for url in urls] == [403] * 4
    assert post_sheet(client, xlsx_upload(GOOD_ROWS)).status_code == 403
    assert not huiji_unions().exists()


def test_the_template_has_the_columns_and_the_kind_dropdown(login, caseworker):
    response = login(caseworker).get(reverse("orgs:import_template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content))["基层工会"]
    assert [cell.value for cell in sheet[2]] == [
        "工会名称*",
        "类型*",
        "上级工会代码*",
        "统一社会信用代码",
    ]
    assert "410108" in sheet["C2"].comment.text
    (dropdown,) = sheet.data_validations.dataValidation
    assert str(dropdown.sqref).startswith("B3")


def _export(client, org: Org):
    response = client.get(reverse("orgs:export", args=[org.pk]))
    assert response.status_code == 200
    return response


def test_export_holds_only_the_subtree_and_never_a_live_formula(login, caseworker):
    huiji = Org.objects.get(code="410108")
    _enterprise_union(huiji, '=HYPERLINK("http://evil.example","点我")')
    _enterprise_union(huiji, "惠济区某商场工会", credit_code=credit_code(5))
    _enterprise_union("410102", "中原区某厂工会")
    _enterprise_union("410204", "鼓楼区某店工会")
    response = _export(login(caseworker), huiji)
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(response.content)).read(
        "xl/worksheets/sheet1.xml"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "工会名称",
        "类型",
        "上级工会代码",
        "上级工会名称",
        "工会代码",
        "统一社会信用代码",
        "状态",
    )
    assert sorted(row[0] for row in rows[1:]) == sorted(
        ['=HYPERLINK("http://evil.example","点我")', "惠济区某商场工会"]
    )
    mall = next(row for row in rows if row[0] == "惠济区某商场工会")
    assert mall[1:4] == ("企业工会", "410108", "郑州市惠济区总工会")
    assert mall[4].startswith("410108-") and mall[5:] == (credit_code(5), "正常")
    formula_cell = next(
        row[0] for row in sheet.iter_rows(min_row=2) if row[0].value.startswith("=")
    )
    assert formula_cell.data_type == "s" and formula_cell.quotePrefix


def test_an_out_of_scope_union_cannot_be_exported(login, caseworker):
    gulou = Org.objects.get(code="410204")
    assert login(caseworker).get(reverse("orgs:export", args=[gulou.pk])).status_code == 404


def test_an_export_imports_back_unchanged(login, caseworker):
    client = login(caseworker)
    post_sheet(client, xlsx_upload(GOOD_ROWS))
    exported = _export(client, Org.objects.get(code="410108"))
    upload = SimpleUploadedFile("export.xlsx", exported.content)
    result = post_sheet(client, upload).context["result"]
    assert result.counts() == {
        "total": 3,
        "valid": 3,
        "invalid": 0,
        "created": 0,
        "updated": 0,
        "unchanged": 3,
    }


def _enterprise_union(parent: Org | str, name: str, credit_code: str = "") -> Org:
    """An enterprise union registered under `parent` (an Org, or its code)."""
    if isinstance(parent, str):
        parent = Org.objects.get(code=parent)
    return create_grassroots_union(
        parent=parent, name=name, kind=Org.Kind.ENTERPRISE, credit_code=credit_code, by=None
    )
