"""The import framework: read a sheet (xlsx or CSV) against a column spec, check every row, write in one transaction.

Also the xlsx writers every import and export shares: templates, error sheets and
formula-safe exports.

An import reads the file twice, streaming both times. The first pass parses and checks every
row without writing, so a refused all-or-nothing import never takes a write lock. The second
pass, inside one `transaction.atomic()`, checks the rows that passed again (the database may
have moved on) and writes them. Rows go to the sheet's importer in chunks so it can look things
up set-based, one query per chunk; only the errors and the keys that must be unique in the file
are kept in memory.
"""

import codecs
import contextlib
import csv
import io
import itertools
import re
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

from .audit import record_event

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UPLOAD_MB = 50
HEADER_SCAN_ROWS = (
    20  # the header row is looked for among the first rows (titles, merged cells above)
)
CHUNK_SIZE = 1000  # rows handed to an importer's check and write at a time
ERROR_COLUMN_HEADER = "错误"
OPTIONS_SHEET_TITLE = "选项"  # hidden sheet holding the template's dropdown values
TEMPLATE_ROWS = 5000  # rows below the header that get the template's dropdowns
# Text starting with one of these is a formula (or DDE payload) to Excel, WPS and LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ERROR_SHEET_DIR = "imports"
ERROR_SHEET_MAX_AGE = timedelta(hours=24)  # error sheets may hold personal data: keep them a day
ERROR_SHEET_TOKEN = re.compile(r"^(?P<owner>\d+)-[0-9a-f]{32}$")

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


class Mode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", gettext_lazy("Import only if every row is correct")
    VALID_ROWS = "valid_rows", gettext_lazy("Import only the correct rows")


# --- the spec of a sheet --------------------------------------------------------------------


def plain_text(text: str) -> str:
    return text


@dataclass(frozen=True)
class Column:
    """One column of a sheet.

    `parse` gets the cell's text (stripped, never empty) and returns the value or raises
    ValidationError with a message in Chinese. `choices` are the only texts accepted (and
    the template's dropdown). `suggestions` fill the template's dropdown without limiting
    what may be typed (several occupations in one cell, a code the importer checks itself).
    `note` explains the column in the template.
    """

    header: str  # as printed in the sheet: the union's own (Chinese) vocabulary
    key: str
    required: bool = False
    parse: Callable[[str], Any] = plain_text
    choices: tuple[str, ...] = ()
    note: str = ""
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True)
class SheetSpec:
    """A sheet's title and columns.

    `unique` lists the column keys whose values may appear only once in a file, e.g.
    ("parent_code", "name"); a repeat is an error on the row, in the last key's column.
    """

    title: str
    columns: tuple[Column, ...]
    unique: tuple[tuple[str, ...], ...] = ()

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


# --- rows and errors ------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """A problem in one row (and column) of the file, numbered as Excel shows them."""

    row: int
    column: str  # "C", or "" when the problem concerns the whole row
    header: str
    message: str

    @property
    def row_label(self) -> str:
        return _("Row %(row)d") % {"row": self.row}

    @property
    def column_label(self) -> str:
        if not self.column:
            return ""
        return _("Column %(column)s (%(header)s)") % {"column": self.column, "header": self.header}

    def __str__(self) -> str:
        if not self.column:
            return _("Row %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        return _("Row %(row)d, column %(column)s (%(header)s): %(message)s") % {
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "message": self.message,
        }


def duplicate_of(first_row: int) -> str:
    """The message for a row that repeats an earlier row of the same file."""
    return _("Same as row %(row)d of this file; each entry may appear only once.") % {
        "row": first_row
    }


@dataclass(frozen=True)
class Layout:
    """Where the header row is and which column holds which key."""

    header_row: int
    header_cells: tuple[Any, ...]
    positions: dict[str, int]  # column key -> 0-based column index (0 is column A)

    def letter(self, key: str) -> str:
        index = self.positions.get(key)
        return "" if index is None else get_column_letter(index + 1)


@dataclass
class ImportRow:
    """One data row: its cells, the values that parsed, and its errors.

    `values` holds only the columns that parsed (an empty optional cell is ""), so a check
    skips what an earlier error already reported. `context` is the importer's: what its
    check found (a parent org, the existing row to update) for its write.
    """

    number: int
    cells: list[Any]
    spec: SheetSpec
    layout: Layout
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)
    outcome: str = ""  # CREATED, UPDATED or UNCHANGED, set by the importer's write

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def add_error(self, key: str | None, message: str) -> None:
        """Record a problem in the column of `key` (None: the row as a whole)."""
        letter = self.layout.letter(key) if key else ""
        header = self.spec.column(key).header if letter else ""
        self.errors.append(RowError(self.number, letter, header, str(message)))


class Importer:
    """What one kind of sheet does with its rows; subclass it per sheet."""

    spec: SheetSpec

    def check(self, rows: list[ImportRow]) -> None:
        """Check a chunk of parsed rows against the database (set-based); add errors to rows.

        Called on every row in the checking pass, those with errors too (their `values` lack
        what did not parse), and again on the valid rows just before they are written, inside
        the transaction.
        """

    def write(self, rows: list[ImportRow]) -> None:
        """Write a chunk of valid rows: set each row's outcome, or add an error if refused."""
        raise NotImplementedError

    def finish(self, result: "ImportResult") -> None:
        """Called once inside the transaction after every row is written (summary event)."""


# --- reading --------------------------------------------------------------------------------


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
        text = cell_text(cells[index]) if index is not None and index < len(cells) else ""
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


def _flag_duplicate(row: ImportRow, first_rows: dict[tuple[str, ...], dict[tuple, int]]) -> None:
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


# --- results --------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import found and did; `committed` is True once its rows are saved."""

    spec: SheetSpec
    mode: str
    source: SheetSource | None = None
    layout: Layout | None = None
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    committed: bool = False
    sheet_errors: list[str] = field(default_factory=list)
    errors_by_row: dict[int, list[RowError]] = field(default_factory=dict)

    @property
    def invalid(self) -> int:
        return len(self.errors_by_row)

    @property
    def valid(self) -> int:
        return self.total - self.invalid

    @property
    def errors(self) -> list[RowError]:
        return [
            error for number in sorted(self.errors_by_row) for error in self.errors_by_row[number]
        ]

    @property
    def can_commit(self) -> bool:
        if self.sheet_errors or not self.valid:
            return False
        return self.mode == Mode.VALID_ROWS or not self.invalid

    def counts(self) -> dict[str, int]:
        return {
            "total": self.total,
            "valid": self.valid,
            "invalid": self.invalid,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }

    def add_rows(self, rows: list[ImportRow]) -> None:
        """Tally checked (and possibly written) rows; a row refused on writing becomes invalid."""
        for row in rows:
            if row.errors:
                self.errors_by_row[row.number] = sorted(row.errors, key=_column_order)
            elif row.outcome:
                setattr(self, row.outcome, getattr(self, row.outcome) + 1)

    def write_error_sheet(self, destination: Any) -> None:
        """An xlsx of the rows that were not imported, as read, with an extra 错误 column.

        After a refused all-or-nothing import that is every row (correct ones with an empty
        错误 cell), so the user fixes the sheet and uploads it again; after a valid-rows import
        it is only the refused rows. The extra column is ignored when the sheet comes back.
        """
        assert self.source is not None
        messages = (
            (number, str(error))
            for number in sorted(self.errors_by_row)
            for error in self.errors_by_row[number]
        )
        write_annotated_sheet(
            destination,
            source=self.source,
            spec=self.spec,
            messages=messages,
            only_refused=self.committed,
        )


def write_annotated_sheet(
    destination: Any,
    *,
    source: SheetSource,
    spec: SheetSpec,
    messages: Iterable[tuple[int, str]],
    only_refused: bool,
    rows: Iterable[tuple[int, list[Any]]] | None = None,
) -> None:
    """The error sheet: the file's rows as read, with an extra 错误 column.

    `messages` are (row number, text) pairs in row order, several per row allowed; they are
    merged with a second streaming read of the file, so neither the file nor the errors
    have to fit in memory. With `only_refused`, rows without a message are left out (the
    others were imported); otherwise every non-empty row is written. Cells right of the
    header have no column name and were ignored: they are dropped. A caller that can find
    the rows below the header faster than a full read (only those it needs) passes `rows`.
    """
    layout, all_rows = find_layout(source.rows(), spec)
    assert layout is not None
    rows = all_rows if rows is None else rows
    header = [*layout.header_cells, ERROR_COLUMN_HEADER]
    width = len(layout.header_cells)
    pending = iter(messages)
    upcoming = next(pending, None)

    def annotated() -> Iterator[list[Any]]:
        nonlocal upcoming
        for number, cells in rows:
            texts = []
            while upcoming is not None and upcoming[0] <= number:
                if upcoming[0] == number:
                    texts.append(upcoming[1])
                upcoming = next(pending, None)
            if (only_refused and not texts) or not any(cell_text(cell) for cell in cells):
                continue
            padded = [*cells[:width], *[""] * (width - len(cells))]
            yield [*padded, "\n".join(texts)]

    write_xlsx(destination, title=spec.title, header=header, rows=annotated())


# --- running an import ----------------------------------------------------------------------


class _RolledBack(Exception):
    """Raised inside the transaction to undo an all-or-nothing import refused while writing."""


def check_upload(source: SheetSource, importer: Importer, *, mode: str) -> ImportResult:
    """First pass: parse and check every row, write nothing."""
    spec = importer.spec
    result = ImportResult(spec=spec, mode=mode, source=source)
    try:
        layout, rows = _data_rows(source, spec)
        if layout is None:
            headers = "、".join(column.header for column in spec.columns)
            result.sheet_errors.append(
                _("No header row found: the sheet needs a row with the column names %(headers)s.")
                % {"headers": headers}
            )
            return result
        result.layout = layout
        missing = [
            column.header
            for column in spec.columns
            if column.required and column.key not in layout.positions
        ]
        if missing:
            result.sheet_errors += [
                _("The required column %(header)s is missing.") % {"header": header}
                for header in missing
            ]
            return result
        first_rows: dict[tuple[str, ...], dict[tuple, int]] = {keys: {} for keys in spec.unique}
        for chunk in _chunks(rows):
            for row in chunk:
                _flag_duplicate(row, first_rows)
            importer.check(chunk)
            result.total += len(chunk)
            result.add_rows(chunk)
    except UnreadableFile:
        result.sheet_errors.append(
            _("The file could not be read; upload an Excel workbook (xlsx) or a CSV file.")
        )
        return result
    if result.total == 0:
        result.sheet_errors.append(_("The sheet has no rows below the header row."))
    return result


def commit_upload(result: ImportResult, importer: Importer) -> None:
    """Second pass: check the valid rows again and write them, all in one transaction."""
    assert result.source is not None
    try:
        with transaction.atomic():
            _layout, rows = _data_rows(result.source, result.spec)
            valid_rows = (row for row in rows if row.number not in result.errors_by_row)
            for chunk in _chunks(valid_rows):
                importer.check(chunk)
                importer.write([row for row in chunk if row.is_valid])
                result.add_rows(chunk)
            if result.mode == Mode.ALL_OR_NOTHING and result.invalid:
                raise _RolledBack
            result.committed = True
            importer.finish(result)
    except _RolledBack:
        result.committed = False
        result.created = result.updated = result.unchanged = 0


def run_import(source: SheetSource, importer: Importer, *, mode: str) -> ImportResult:
    """Check the whole file, then write it (or its valid rows, by `mode`) in one transaction."""
    result = check_upload(source, importer, mode=mode)
    if result.can_commit:
        commit_upload(result, importer)
    return result


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (xlsx or CSV)"))
    mode = forms.ChoiceField(
        label=gettext_lazy("When some rows have errors"),
        choices=Mode.choices,
        initial=Mode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )

    max_upload_mb = MAX_UPLOAD_MB  # a sheet imported in the background may allow more

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_upload_mb * 1024 * 1024:
            raise ValidationError(
                _("The file is larger than %(size)d MB.") % {"size": self.max_upload_mb}
            )
        return upload


# --- error sheets kept for download ---------------------------------------------------------


def _error_sheet_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / ERROR_SHEET_DIR


def _prune_error_sheets(directory: Path) -> None:
    cutoff = time.time() - ERROR_SHEET_MAX_AGE.total_seconds()
    for path in directory.glob("*.xlsx"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def save_error_sheet(result: ImportResult, *, owner_id: int) -> str:
    """Write the result's error sheet for download and return its token (see `save_owned_sheet`)."""
    return save_owned_sheet(result.write_error_sheet, owner_id=owner_id)


def save_owned_sheet(write: Callable[[Path], None], *, owner_id: int) -> str:
    """Write a sheet with `write(path)` for its owner to download, and return its token.

    The token starts with the owner's id: only they may fetch it (see `error_sheet_path`).
    Sheets older than ERROR_SHEET_MAX_AGE are removed on the way.
    """
    directory = _error_sheet_dir()
    directory.mkdir(parents=True, exist_ok=True)
    _prune_error_sheets(directory)
    token = f"{owner_id}-{secrets.token_hex(16)}"
    write(directory / f"{token}.xlsx")
    return token


def error_sheet_path(token: str, *, owner_id: int) -> Path | None:
    """The saved error sheet of `token` when it exists and belongs to `owner_id`, else None."""
    match = ERROR_SHEET_TOKEN.match(token)
    if match is None or int(match["owner"]) != owner_id:
        return None
    path = _error_sheet_dir() / f"{token}.xlsx"
    return path if path.is_file() else None


SHOWN_ERRORS = 200  # an import page lists this many errors; the error sheet has them all


def result_context(result: ImportResult, *, owner_id: int | None = None) -> dict[str, Any]:
    """What an import page shows of a result: the first SHOWN_ERRORS errors, how many more,
    and, for an owner, the token of the error sheet with all of them."""
    errors = result.errors
    context = {
        "result": result,
        "errors": errors[:SHOWN_ERRORS],
        "more_errors": max(0, len(errors) - SHOWN_ERRORS),
    }
    if owner_id is not None:
        context["import_token"] = save_error_sheet(result, owner_id=owner_id) if errors else ""
    return context


def deny_as_missing(request, what: str) -> None:
    """Answer 404, as for something that does not exist, and record the `access.denied`."""
    record_event(
        None, "access.denied", by=request.user, success=False, org=request.user.org,
        changes={"what": what},
    )  # fmt: skip
    raise Http404


def error_sheet_response(request, path: Path | None, *, filename: str, what: str) -> FileResponse:
    """The error sheet at `path` as a download; None (not the user's, or gone) is a 404 and
    an `access.denied` audit event naming `what`."""
    if path is None:
        deny_as_missing(request, what)
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


# --- writing xlsx ---------------------------------------------------------------------------


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
