"""Reading a sheet (xlsx or CSV, streaming): the encoding, the header row, each row parsed."""

import codecs
import contextlib
import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

from ..text import first_forbidden, forbidden_message
from .rows import ImportRow, Layout, RowError, duplicate_of
from .spec import Column, SheetSpec

# A CSV cell may be far longer than the csv module's default 131,072 characters: read it, and
# let its column's parser say it is too long, instead of calling the whole file unreadable.
CSV_FIELD_LIMIT = 16 * 1024 * 1024
csv.field_size_limit(CSV_FIELD_LIMIT)

HEADER_SCAN_ROWS = (
    20  # the header row is looked for among the first rows (titles, merged cells above)
)
CHUNK_SIZE = 1000  # rows handed to an importer's check and write at a time


class UnreadableFile(Exception):
    pass


def cell_text(value: Any) -> str:
    """A cell as the text the user typed: 410108.0 is "410108", dates are ISO, spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def is_numeric_cell(value: Any) -> bool:
    """A workbook cell Excel holds as a number (not text, not a date, not a boolean)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def numeric_cell_message() -> str:
    return _(
        "This column must be formatted as text: Excel stored the number as a number and its "
        "last digits are lost."
    )


def cell_problem(column: Column, value: Any, text: str) -> str | None:
    """What is wrong with a cell before its column parses it: a number Excel rounded in a
    text-only column, or a control or bidi character."""
    if column.text_only and is_numeric_cell(value):
        return numeric_cell_message()
    found = first_forbidden(text)
    return forbidden_message(found) if found else None


def detect_encoding(file: BinaryIO) -> str:
    """UTF-8 (with or without BOM) when the whole file decodes as UTF-8, else GB18030 (⊇ GBK).

    Reads the file once in 1 MB pieces, so memory stays flat whatever its size.
    """
    file.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := file.read(1 << 20):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "gb18030"
    finally:
        file.seek(0)
    return "utf-8-sig"


def _is_workbook(file: BinaryIO) -> bool:
    """xlsx/ods are zip files and xls an OLE file; anything else is read as CSV."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    return head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))


class SheetSource:
    """An uploaded file that can be read more than once, as rows of cells.

    Workbooks (xlsx, xls, ods) are read through calamine, from the sheet named like the
    spec or else the first visible one; anything else is CSV in UTF-8, UTF-8 with BOM or GBK.
    """

    def __init__(self, file: BinaryIO, *, sheet_title: str = "", name: str = ""):
        self.file = file
        self.sheet_title = sheet_title
        self.name = name
        self.is_workbook = _is_workbook(file)
        self.encoding = "" if self.is_workbook else detect_encoding(file)

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """(row number as Excel shows it, cells from column A) for every row, blank ones too."""
        self.file.seek(0)
        if self.is_workbook:
            return self._workbook_rows()
        return self._csv_rows()

    def _workbook_rows(self) -> Iterator[tuple[int, list[Any]]]:
        try:
            book = CalamineWorkbook.from_filelike(self.file)
            sheet = book.get_sheet_by_name(self._sheet_name(book))
        except (CalamineError, ValueError, OSError) as error:
            raise UnreadableFile(str(error)) from error
        # calamine starts rows at row 1 but columns at the first used one: pad back to column A.
        padding = [""] * (sheet.start[1] if sheet.start else 0)
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            yield number, padding + cells

    def _sheet_name(self, book: CalamineWorkbook) -> str:
        if self.sheet_title in book.sheet_names:
            return self.sheet_title
        visible = [
            meta.name for meta in book.sheets_metadata if meta.visible == SheetVisibleEnum.Visible
        ]
        return (visible or book.sheet_names)[0]

    def _csv_rows(self) -> Iterator[tuple[int, list[Any]]]:
        errors = "strict" if self.encoding.startswith("utf-8") else "replace"
        text = io.TextIOWrapper(self.file, encoding=self.encoding, errors=errors, newline="")
        try:
            yield from enumerate(csv.reader(text), start=1)
        except csv.Error as error:
            raise UnreadableFile(str(error)) from error
        finally:
            # Leave the upload open for the next pass; a reader dropped after the file was
            # closed (a caller that stopped early) has nothing left to detach.
            with contextlib.suppress(ValueError):
                text.detach()


def _header_key(value: Any) -> str:
    """Header text as compared: no spaces anywhere, no required-marker asterisk."""
    return "".join(cell_text(value).split()).strip("*＊")


def find_layout(
    rows: Iterator[tuple[int, list[Any]]], spec: SheetSpec
) -> tuple[Layout | None, Iterator[tuple[int, list[Any]]]]:
    """Find the header row among the first rows; return it and the rows below it.

    The header is the row naming the most of the spec's columns, so title rows, blank rows
    and merged group headings above it are passed over and unknown columns are ignored.
    """
    keys_by_header = {_header_key(column.header): column.key for column in spec.columns}
    scanned: list[tuple[int, list[Any]]] = []
    best: tuple[int, dict[str, int]] | None = None
    for number, cells in itertools.islice(rows, HEADER_SCAN_ROWS):
        scanned.append((number, cells))
        positions: dict[str, int] = {}
        for index, cell in enumerate(cells):
            key = keys_by_header.get(_header_key(cell))
            if key is not None:
                positions.setdefault(key, index)
        if positions and (best is None or len(positions) > len(best[1])):
            best = (len(scanned) - 1, positions)
        if len(positions) == len(keys_by_header):
            break
    if best is None:
        return None, iter(())
    index, positions = best
    number, cells = scanned[index]
    layout = Layout(number, tuple(cells), positions)
    return layout, itertools.chain(scanned[index + 1 :], rows)


def parse_row(number: int, cells: list[Any], spec: SheetSpec, layout: Layout) -> ImportRow:
    """Parse every column of one row, collecting every error."""
    row = ImportRow(number, cells, spec, layout)
    for column in spec.columns:
        index = layout.positions.get(column.key)
        value = cells[index] if index is not None and index < len(cells) else None
        text = cell_text(value)
        problem = cell_problem(column, value, text)
        if problem:
            row.add_error(column.key, problem)
            continue
        if not text:
            if column.required:
                row.add_error(column.key, _("This cell is required."))
            else:
                row.values[column.key] = ""
            continue
        if column.choices and text not in column.choices:
            row.add_error(
                column.key,
                _('"%(value)s" is not one of: %(choices)s.')
                % {"value": text, "choices": "、".join(column.choices)},
            )
            continue
        try:
            row.values[column.key] = column.parse(text)
        except ValidationError as error:
            for message in error.messages:
                row.add_error(column.key, message)
    return row


def _data_rows(source: SheetSource, spec: SheetSpec) -> tuple[Layout | None, Iterator[ImportRow]]:
    """The layout and the parsed non-empty rows below the header."""
    layout, rows = find_layout(source.rows(), spec)
    if layout is None:
        return None, iter(())
    parsed = (
        parse_row(number, cells, spec, layout)
        for number, cells in rows
        if any(cell_text(cell) for cell in cells)
    )
    return layout, parsed


def _chunks(rows: Iterable[ImportRow], size: int = CHUNK_SIZE) -> Iterator[list[ImportRow]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _flag_duplicate(
    row: ImportRow, first_rows: dict[tuple[str, ...], dict[tuple[Any, ...], int]]
) -> None:
    for keys, seen in first_rows.items():
        values = tuple(row.values.get(key) for key in keys)
        if any(value in (None, "") for value in values):
            continue
        first = seen.setdefault(values, row.number)
        if first != row.number:
            row.add_error(keys[-1], duplicate_of(first))


def _column_order(error: RowError) -> tuple[int, str]:
    """Errors of a row from left to right ("" first, then A…Z, AA…), else in the order found."""
    return (len(error.column), error.column)
