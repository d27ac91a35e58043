"""The import framework reads what unions really upload and writes all or nothing."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from nuanjia.core.audit import record_event
from nuanjia.core.imports import (
    CREATED,
    Column,
    Importer,
    Mode,
    RowError,
    SheetSource,
    SheetSpec,
    build_template,
    check_upload,
    error_sheet_path,
    find_layout,
    run_import,
    save_error_sheet,
    write_xlsx,
)
from nuanjia.core.models import AuditEvent


def parse_number(text: str) -> int:
    if not text.isdigit():
        raise ValidationError("编号须为数字")
    return int(text)


SPEC = SheetSpec(
    title="名单",
    columns=(
        Column("姓名", "name", required=True),
        Column("编号", "number", required=True, parse=parse_number),
        Column("类别", "category", choices=("甲", "乙")),
        Column("备注", "remark", note="随便写"),
    ),
    unique=(("number",),),
)


class RecordingImporter(Importer):
    """Writes one audit event per row, so a test can see what was committed."""

    spec = SPEC

    def __init__(self, *, refuse_on_write=()):
        self.checked: list[dict] = []
        self.refuse_on_write = set(refuse_on_write)

    def check(self, rows):
        self.checked += [dict(row.values, row=row.number) for row in rows]

    def write(self, rows):
        for row in rows:
            if row.values["name"] in self.refuse_on_write:
                row.add_error("name", "写入时被拒绝")
                continue
            record_event(None, "test.row_imported", label=row.values["name"])
            row.outcome = CREATED

    def finish(self, result):
        record_event(None, "test.imported", changes=result.counts())


def csv_bytes(text: str, encoding: str) -> io.BytesIO:
    return io.BytesIO(text.replace("\n", "\r\n").encode(encoding))


def xlsx_bytes(rows, *, merges=(), first_column: int = 1) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    for number, cells in enumerate(rows, start=1):
        for offset, value in enumerate(cells):
            if value is not None:
                sheet.cell(row=number, column=first_column + offset, value=value)
    for merge in merges:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def imported_names() -> list[str]:
    return list(
        AuditEvent.objects.filter(action="test.row_imported")
        .order_by("id")
        .values_list("object_label", flat=True)
    )


GOOD_CSV = "姓名,编号,类别,备注\n张三,1,甲,\n李四,2,乙,夜班\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_is_read_in_utf8_utf8_with_bom_and_gbk(encoding):
    importer = RecordingImporter()
    result = check_upload(
        SheetSource(csv_bytes(GOOD_CSV, encoding)), importer, mode=Mode.ALL_OR_NOTHING
    )
    assert result.sheet_errors == [] and result.errors == []
    assert importer.checked == [
        {"row": 2, "name": "张三", "number": 1, "category": "甲", "remark": ""},
        {"row": 3, "name": "李四", "number": 2, "category": "乙", "remark": "夜班"},
    ]


def test_xlsx_header_is_found_below_a_title_and_merged_group_headings():
    """Data starting in column B under a merged title, merged group headings, spaced headers."""
    upload = xlsx_bytes(
        [
            ["2026年 职工名单", None, None, None, None],
            ["基本信息", None, "其他", None, None],
            [" 姓名 ", "籍贯", "编号*", "类 别", "备注"],
            ["张三", "河南", 7.0, "甲", None],
            [None, None, None, None, None],
            ["李四", "河南", "x9", "丙", None],
        ],
        merges=["B1:F1", "B2:C2", "D2:F2"],
        first_column=2,
    )
    importer = RecordingImporter()
    result = check_upload(SheetSource(upload), importer, mode=Mode.ALL_OR_NOTHING)
    assert result.layout.header_row == 3
    assert importer.checked[0] == {
        "row": 4,
        "name": "张三",
        "number": 7,
        "category": "甲",
        "remark": "",
    }
    assert result.total == 2 and result.invalid == 1
    assert result.errors == [
        RowError(6, "D", "编号", "编号须为数字"),
        RowError(6, "E", "类别", "“丙”不是可选值之一：甲、乙。"),
    ]
    assert str(result.errors[0]) == "第6行 D列（编号）：编号须为数字"


def test_blank_rows_are_skipped_without_shifting_row_numbers():
    text = "姓名,编号\n,\n张三,1\n , \n\n李四,x\n"
    result = check_upload(
        SheetSource(csv_bytes(text, "utf-8")), RecordingImporter(), mode=Mode.ALL_OR_NOTHING
    )
    assert result.total == 2
    assert [(error.row, error.column) for error in result.errors] == [(6, "B")]


def test_a_missing_required_column_is_a_sheet_error():
    result = check_upload(
        SheetSource(csv_bytes("姓名,备注\n张三,\n", "utf-8")),
        RecordingImporter(),
        mode=Mode.ALL_OR_NOTHING,
    )
    assert result.sheet_errors == ["缺少必填列“编号”。"]


def test_a_sheet_without_the_column_names_is_refused():
    result = check_upload(
        SheetSource(csv_bytes("a,b\n1,2\n", "utf-8")), RecordingImporter(), mode=Mode.ALL_OR_NOTHING
    )
    assert len(result.sheet_errors) == 1 and "表头" in result.sheet_errors[0]


def test_a_file_that_is_no_sheet_is_refused():
    result = check_upload(
        SheetSource(io.BytesIO(b"PK\x03\x04 not really a zip")),
        RecordingImporter(),
        mode=Mode.ALL_OR_NOTHING,
    )
    assert len(result.sheet_errors) == 1 and "无法读取" in result.sheet_errors[0]


def test_a_required_cell_left_empty_and_a_repeated_key_are_row_errors():
    text = "姓名,编号\n张三,1\n,2\n王五,1\n"
    result = check_upload(
        SheetSource(csv_bytes(text, "utf-8")), RecordingImporter(), mode=Mode.ALL_OR_NOTHING
    )
    assert [str(error) for error in result.errors] == [
        "第3行 A列（姓名）：此项必填。",
        "第4行 B列（编号）：与本文件第2行重复，同一条只能出现一次。",
    ]


@pytest.mark.django_db
def test_all_or_nothing_writes_nothing_when_a_row_is_wrong():
    text = "姓名,编号\n张三,1\n李四,x\n"
    result = run_import(
        SheetSource(csv_bytes(text, "utf-8")), RecordingImporter(), mode=Mode.ALL_OR_NOTHING
    )
    assert not result.committed and result.counts()["created"] == 0
    assert imported_names() == []


@pytest.mark.django_db
def test_valid_rows_mode_writes_the_correct_rows_in_one_go():
    text = "姓名,编号\n张三,1\n李四,x\n王五,3\n"
    result = run_import(
        SheetSource(csv_bytes(text, "utf-8")), RecordingImporter(), mode=Mode.VALID_ROWS
    )
    assert result.committed
    assert result.counts() == {
        "total": 3,
        "valid": 2,
        "invalid": 1,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
    }
    assert imported_names() == ["张三", "王五"]
    assert AuditEvent.objects.get(action="test.imported").changes["created"] == 2


@pytest.mark.django_db
def test_a_row_refused_while_writing_undoes_an_all_or_nothing_import():
    text = "姓名,编号\n张三,1\n李四,2\n"
    importer = RecordingImporter(refuse_on_write={"李四"})
    result = run_import(SheetSource(csv_bytes(text, "utf-8")), importer, mode=Mode.ALL_OR_NOTHING)
    assert not result.committed and result.created == 0
    assert [str(error) for error in result.errors] == ["第3行 A列（姓名）：写入时被拒绝"]
    assert imported_names() == [] and not AuditEvent.objects.filter(action="test.imported").exists()


def _sheet_rows(path_or_buffer) -> list[tuple]:
    return list(load_workbook(path_or_buffer, read_only=True).active.iter_rows(values_only=True))


@pytest.mark.django_db
def test_the_error_sheet_holds_the_rows_not_imported_with_why(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    text = "姓名,编号,籍贯\n张三,1,河南\n=cmd,x,河南\n"
    refused = run_import(
        SheetSource(csv_bytes(text, "utf-8")), RecordingImporter(), mode=Mode.ALL_OR_NOTHING
    )
    token = save_error_sheet(refused, owner_id=42)
    rows = _sheet_rows(error_sheet_path(token, owner_id=42))
    assert rows[0] == ("姓名", "编号", "籍贯", "错误")
    assert rows[1] == ("张三", "1", "河南", None)  # nothing was imported: every row comes back
    assert rows[2] == ("=cmd", "x", "河南", "第3行 B列（编号）：编号须为数字")

    partial = run_import(
        SheetSource(csv_bytes(text, "utf-8")), RecordingImporter(), mode=Mode.VALID_ROWS
    )
    buffer = io.BytesIO()
    partial.write_error_sheet(buffer)
    assert [row[0] for row in _sheet_rows(buffer)] == ["姓名", "=cmd"]


def test_an_error_sheet_is_served_only_to_its_owner(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    result = check_upload(
        SheetSource(csv_bytes("姓名,编号\n张三,x\n", "utf-8")),
        RecordingImporter(),
        mode=Mode.ALL_OR_NOTHING,
    )
    token = save_error_sheet(result, owner_id=7)
    assert error_sheet_path(token, owner_id=7).is_file()
    assert error_sheet_path(token, owner_id=8) is None
    assert error_sheet_path("7-../../secret_key", owner_id=7) is None


def test_exports_never_let_excel_evaluate_a_cell():
    dangerous = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]
    buffer = io.BytesIO()
    write_xlsx(
        buffer,
        title="导出",
        header=["值", "数"],
        rows=[[text, 5] for text in dangerous] + [["平常", -5]],
    )
    assert b"<f>" not in zipfile.ZipFile(buffer).read("xl/worksheets/sheet1.xml")
    sheet = load_workbook(buffer).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    # XML parsers read a stored CR back as LF.
    assert [cell.value.replace("\n", "\r") for cell in cells] == [*dangerous, "平常"]
    assert all(cell.data_type == "s" for cell in cells)
    assert [cell.quotePrefix for cell in cells] == [True] * len(dangerous) + [False]
    assert sheet["B8"].value == -5


def test_the_template_explains_each_column_and_offers_the_choices():
    buffer = io.BytesIO()
    build_template(SPEC, buffer, instructions="每行一人")
    book = load_workbook(buffer)
    sheet = book["名单"]
    assert [cell.value for cell in sheet[2]] == ["姓名*", "编号*", "类别", "备注"]
    assert "必填" in sheet["A2"].comment.text and "随便写" in sheet["D2"].comment.text
    (dropdown,) = sheet.data_validations.dataValidation
    assert dropdown.type == "list" and str(dropdown.sqref).startswith("C3")
    assert [row[2] for row in book["选项"].iter_rows(values_only=True)] == ["甲", "乙"]
    assert book["选项"].sheet_state == "hidden"
    buffer.seek(0)
    layout, _rows = find_layout(SheetSource(buffer).rows(), SPEC)
    assert layout.header_row == 2 and layout.positions == {
        "name": 0,
        "number": 1,
        "category": 2,
        "remark": 3,
    }
