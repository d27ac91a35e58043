"""Checking rows and preparing them for the stage table (pure: runs in worker processes)."""

import csv
import gc
import io
import multiprocessing
import resource
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from nuanjia.core.crypto import PURPOSE_BANK_ACCOUNT, PURPOSE_ID_NUMBER, field_keyring
from nuanjia.core.imports import (
    SheetSpec,
    cell_text,
    is_numeric_cell,
    numeric_cell_message,
)
from nuanjia.core.masking import mask_bank_account, mask_id_number
from nuanjia.core.pinyin import name_search_keys
from nuanjia.core.sealed_phones import seal_phone
from nuanjia.core.text import FORBIDDEN, first_forbidden, forbidden_message

from .. import rules
from .cutting import CsvPiece

IN_FLIGHT_PER_PROCESS = 2  # chunks handed to each checking process ahead of the writer


# The stage table's columns, in the order RowPreparer builds its tuples.
STAGE_COLUMNS = (
    "row_number",
    "has_error",
    "name",
    "name_pinyin",
    "name_initials",
    "name_key",
    "gender",
    "birth_date",
    "id_number_encrypted",
    "id_number_index",
    "id_number_masked",
    "id_last4",
    "phone_encrypted",
    "phone_index",
    "phone_last4_index",
    "phone_masked",
    "address",
    "region_code",
    "employer_name",
    "employer_credit_code",
    "occupation_mask",
    "union_id",
    "joined_union_on",
    "member_card_number",
    "bank_name",
    "bank_account_encrypted",
    "bank_account_index",
    "bank_account_masked",
    "reading_keys",  # the name's other pinyin keys (rules.reading_keys), space-separated
)
_BLANK_TAIL = (None,) * (len(STAGE_COLUMNS) - 10)


@dataclass
class PreparedChunk:
    """One chunk checked: rows for the stage table, and the errors found (row, column key, text).

    From a checking process the rows come encoded (`packed`) for the stage table's bulk
    load, because unpickling a million tuples of strings would cost the writing process as
    much as writing them: one string of fields and rows separated by the ASCII unit and
    record separators for SQLite, PostgreSQL COPY text for PostgreSQL (see `pack_rows`).
    """

    rows: list[tuple] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    read: int = 0  # non-empty rows
    invalid: int = 0  # rows with at least one error
    packed: str | bytes | None = None
    packed_count: int = 0
    peak_rss_kb: int = 0  # of the process that checked it (resource.getrusage), for the logs


UNIT, RECORD = "\x1f", "\x1e"  # never in a staged value: free text is whitespace-collapsed


def pack_rows(rows: list[tuple], vendor: str) -> str | bytes:
    """Stage rows as one string (SQLite: fields joined by UNIT, rows by RECORD, None as "")
    or as PostgreSQL COPY text (tabs, newlines, \\N for None, backslashes doubled)."""
    if vendor == "postgresql":
        lines = [
            "\t".join("\\N" if value is None else str(value).replace("\\", "\\\\") for value in row)
            for row in rows
        ]
        return ("\n".join(lines) + "\n").encode()
    return RECORD.join(
        [UNIT.join(["" if value is None else str(value) for value in row]) for row in rows]
    )


def _phone_fields(number: str, keyring) -> tuple:
    """The stage columns of a phone cell: sealed (core.sealed_phones), or all None when blank."""
    if not number:
        return (None, None, None, None)
    sealed = seal_phone(number, keyring)
    return (sealed.encrypted, sealed.index, sealed.last4_index, sealed.masked)


class RowPreparer:
    """Checks rows against the sheet and turns each into a stage-table tuple.

    Pure computation (no database), so chunks can be checked in worker processes. A row with
    errors is still staged when its ID number parsed, flagged, so a later row with the same
    number is reported as a repeat, as the import framework does.
    """

    def __init__(self, spec: SheetSpec, positions: dict[str, int], *, pack_for: str = ""):
        # Columns in the sheet, and the values of those it lacks (a blank cell, as the
        # framework's parse_row has it; a missing required column is refused before).
        self.columns = [
            (column.key, positions[column.key], column.required, column.parse)
            for column in spec.columns
            if column.key in positions
        ]
        self.absent = {column.key: "" for column in spec.columns if column.key not in positions}
        # Long numbers Excel must keep as text (ID, bank account): a numeric cell is refused.
        self.text_only = [
            (column.key, positions[column.key])
            for column in spec.columns
            if column.text_only and column.key in positions
        ]
        self.width = max(positions.values(), default=-1) + 1
        self.pack_for = pack_for  # a database vendor: pack the rows for it (checking processes)

    def __call__(self, chunk: list[tuple[int, list[Any]]]) -> PreparedChunk:
        keyring = field_keyring()  # once per chunk: settings may change between imports
        id_index = keyring.index_hmac(PURPOSE_ID_NUMBER)
        bank_index = keyring.index_hmac(PURPOSE_BANK_ACCOUNT)
        encrypt = keyring.encrypt
        prepared = PreparedChunk()
        for number, cells in chunk:
            cells, joined, numeric = self._as_text(cells)
            if not joined.strip():
                continue  # an empty row: skipped, as Excel users leave them
            prepared.read += 1
            values, errors = self._parse(cells)
            if numeric or FORBIDDEN.search(joined):
                errors = self._cell_problems(cells, numeric, errors)
            if not errors:
                # The registry services' rules across cells (people.services._apply_worker_values).
                if values["joined_union_on"] and not values["union_code"]:
                    errors.append(("union_code", _("Choose the union the worker joined.")))
                if values["bank_account"] and not values["bank_name"]:
                    errors.append(("bank_name", _("Enter the bank of the account.")))
            parsed_id = values.get("id_number") or None  # "" when the cell was empty
            if errors:
                prepared.invalid += 1
                prepared.errors += [(number, key, message) for key, message in errors]
                if parsed_id is not None:
                    index = id_index.copy()
                    index.update(parsed_id.number.encode())
                    prepared.rows.append((number, 1, *(None,) * 7, index.hexdigest(), *_BLANK_TAIL))
                continue
            # A row without errors has its ID number: the column is required and parsed.
            assert parsed_id is not None
            id_number = parsed_id.number
            index = id_index.copy()
            index.update(id_number.encode())  # already in normalize_for_index form
            name = values["name"]
            pinyin, initials = name_search_keys(name)
            union = values["union_code"] or None
            account = values["bank_account"]
            bank_fields: tuple[str | None, str | None, str | None]
            if account:
                bank = bank_index.copy()
                bank.update(account.encode())
                bank_fields = (encrypt(account), bank.hexdigest(), mask_bank_account(account))
            else:
                bank_fields = (None, None, None)
            joined = values["joined_union_on"]
            prepared.rows.append(
                (
                    number,
                    0,
                    name,
                    pinyin[:120],
                    initials[:50],
                    rules.normalize_name_key(name),
                    parsed_id.gender,
                    parsed_id.birth_date.isoformat(),
                    encrypt(id_number),
                    index.hexdigest(),
                    mask_id_number(id_number),
                    id_number[-4:],
                    *_phone_fields(values["phone"], keyring),
                    values["address"] or None,
                    union[1] if union else None,
                    values["employer_name"] or None,
                    values["employer_credit_code"] or None,
                    values["occupations"] if values["occupations"] != "" else None,
                    union[0] if union else None,
                    joined.isoformat() if joined else None,
                    values["member_card_number"] or None,
                    values["bank_name"] or None,
                    *bank_fields,
                    " ".join(rules.reading_keys(name)) or None,
                )
            )
        if self.pack_for:
            prepared.packed = pack_rows(prepared.rows, self.pack_for)
            prepared.packed_count, prepared.rows = len(prepared.rows), []
            prepared.peak_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return prepared

    def _as_text(self, cells: list[Any]) -> tuple[list[str], str, list[str]]:
        """The row's cells as text, joined, and the text-only columns holding a number."""
        try:
            return cells, "".join(cells), []
        except TypeError:  # a workbook's numbers and dates: as the user typed them
            numeric = self._numeric_text_cells(cells)
            texts = [cell_text(cell) for cell in cells]
            return texts, "".join(texts), numeric

    def _cell_problems(
        self, cells: list[str], numeric: list[str], errors: list[tuple[str, str]]
    ) -> list[tuple[str, str]]:
        """Numbers Excel rounded in text-only columns (their parse errors would mislead)
        and control or bidi characters, added to the row's errors."""
        errors = [error for error in errors if error[0] not in numeric]
        errors += [(key, numeric_cell_message()) for key in numeric]
        return errors + self._forbidden_cells(cells)

    def _numeric_text_cells(self, cells: list[Any]) -> list[str]:
        """Keys of text-only columns whose cell Excel holds as a number."""
        return [
            key
            for key, index in self.text_only
            if index < len(cells) and is_numeric_cell(cells[index])
        ]

    def _forbidden_cells(self, cells: list[str]) -> list[tuple[str, str]]:
        """(key, message) for each cell holding a control or bidi character."""
        problems = []
        for key, index, _required, _parse in self.columns:
            found = first_forbidden(cells[index]) if index < len(cells) else None
            if found:
                problems.append((key, forbidden_message(found)))
        return problems

    def _parse(self, cells: list[str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """Every cell (text) parsed: `values`, "" for a blank one, and every problem found."""
        if len(cells) < self.width:
            cells = [*cells, *[""] * (self.width - len(cells))]
        values = dict(self.absent)
        errors: list[tuple[str, str]] = []
        for key, index, required, parse in self.columns:
            text = cells[index].strip()
            if not text:
                if required:
                    errors.append((key, _("This cell is required.")))
                values[key] = ""
                continue
            try:
                values[key] = parse(text)
            except ValidationError as error:
                errors += [(key, message) for message in error.messages]
        return values, errors

    def from_csv(self, piece: "CsvPiece") -> PreparedChunk:
        """Decode and parse a piece of a CSV file (see `csv_pieces`), then check its rows.

        A piece without a quote character is split on commas and newlines directly (what
        the csv module would do with it, at a third of the cost)."""
        text = piece.data.decode(piece.encoding, errors=piece.errors)
        if '"' in text:
            records: Iterable[list[str]] = csv.reader(io.StringIO(text, newline=""))
        else:
            records = (line.split(",") for line in text.splitlines())
        return self(list(enumerate(records, start=piece.first_row)))


_preparer: RowPreparer | None = None  # the forked checking processes' copy


def _prepare_in_process(chunk: list[tuple[int, list[Any]]]) -> PreparedChunk:
    assert _preparer is not None
    return _preparer(chunk)


def _prepare_csv_in_process(piece: CsvPiece) -> PreparedChunk:
    assert _preparer is not None
    return _preparer.from_csv(piece)


def prepared_chunks(
    work: Iterable[Any], preparer: RowPreparer, processes: int, *, csv_work: bool = False
) -> Iterator[PreparedChunk]:
    """Each piece of work (a list of rows, or a CsvPiece) checked, in order: in this process,
    or by `processes` forked workers.

    At most IN_FLIGHT_PER_PROCESS pieces per worker are read ahead of the caller, so memory
    stays flat however big the file is. Workers are forked: they inherit the settings, the
    keys and the sheet context, and never touch the database.
    """
    function = _prepare_csv_in_process if csv_work else _prepare_in_process
    global _preparer
    _preparer = preparer
    try:
        if processes <= 1:
            for item in work:
                yield function(item)
            return
        # Objects the children inherit stay shared only while nothing writes to their pages;
        # the cyclic collector writes to every container it scans, so it is kept off them.
        gc.freeze()
        try:
            pool = multiprocessing.get_context("fork").Pool(processes)
        finally:
            gc.unfreeze()
        with pool:
            pending: deque = deque()
            for item in work:
                pending.append(pool.apply_async(function, (item,)))
                if len(pending) >= processes * IN_FLIGHT_PER_PROCESS:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
    finally:
        _preparer = None
