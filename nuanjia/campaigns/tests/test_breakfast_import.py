"""A shop's paper list uploaded as a sheet: file errors refuse the whole file naming the row
and column (nothing written); otherwise every row is checked against the breakfast rule."""

import datetime
import io

import pytest

from nuanjia.campaigns import imports_breakfast
from nuanjia.campaigns.imports_breakfast import SHEET_TITLE, import_meal_list
from nuanjia.campaigns.partner_models import Meal, MealList
from nuanjia.core.models import AuditEvent

from .breakfast_support import LAST4, enrolled_worker, number_of, said, second_shop
from .partner_support import sheet_file

pytestmark = pytest.mark.django_db
HEADER = ["会员号", "身份证后四位", "日期", "时间"]


def _sheet(*rows, header=HEADER) -> io.BytesIO:
    return sheet_file(SHEET_TITLE, header, *rows)


def test_an_uploaded_list_records_the_valid_rows_and_keeps_the_refused(
    breakfast_activity, breakfast_contract, shop, province_planner
):
    from nuanjia.campaigns import services

    _partner, outlet, person = shop
    _other, other_outlet, other_person = second_shop(breakfast_activity, province_planner)
    scanned, paper = enrolled_worker(breakfast_activity), enrolled_worker(breakfast_activity)
    services.scan_breakfast(
        other_person, outlet=other_outlet.pk, number=number_of(scanned), id_last4=LAST4,
        at=datetime.datetime(2026, 12, 3, 7, 0, tzinfo=services.breakfasts.ZONE),
    )  # fmt: skip
    sheet = _sheet(
        (number_of(scanned), LAST4, "2026-12-03", "07:40"),
        (number_of(paper), LAST4, datetime.date(2026, 12, 3), "07:45"),
    )
    outcome = import_meal_list(sheet, person, outlet=outlet.pk, file_name="12月3日.xlsx")
    assert outcome.errors == []
    meal_list = outcome.meal_list
    assert (meal_list.rows, meal_list.recorded, meal_list.refused) == (2, 1, 1)
    assert meal_list.refusals == [
        {
            "row": 2,
            "reason": said(
                "Already had breakfast on %(day)s (at %(time)s, %(outlet)s).",
                day="2026-12-03",
                time="07:00",
                outlet="中州路店",
            ),
        }
    ]
    assert meal_list.file_name == "12月3日.xlsx"
    assert Meal.objects.get(worker=paper).meal_list == meal_list
    assert AuditEvent.objects.filter(action="campaigns.meal_list_recorded").count() == 1


TEXT_ONLY = (
    "This column must be formatted as text: Excel stored the number as a number and its "
    "last digits are lost."
)


def _cell_error(row, column, header, message):
    return said(
        "%(row)s, %(column)s: %(message)s",
        row=said("Row %(row)d", row=row),
        column=said("Column %(column)s (%(header)s)", column=column, header=header),
        message=said(message),
    )


@pytest.mark.parametrize(
    ("rows", "header", "expected"),
    [
        ([("M1", LAST4, "2026-12-03")], ["会员号", "日期"], ("The required column %(header)s is missing.", "身份证后四位")),
        ([("NUMBER", LAST4, "12月3日")], HEADER, (3, "C", "日期", "Enter a date such as 2024-03-01.")),
        ([(10000000123, LAST4, "2026-12-03")], HEADER, (3, "A", "会员号", TEXT_ONLY)),
        ([("NUMBER", 1234, "2026-12-03")], HEADER, (3, "B", "身份证后四位", TEXT_ONLY)),
    ],
)  # fmt: skip
def test_a_bad_file_is_refused_whole_naming_the_row_and_column(
    breakfast_activity, breakfast_contract, shop, rows, header, expected
):
    _partner, outlet, person = shop
    good = enrolled_worker(breakfast_activity)
    first = (number_of(good), LAST4, "2026-12-03")
    filled = [tuple(number_of(good) if cell == "NUMBER" else cell for cell in row) for row in rows]
    outcome = import_meal_list(_sheet(first, *filled, header=header), person, outlet=outlet.pk)
    assert outcome.meal_list is None
    is_sheet_error = len(expected) == 2
    wanted = said(expected[0], header=expected[1]) if is_sheet_error else _cell_error(*expected)
    assert wanted in outcome.errors, outcome.errors
    assert not Meal.objects.exists() and not MealList.objects.exists()


def test_a_file_over_the_row_limit_is_refused(
    breakfast_activity, breakfast_contract, shop, monkeypatch
):
    monkeypatch.setattr(imports_breakfast, "PARTNER_IMPORT_MAX_ROWS", 2)
    _partner, outlet, person = shop
    worker = enrolled_worker(breakfast_activity)
    rows = [(number_of(worker), LAST4, f"2026-12-0{day}") for day in (1, 2, 3)]
    outcome = import_meal_list(_sheet(*rows), person, outlet=outlet.pk)
    assert outcome.errors == [
        said("The file has %(rows)d rows; at most %(limit)d are read at a time.", rows=3, limit=2)
    ]
    assert not Meal.objects.exists() and not MealList.objects.exists()
