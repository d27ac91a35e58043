"""The training register from Excel: every row right enrols them all; a row naming a worker
who is not in the union's registry, a wrong name or a worker already on the course is named
by row and column and nothing is written."""

import io

import openpyxl
import pytest

from nuanjia.core.imports import Mode
from nuanjia.skills.imports_enrolment import SHEET_TITLE, import_enrolments, write_register_template
from nuanjia.skills.models import Enrolment

from .conftest import number_of

pytestmark = pytest.mark.django_db


def _sheet(rows) -> io.BytesIO:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    sheet.append(["身份证号", "姓名"])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_a_good_register_enrols_everyone(course, workers, caseworker):
    result = import_enrolments(
        course, _sheet([(number_of(w), w.name) for w in workers]), by=caseworker, file_name="a.xlsx"
    )
    assert result.committed, result.errors
    assert Enrolment.objects.filter(course=course).count() == 3


def test_a_bad_row_is_named_and_nothing_is_written(course, workers, caseworker):
    rows = [(number_of(workers[0]), "张一"), (number_of(workers[1]), "王二"),
            ("410102199001011234", "无名")]  # fmt: skip
    result = import_enrolments(course, _sheet(rows), by=caseworker, mode=Mode.ALL_OR_NOTHING)
    assert not result.committed
    errors = {(e.row, e.header) for e in result.errors}
    assert (3, "姓名") in errors and (4, "身份证号") in errors
    assert not Enrolment.objects.exists()


def test_the_template_has_the_sheet(tmp_path):
    out = io.BytesIO()
    write_register_template(out)
    out.seek(0)
    assert SHEET_TITLE in openpyxl.load_workbook(out).sheetnames
