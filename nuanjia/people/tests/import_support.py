"""Helpers for the worker import tests: sheets as unions write them, and out-of-scope batches."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from nuanjia.orgs.models import Org
from nuanjia.orgs.services import create_staff, set_roles
from nuanjia.people.imports import HEADERS
from nuanjia.people.models import ImportBatch, ImportRowError

HEADER = list(HEADERS.values())


def row(name: str, id_number: str, **cells: str) -> list[str]:
    """A sheet row in the template's column order; other cells by key (phone="…", …)."""
    return [
        name if key == "name" else id_number if key == "id_number" else cells.get(key, "")
        for key in HEADERS
    ]


def csv_bytes(rows, *, encoding: str = "utf-8", header=HEADER) -> bytes:
    lines = [",".join(header), *(",".join(cells) for cells in rows)]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def csv_upload(rows, *, encoding: str = "utf-8", name: str = "职工.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, csv_bytes(rows, encoding=encoding))


def xlsx_bytes(rows, *, title: str | None = "惠济区职工名册", merged_groups: bool = False) -> bytes:
    """An xlsx as unions make them: a merged title row, optionally a row of merged group
    headings (基本信息 over A–D, 会员信息 over G–J) above the column names."""
    book = Workbook()
    sheet = book.active
    sheet.title = "职工名册"
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    if merged_groups:
        number = sheet.max_row + 1
        sheet.cell(row=number, column=1, value="基本信息")
        sheet.merge_cells(start_row=number, start_column=1, end_row=number, end_column=4)
        sheet.cell(row=number, column=7, value="会员信息")
        sheet.merge_cells(start_row=number, start_column=7, end_row=number, end_column=10)
    sheet.append(HEADER)
    for cells in rows:
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_upload(rows, **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile("职工.xlsx", xlsx_bytes(rows, **kwargs))


def import_rows(union, marker: str) -> dict[str, int]:
    """A finished 开封 import carrying the marker in its file name and errors; the walker's
    `batch_id`."""
    owner = marked_staff("410204", "kf_importer", marker)
    batch = ImportBatch.objects.create(
        org=union.parent,
        mode="valid_rows",
        file_name=f"{marker}.csv",
        status=ImportBatch.Status.DONE,
        total=2,
        errors=1,
        created=1,
        error_sheet=f"{owner.pk}-{'0' * 32}",
        created_by=owner,
    )
    ImportRowError.objects.create(batch=batch, row=3, column="A", header="姓名", message=marker)
    return {"batch_id": batch.pk}


def marked_staff(org_code: str, username: str, marker: str, *roles: str):
    """A staff account of another county whose full name carries the scoping walker's marker."""
    staff = create_staff(
        org=Org.objects.get(code=org_code),
        username=username,
        full_name=marker,
        password="Other#County2026",
        by=None,
    )
    if roles:
        set_roles(staff, set(roles), by=None)
    return staff


def run_csv(by, directory, rows) -> ImportBatch:
    """Import rows as a CSV file for `by`'s union, in valid-rows mode, as the task runs it."""
    from nuanjia.people.imports import run_import_batch

    path = directory / "sheet.csv"
    path.write_bytes(csv_bytes(rows))
    batch = ImportBatch.objects.create(
        org=by.org, mode="valid_rows", file_name="sheet.csv", stored_file=str(path), created_by=by
    )
    return run_import_batch(batch)


def grassroots_union():
    """A grassroots union under 惠济区总工会, for the sheets' union-code column."""
    from nuanjia.orgs.services import create_grassroots_union

    return create_grassroots_union(
        parent=Org.objects.get(code="410108"),
        name="郑州惠济区百味餐饮管理有限公司工会",
        kind=Org.Kind.ENTERPRISE,
        by=None,
    )
