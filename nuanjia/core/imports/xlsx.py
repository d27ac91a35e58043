"""Writing xlsx: formula-safe cells, plain exports, and templates with notes and dropdowns."""

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .spec import Column, SheetSpec

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OPTIONS_SHEET_TITLE = "选项"  # hidden sheet holding the template's dropdown values
TEMPLATE_ROWS = 5000  # rows below the header that get the template's dropdowns
# Text starting with one of these is a formula (or DDE payload) to Excel, WPS and LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(sheet: Any, value: Any) -> Any:
    """A value for a write-only sheet that Excel shows exactly as given.

    Text that Excel would take for a formula (=, +, -, @, tab, CR first) is written as a
    string cell with the quote prefix, so it is never evaluated, not even once edited;
    the text itself is kept, so an export can be imported again unchanged. Characters
    that xlsx cannot hold are dropped.
    """
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not value.startswith(FORMULA_TRIGGERS):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def write_xlsx(
    destination: Any, *, title: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> None:
    """Write a one-sheet xlsx, streaming (openpyxl write-only), every cell formula-safe."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    sheet.append([safe_cell(sheet, value) for value in header])
    for row in rows:
        sheet.append([safe_cell(sheet, value) for value in row])
    book.save(destination)


def _column_comment(column: Column) -> str:
    lines = [str(column.note)] if column.note else []
    lines.append(_("Required.") if column.required else _("Optional."))
    if column.choices:
        lines.append(_("One of: %(choices)s") % {"choices": "、".join(column.choices)})
    return "\n".join(lines)


def build_template(
    spec: SheetSpec,
    destination: Any,
    *,
    instructions: str,
    options: dict[str, Sequence[str]] | None = None,
) -> None:
    """The blank sheet users fill in: instructions, the header row, a note per column.

    Row 1 holds the instructions (the reader skips it), row 2 the headers with required ones
    marked *, each with a comment explaining it; columns with choices get a dropdown that
    refuses anything else, columns with suggestions (or `options` given for this user, by
    column key, such as the codes of their own unions) a dropdown that still accepts typed
    text. Every column is text so codes keep their leading zeros and all 18 characters.
    """
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook has one worksheet, active
    sheet.title = spec.title
    title = sheet.cell(row=1, column=1, value=instructions)
    title.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(spec.columns))
    sheet.row_dimensions[1].height = 60
    hidden = None
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(
            row=2, column=index, value=column.header + ("*" if column.required else "")
        )
        header.font = Font(bold=True)
        header.comment = Comment(_column_comment(column), "nuanjia", width=300, height=120)
        sheet.column_dimensions[letter].width = max(16, 3 * len(column.header))
        sheet.column_dimensions[letter].number_format = "@"
        values = tuple(column.choices or (options or {}).get(column.key) or column.suggestions)
        if not values:
            continue
        if hidden is None:
            hidden = book.create_sheet(OPTIONS_SHEET_TITLE)
            hidden.sheet_state = "hidden"
        for position, value in enumerate(values, start=1):
            hidden.cell(row=position, column=index, value=value)
        strict = bool(column.choices)
        dropdown = DataValidation(
            type="list",
            formula1=f"'{OPTIONS_SHEET_TITLE}'!${letter}$1:${letter}${len(values)}",
            allow_blank=not column.required,
            showErrorMessage=strict,
            error=_("Choose a value from the list.") if strict else None,
        )
        dropdown.add(f"{letter}3:{letter}{TEMPLATE_ROWS + 2}")
        sheet.add_data_validation(dropdown)
    sheet.freeze_panes = "A3"
    book.save(destination)
