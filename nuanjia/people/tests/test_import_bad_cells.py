"""Cells that broke the worker import or slipped through: an empty ID cell, IDs and bank
numbers that Excel stored as numbers, and a CSV cell longer than the csv module allows."""

import datetime

import pytest
from django.urls import reverse

from nuanjia.people.models import ImportBatch, ImportRowError, Worker

from .import_support import csv_upload, row, xlsx_upload
from .support import id_number

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("immediate_tasks")]
IMPORT_URL = reverse("people_import:import")
BORN = datetime.date(1985, 6, 15)


def _import(client, upload) -> tuple[ImportBatch, list[str]]:
    client.post(IMPORT_URL, {"file": upload, "mode": "all_or_nothing"})
    batch = ImportBatch.objects.latest("pk")
    errors = [str(error) for error in ImportRowError.objects.filter(batch=batch).order_by("row")]
    return batch, errors


def test_an_empty_id_cell_is_reported_with_its_row_and_column(login, caseworker, union):
    good = row("张三", id_number("410108", BORN, 101))
    empty = row("李四", "")
    batch, errors = _import(login(caseworker), xlsx_upload([good, empty]))
    assert batch.status != "crashed"
    assert len(errors) == 1 and "身份证" in errors[0]
    assert Worker.objects.count() == 0


def test_an_id_stored_by_excel_as_a_number_is_refused_not_rounded(login, caseworker, union):
    number = id_number("410108", BORN, 101)
    numeric = row("张三", "")
    numeric[1] = float(number)  # what Excel keeps of 18 digits: 15 significant ones
    _batch, errors = _import(login(caseworker), xlsx_upload([numeric]))
    assert len(errors) == 1
    assert "该列应为文本格式" in errors[0]
    assert Worker.objects.count() == 0


def test_a_csv_cell_over_the_csv_module_limit_is_reported_not_unreadable(login, caseworker, union):
    long = row("张三", id_number("410108", BORN, 101), address="长" * 140_000)
    batch, errors = _import(login(caseworker), csv_upload([long]))
    assert batch.status != "unreadable"
    assert errors == ["第2行 D列（住址）：此项最多 200 个字符。"]
    assert Worker.objects.count() == 0


def test_a_bank_account_stored_as_a_number_is_refused(login, caseworker, union):
    cells = row("张三", id_number("410108", BORN, 101), bank_name="中国工商银行")
    cells[-1] = 6222021234567890123.0
    _batch, errors = _import(login(caseworker), xlsx_upload([cells]))
    assert len(errors) == 1 and "该列应为文本格式" in errors[0] and "银行账号" in errors[0]
    assert Worker.objects.count() == 0


def test_a_bidi_override_in_a_name_cell_is_refused_with_row_and_column(login, caseworker, union):
    cells = row("张三\u202e五王", id_number("410108", BORN, 101))
    _batch, errors = _import(login(caseworker), csv_upload([cells]))
    assert errors == ["第2行 A列（姓名）：不能含有控制字符或双向文字控制符（发现 U+202E）。"]
    assert Worker.objects.count() == 0


def test_a_failed_import_keeps_its_file_only_encrypted(login, caseworker, union, monkeypatch):
    from pathlib import Path

    from nuanjia.people import imports

    def crash(self, params):
        raise ConnectionError("the database went away")

    monkeypatch.setattr(imports._Stage, "write_name_keys", crash)
    number = id_number("410108", BORN, 101)
    batch, _errors = _import(login(caseworker), csv_upload([row("张三", number)]))
    batch.refresh_from_db()
    assert batch.status == "failed"
    kept = Path(batch.stored_file)
    assert kept.name.endswith(".sealed")
    assert number.encode() not in kept.read_bytes() and "张三".encode() not in kept.read_bytes()
    assert oct(kept.stat().st_mode & 0o777) == "0o600"


def test_the_error_sheet_masks_id_numbers(login, caseworker, union, settings):
    import io
    from pathlib import Path

    from openpyxl import load_workbook

    number = id_number("410108", BORN, 101)
    client = login(caseworker)
    batch, errors = _import(client, csv_upload([row("张三", number, phone="12")]))
    batch.refresh_from_db()
    assert errors and batch.error_sheet
    sheet = client.get(reverse("people_import:batch_errors", args=[batch.pk]))
    body = b"".join(sheet.streaming_content) if sheet.streaming else sheet.content
    cells = [
        c for r in load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True) for c in r
    ]
    assert number not in cells
    assert f"{number[:4]}**********{number[-4:]}" in cells
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.csv"))  # the refused upload is gone
