"""The worker sheet (职工名册) and the set-based engine that imports it at province scale.

A union's sheet of a million workers is read once, streaming, in chunks of CHUNK_ROWS rows:

1. Check and stage. Each chunk is parsed and checked in Python (ID numbers, phones, dates,
   codes), its ID and bank numbers are encrypted and blind-indexed, and the prepared rows go
   into a TEMPORARY stage table; row errors and the batch's counters are committed with the
   chunk, so the page and the CLI show progress. Big files are checked by a pool of worker
   processes while this one writes. Nothing of the registry is touched yet.
2. Final checks, set-based on the stage table: the same ID twice in the file (an error
   naming the first row), IDs already registered in the province outside the importing
   union's subtree (an error naming the owning union, the number masked), credit codes
   without an employer name.
3. Merge: one transaction, a handful of INSERT … SELECT / UPDATE … FROM statements, writes
   the employers, new workers, changed workers (an ID already kept in the subtree is an
   update: re-importing a sheet updates rather than duplicates), name search keys and
   occupations, the batch's counts and one `people.imported` audit event.

Why a stage table and not one transaction over the whole file (docs/decisions/0004-worker-
import-stage-and-merge.md, with measurements): the registry is written by one transaction
either way, but staging keeps SQLite's single write lock free while the slow Python part
runs (other users keep working, and the progress rows can be committed), and a crash or kill
before the merge leaves nothing behind: the stage is a temporary table and dies with the
connection. A crash inside the merge rolls it back. Either way the import can be run again.
"""

# ruff: noqa: S608
# The merge is SQL text by design: what is interpolated is only identifiers this module makes
# (stage table names from the batch id, column names from constants, the tag id → bit table
# from integers); every value a user typed travels as a query parameter.

import contextlib
import csv
import datetime
import gc
import io
import itertools
import logging
import multiprocessing
import os
import re
import resource
import secrets
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core.audit import record_event
from nuanjia.core.codes import validate_credit_code
from nuanjia.core.crypto import PURPOSE_BANK_ACCOUNT, PURPOSE_ID_NUMBER, field_keyring
from nuanjia.core.errors import RuleViolation
from nuanjia.core.idnumbers import validate_id_number
from nuanjia.core.imports import (
    Column,
    Layout,
    Mode,
    SheetSource,
    SheetSpec,
    UnreadableFile,
    build_template,
    cell_text,
    duplicate_of,
    find_layout,
    save_owned_sheet,
    write_annotated_sheet,
    write_xlsx,
)
from nuanjia.core.masking import mask_bank_account, mask_id_number
from nuanjia.core.phones import MOBILE, validate_phone
from nuanjia.core.pinyin import name_search_keys
from nuanjia.orgs.models import Org
from nuanjia.orgs.queries import get_scoped_or_404, scope, within

from . import rules
from .models import Employer, ImportBatch, ImportRowError, OccupationTag, Worker
from .services import DuplicateWorker, _bank_account, _date, _text, may

logger = logging.getLogger(__name__)

SHEET_TITLE = "职工名册"
CHUNK_ROWS = 10_000  # rows checked, staged and committed together
POOL_MIN_ROWS = 50_000  # files with fewer rows are checked in this process
MAX_POOL_PROCESSES = 4
IN_FLIGHT_PER_PROCESS = 2  # chunks handed to each checking process ahead of the writer
UPLOAD_DIR = "imports/uploads"  # below MEDIA_ROOT; uploads wait there for the task worker
SPARSE_ERROR_SHEET_ROWS = 100_000  # error sheets of up to this many rows skip the others unparsed
STALLED_AFTER = datetime.timedelta(minutes=10)  # a running batch without a heartbeat this long
MAX_OCCUPATION_TAGS = 62  # one bit each in the stage table's occupation mask (a bigint)
# SQLite page cache for the merge (the default is 2 MB). It also bounds the sorter that builds
# indexes; measured on a million rows, 64 MB builds them as fast as 128 MB with 90 MB less.
MERGE_CACHE_KIB = 131_072
REBUILD_MIN_ROWS = 50_000  # SQLite: below this, rows go into the indexes one by one
REBUILD_SHARE = 0.25  # … and also when they add less than a quarter of the rows already there
ADVISORY_LOCK = 0x6E6A_696D  # "njim": PostgreSQL imports merge one at a time
OCCUPATION_SEPARATORS = re.compile(r"[、,，;；/／\s]+")
SAFE_SUFFIX = re.compile(r"\.[a-z0-9]{1,5}")
DATE_PARTS = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")

# The sheet's headers are the unions' own vocabulary: data, literal Chinese.
HEADERS = {
    "name": "姓名",
    "id_number": "身份证号",
    "phone": "手机号",
    "address": "住址",
    "employer_name": "工作单位",
    "employer_credit_code": "统一社会信用代码",
    "occupations": "职业标签",
    "union_code": "所属工会代码",
    "joined_union_on": "入会日期",
    "member_card_number": "会员卡号",
    "bank_name": "开户银行",
    "bank_account": "银行账号",
}


# --- parsing one cell -------------------------------------------------------------------


def _from_rule(check: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run one of the registry services' cleaning helpers; its refusal becomes a cell error."""
    try:
        return check(*args, **kwargs)
    except RuleViolation as error:
        raise ValidationError(error.message) from None


def _text_of(max_length: int) -> Callable[[str], str]:
    """Text as the registry services clean it (spaces collapsed, a maximum length)."""

    def parse(text: str) -> str:
        collapsed = " ".join(text.split())
        if len(collapsed) <= max_length:
            return collapsed
        return _from_rule(_text, text, "", max_length)  # refuses it, with the services' message

    return parse


def parse_date(text: str, *, today: datetime.date) -> datetime.date:
    """A date as sheets write it (2024-03-01, 2024/3/1, 2024.3.1, 20240301, 2024年3月1日, an
    Excel date cell), not before 1900 and not in the future (the registry's date rule)."""
    match = DATE_PARTS.fullmatch(text) or COMPACT_DATE.fullmatch(text)
    if match is None:
        return _from_rule(_date, text, "joined_union_on", not_after=today)  # says how to write it
    try:
        day = datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValidationError(_("The date %(date)s does not exist.") % {"date": text}) from None
    return _from_rule(_date, day, "joined_union_on", not_after=today)


def parse_phone(text: str) -> str:
    """A mobile number as validate_phone keeps it; one already in that form is taken as is."""
    return text if MOBILE.fullmatch(text) else validate_phone(text)


def parse_bank_account(text: str) -> str:
    return _from_rule(_bank_account, text)


def split_occupations(text: str) -> list[str]:
    """The occupation names of a cell, separated by 、 (or a comma, semicolon, slash, space)."""
    return [name for name in OCCUPATION_SEPARATORS.split(text) if name]


@dataclass(frozen=True)
class SheetContext:
    """What checking a row needs to know about the database, gathered once per import.

    Plain data, so worker processes get it whole: the active occupation tags with their bit
    in the stage table's mask, the grassroots unions a row may name (the importing union's
    subtree, within the actor's), the region code rows default to, and today.
    """

    today: datetime.date
    occupation_bits: dict[str, int] = field(default_factory=dict)  # active tag name -> bit
    tag_bits: dict[int, int] = field(default_factory=dict)  # every tag id -> bit
    unions: dict[str, tuple[int, str]] = field(default_factory=dict)  # code -> (id, region)


def _parse_occupations(context: SheetContext) -> Callable[[str], int]:
    def parse(text: str) -> int:
        mask = 0
        for name in split_occupations(text):
            bit = context.occupation_bits.get(name)
            if bit is None:
                raise ValidationError(
                    _("%(name)s is not an occupation in the list.") % {"name": name}
                )
            mask |= bit
        return mask

    return parse


def _parse_union(context: SheetContext) -> Callable[[str], tuple[int, str]]:
    def parse(text: str) -> tuple[int, str]:
        code = text.upper()
        union = context.unions.get(code)
        if union is None:
            raise ValidationError(
                _("No grassroots union with the code %(code)s in your area.") % {"code": code}
            )
        return union

    return parse


def _parse_id_number(context: SheetContext) -> Callable[[str], Any]:
    def parse(text: str):
        return validate_id_number(text, today=context.today)

    return parse


def _parse_credit_code() -> Callable[[str], str]:
    known: dict[str, str] = {}  # employers repeat: check each code once per process

    def parse(text: str) -> str:
        code = known.get(text)
        if code is None:
            code = known[text] = validate_credit_code(text)
        return code

    return parse


def worker_sheet(context: SheetContext | None = None, tags: Sequence[str] = ()) -> SheetSpec:
    """The worker sheet's columns; with a context, parsing them checks against its lists."""
    context = context or SheetContext(today=timezone.localdate())
    tags = tuple(tags or context.occupation_bits)

    def column(key: str, **kwargs: Any) -> Column:
        return Column(HEADERS[key], key, **kwargs)

    return SheetSpec(
        title=SHEET_TITLE,
        columns=(
            column(
                "name",
                required=True,
                parse=_text_of(50),
                note=gettext_lazy("As on the ID card."),
            ),
            column(
                "id_number",
                required=True,
                parse=_parse_id_number(context),
                note=gettext_lazy(
                    "18 characters (an old 15-digit number is converted). Gender and birth date are read from it. A number already kept by your union or one below it updates that record."
                ),
            ),
            column(
                "phone",
                parse=parse_phone,
                note=gettext_lazy("11-digit mobile number; +86 and spaces are fine."),
            ),
            column("address", parse=_text_of(200)),
            column("employer_name", parse=_text_of(120)),
            column(
                "employer_credit_code",
                parse=_parse_credit_code(),
                note=gettext_lazy("The employer's 18-character unified social credit code."),
            ),
            column(
                "occupations",
                parse=_parse_occupations(context),
                suggestions=tags,
                note=gettext_lazy("One or more from the list, separated by 、"),
            ),
            column(
                "union_code",
                parse=_parse_union(context),
                note=gettext_lazy(
                    "The code of the grassroots union the worker is a member of: your union's or one below it."
                ),
            ),
            column(
                "joined_union_on",
                parse=lambda text: parse_date(text, today=context.today),
                note=gettext_lazy("For example 2024-03-01. Needs the union code."),
            ),
            column("member_card_number", parse=_text_of(30)),
            column("bank_name", parse=_text_of(60), note=gettext_lazy("For example 中国工商银行.")),
            column(
                "bank_account",
                parse=parse_bank_account,
                note=gettext_lazy("8 to 30 digits; used for assistance payments."),
            ),
        ),
    )


# --- checking and preparing rows (runs in worker processes) -----------------------------

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
    "phone",
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
        self.width = max(positions.values(), default=-1) + 1
        self.pack_for = pack_for  # a database vendor: pack the rows for it (checking processes)

    def __call__(self, chunk: list[tuple[int, list[Any]]]) -> PreparedChunk:
        keyring = field_keyring()  # once per chunk: settings may change between imports
        id_index = keyring.index_hmac(PURPOSE_ID_NUMBER)
        bank_index = keyring.index_hmac(PURPOSE_BANK_ACCOUNT)
        encrypt = keyring.encrypt
        prepared = PreparedChunk()
        for number, cells in chunk:
            try:
                if not "".join(cells).strip():
                    continue  # an empty row: skipped, as Excel users leave them
            except TypeError:  # a workbook's numbers and dates: as the user typed them
                cells = [cell_text(cell) for cell in cells]
                if not "".join(cells):
                    continue
            prepared.read += 1
            values, errors = self._parse(cells)
            if not errors:
                # The registry services' rules across cells (people.services._apply_worker_values).
                if values["joined_union_on"] and not values["union_code"]:
                    errors.append(("union_code", _("Choose the union the worker joined.")))
                if values["bank_account"] and not values["bank_name"]:
                    errors.append(("bank_name", _("Enter the bank of the account.")))
            parsed_id = values.get("id_number")
            if errors:
                prepared.invalid += 1
                prepared.errors += [(number, key, message) for key, message in errors]
                if parsed_id is not None:
                    index = id_index.copy()
                    index.update(parsed_id.number.encode())
                    prepared.rows.append((number, 1, *(None,) * 7, index.hexdigest(), *_BLANK_TAIL))
                continue
            id_number = parsed_id.number
            index = id_index.copy()
            index.update(id_number.encode())  # already in normalize_for_index form
            name = values["name"]
            pinyin, initials = name_search_keys(name)
            union = values["union_code"] or None
            account = values["bank_account"]
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
                    values["phone"] or None,
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
                )
            )
        if self.pack_for:
            prepared.packed = pack_rows(prepared.rows, self.pack_for)
            prepared.packed_count, prepared.rows = len(prepared.rows), []
            prepared.peak_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return prepared

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


@dataclass(frozen=True)
class CsvPiece:
    """Whole records of a CSV file, as bytes, and the row number of the first one."""

    first_row: int
    data: bytes
    encoding: str
    errors: str


def csv_pieces(path: Path, *, encoding: str, after_row: int, size: int) -> Iterator[CsvPiece]:
    """The CSV's records after row `after_row`, `size` at a time, cut between records.

    Reading bytes and cutting at newlines is far cheaper than parsing, so the checking
    processes parse their own pieces. A newline inside a quoted field does not end a record:
    an odd count of quote characters so far means the record goes on (a doubled "" counts
    twice and changes nothing). Neither UTF-8 nor GB18030 uses the bytes of a newline or a
    quote inside a multi-byte character, so the cut is safe in both. Rows are numbered as the
    csv module numbers them, one per record (`csv_pieces_fit` refuses files it would not).
    """
    errors = "strict" if encoding.startswith("utf-8") else "replace"
    for first_row, data in _record_runs(path, after_row=after_row, size=size):
        yield CsvPiece(first_row, data, encoding, errors)


def _record_runs(path: Path, *, after_row: int, size: int) -> Iterator[tuple[int, bytes]]:
    """(number of the first record, bytes of `size` whole records) after row `after_row`."""
    if not _has_quotes(path):
        yield from _line_runs(path, after_row=after_row, size=size)
        return
    row, first_row, open_quotes = 0, 0, False
    lines: list[bytes] = []
    with path.open("rb") as handle:
        for line in handle:
            if line.count(b'"') % 2:
                open_quotes = not open_quotes
            if row >= after_row:
                if not lines:
                    first_row = row + 1
                lines.append(line)
            if open_quotes:
                continue
            row += 1
            if len(lines) >= size:
                yield first_row, b"".join(lines)
                lines = []
    if lines:
        yield first_row, b"".join(lines)


def _has_quotes(path: Path) -> bool:
    with path.open("rb") as handle:
        return any(b'"' in block for block in iter(lambda: handle.read(1 << 22), b""))


def _line_runs(path: Path, *, after_row: int, size: int) -> Iterator[tuple[int, bytes]]:
    """`_record_runs` for a file without quote characters, where every line is a record: cut
    with bytes.find over big blocks instead of a Python step per line."""
    row = 0  # lines before `pending`
    pending = b""
    with path.open("rb") as handle:
        while block := handle.read(1 << 22):
            pending += block
            start = 0
            while True:
                skip = max(0, after_row - row)
                end = _after_lines(pending, start, skip + size)
                if end < 0:
                    break
                if skip:
                    start = _after_lines(pending, start, skip)
                yield row + skip + 1, pending[start:end]
                row += skip + size
                start = end
            pending = pending[start:]
    if pending:
        lines = pending.splitlines(keepends=True)
        if row < after_row:
            lines = lines[after_row - row :]
            row = after_row
        if lines:
            yield row + 1, b"".join(lines)


def _after_lines(data: bytes, start: int, count: int) -> int:
    """The offset just after the `count`-th newline from `start`, or -1 if there are fewer."""
    position = start
    for _line in range(count):
        position = data.find(b"\n", position) + 1
        if not position:
            return -1
    return position


def csv_records(path: Path, *, encoding: str, wanted: set[int]) -> Iterator[tuple[int, list[str]]]:
    """Only the wanted rows of a CSV, parsed: for the error sheet of a big file with few errors.

    Records are cut as `csv_pieces` cuts them, and only the wanted ones are decoded."""
    errors = "strict" if encoding.startswith("utf-8") else "replace"
    size = 5_000
    for first_row, data in _record_runs(path, after_row=0, size=size):
        rows = sorted(row for row in range(first_row, first_row + size) if row in wanted)
        if not rows:
            continue
        if b'"' in data:  # records may span lines: parse the piece as csv does
            text = data.decode(encoding, errors=errors).lstrip("\ufeff")
            records = enumerate(csv.reader(io.StringIO(text, newline="")), start=first_row)
            yield from ((row, cells) for row, cells in records if row in wanted)
            continue
        lines = data.split(b"\n")
        for row in rows:
            text = lines[row - first_row].decode(encoding, errors=errors).lstrip("\ufeff")
            yield row, next(csv.reader([text.rstrip("\r")]), [])


def csv_pieces_fit(path: Path) -> bool:
    """Whether every record ends with a newline (LF or CRLF) the way `csv_pieces` cuts them:
    a lone carriage return (old Mac line ends) is a record end to csv but not to it."""
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            if block.count(b"\r") > block.count(b"\r\n") + 1:
                return False
    return True


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


# --- the stage table and the merge ------------------------------------------------------


class _Stage:
    """The temporary stage table of one import and the SQL that checks and merges it."""

    def __init__(self, batch: ImportBatch):
        self.batch = batch
        self.table = f"nuanjia_import_stage_{batch.pk}"
        self.numbers = f"nuanjia_import_numbers_{batch.pk}"
        self.masks = f"nuanjia_import_masks_{batch.pk}"
        self.vendor = connection.vendor
        self.is_postgresql = self.vendor == "postgresql"
        self.new_id = "s.worker_id" if self.is_postgresql else "(%(base_id)s + s.row_number)"

    # -- lifecycle ------------------------------------------------------------------------

    def create(self) -> None:
        worker_id = "bigint"
        if self.is_postgresql:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_get_serial_sequence('people_worker', 'id')")
                sequence = cursor.fetchone()[0]
            # Every staged row takes an id from the registry's own sequence as it is copied in,
            # so the merge needs no row-by-row UPDATE; rows that end as updates leave a gap.
            worker_id = f"bigint DEFAULT nextval('{sequence}')"
        types = {
            "row_number": "integer PRIMARY KEY",
            "has_error": "smallint NOT NULL",
            "occupation_mask": "bigint",
            "union_id": "bigint",
            "birth_date": "date",
            "joined_union_on": "date",
        }
        columns = [f"{name} {types.get(name, 'text')}" for name in STAGE_COLUMNS]
        columns += [
            "existing_id bigint",  # the registry's record of the same ID number
            f"worker_id {worker_id}",
            "outcome varchar(10)",  # 'updated' or 'unchanged', for existing records
            "name_changed smallint",
            "occupations_changed smallint",
        ]
        self.drop()
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {self.table} ({', '.join(columns)})")

    def drop(self) -> None:
        with connection.cursor() as cursor:
            for table in (self.table, self.numbers, self.masks):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")

    def write(self, prepared: PreparedChunk) -> None:
        """Append a chunk's rows: COPY on PostgreSQL, executemany on SQLite."""
        names = ", ".join(STAGE_COLUMNS)
        with connection.cursor() as cursor:
            if self.is_postgresql:
                if prepared.packed_count:
                    with cursor.cursor.copy(f"COPY {self.table} ({names}) FROM STDIN") as copy:
                        copy.write(prepared.packed)
                elif prepared.rows:
                    with cursor.cursor.copy(f"COPY {self.table} ({names}) FROM STDIN") as copy:
                        for row in prepared.rows:
                            copy.write_row(row)
            elif prepared.packed_count:
                # Packed values are text; "" is None (a staged value is never empty), and the
                # columns' integer affinity turns digits back into integers.
                marks = ", ".join(["NULLIF(%s, '')"] * len(STAGE_COLUMNS))
                rows = [record.split(UNIT) for record in prepared.packed.split(RECORD)]
                cursor.executemany(f"INSERT INTO {self.table} ({names}) VALUES ({marks})", rows)
            elif prepared.rows:
                marks = ", ".join(["%s"] * len(STAGE_COLUMNS))
                cursor.executemany(
                    f"INSERT INTO {self.table} ({names}) VALUES ({marks})", prepared.rows
                )

    # -- final checks -----------------------------------------------------------------------

    def index(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE INDEX {self.table}_id ON {self.table} (id_number_index, row_number)"
            )

    def repeated_rows(self) -> list[tuple[int, int]]:
        """(row, first row with the same ID number) for every later repeat in the file; those
        rows are flagged. One pass over the (ID, row) index with a window function."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT row_number, first_row FROM (
                        SELECT row_number, MIN(row_number) OVER (PARTITION BY id_number_index)
                               AS first_row
                        FROM {self.table}) ranked
                    WHERE row_number > first_row ORDER BY row_number"""
            )
            repeats = cursor.fetchall()
        self.flag([row for row, _first in repeats])
        return repeats

    def flag(self, rows: list[int]) -> None:
        """Mark rows as refused (errors found after staging)."""
        for start in range(0, len(rows), 500):
            part = rows[start : start + 500]
            self._execute(
                f"UPDATE {self.table} SET has_error = 1 "
                f"WHERE row_number IN ({', '.join(['%s'] * len(part))})",
                part,
            )

    def match_existing(self, *, registered_after: int | None = None) -> int:
        """Note the registry's record of each valid row's ID number (any union's); returns the
        highest worker id there was. With `registered_after`, only workers registered since
        (a higher id) are looked at: the merge's second look, which must be quick."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT COALESCE(MAX(id), 0) FROM people_worker")
            highest = cursor.fetchone()[0]
        if registered_after is not None and highest <= registered_after:
            return highest
        newer = "" if registered_after is None else f" AND w.id > {int(registered_after)}"
        self._execute(
            f"""UPDATE {self.table} AS s SET existing_id = w.id FROM people_worker AS w
                WHERE w.id_number_index = s.id_number_index AND NOT (w.id_number_index = '')
                AND s.has_error = 0{newer}"""
        )
        return highest

    def foreign_rows(self, org: Org) -> Iterator[tuple]:
        """Rows whose ID number is kept outside `org`'s subtree, or by a merged-away record:
        (row, name, masked ID, union name, union path); the rows are flagged as errors."""
        outside = "NOT (o.path >= %s AND o.path < %s) OR w.merged_into_id IS NOT NULL"
        bounds = [org.path, org.path[:-1] + "0"]
        yield from self._fetch(
            f"""SELECT s.row_number, w.name, w.id_number_masked, o.name, o.path, w.merged_into_id
                FROM {self.table} s JOIN people_worker w ON w.id = s.existing_id
                JOIN orgs_org o ON o.id = w.org_id
                WHERE s.has_error = 0 AND ({outside}) ORDER BY s.row_number""",
            bounds,
        )
        self._execute(
            f"""UPDATE {self.table} SET has_error = 1 WHERE has_error = 0 AND EXISTS (
                    SELECT 1 FROM people_worker w JOIN orgs_org o ON o.id = w.org_id
                    WHERE w.id = {self.table}.existing_id AND ({outside}))""",
            bounds,
        )

    def employers_named(self) -> list[tuple[str | None, str | None, str | None]]:
        """(credit code, name, a region code) of each employer the valid rows name: one pass."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT employer_credit_code, employer_name, MIN(region_code) FROM {self.table}
                    WHERE has_error = 0
                    AND (employer_credit_code IS NOT NULL OR employer_name IS NOT NULL)
                    GROUP BY employer_credit_code, employer_name"""
            )
            return cursor.fetchall()

    def rows_naming_no_employer(self, codes: list[str]) -> list[int]:
        """Valid rows giving one of these credit codes without an employer name."""
        rows: list[int] = []
        for start in range(0, len(codes), 500):
            part = codes[start : start + 500]
            with connection.cursor() as cursor:
                cursor.execute(
                    f"""SELECT row_number FROM {self.table}
                        WHERE has_error = 0 AND employer_name IS NULL
                        AND employer_credit_code IN ({", ".join(["%s"] * len(part))})""",
                    part,
                )
                rows += [row for (row,) in cursor.fetchall()]
        return sorted(rows)

    def valid_count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {self.table} WHERE has_error = 0")
            return cursor.fetchone()[0]

    # -- the merge (inside one transaction) --------------------------------------------------

    def merge(
        self, *, org: Org, by, context: SheetContext, employers: list[tuple], rebuild: bool
    ) -> dict[str, int]:
        """Write every valid staged row into the registry; returns the counts."""
        now = timezone.now()
        params = {
            "org_id": org.pk,
            "region": org.region_code,
            "by_id": getattr(by, "pk", None),
            "batch_id": self.batch.pk,
            "now": connection.ops.adapt_datetimefield_value(now),
            "base_id": self._base_id(),
        }
        if self.is_postgresql:
            self._execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
        with _timed("merge: employers"):
            self.insert_employers(employers, region=org.region_code)
        with _timed("merge: existing records"):
            self.classify_existing(context)
        if rebuild:
            with _timed("merge: references"):
                self.check_references(context)
        with self._indexes_rebuilt() if rebuild else contextlib.nullcontext():
            with _timed("merge: new workers"):
                self.insert_workers(params)
            with _timed("merge: changed workers"):
                self.update_workers(params)
            with _timed("merge: name keys"):
                self.write_name_keys(params, ordered=not rebuild)
            with _timed("merge: occupations"):
                self.write_occupations(params, context)
        with _timed("merge: counts"):
            return self.counts()

    def check_references(self, context: SheetContext) -> None:
        """With foreign-key checks off (a big SQLite load, see `rebuild_pays`), make sure the
        unions and tags the rows name still exist; the other references are the merge's own."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT COUNT(*) FROM {self.table} s WHERE s.has_error = 0
                    AND s.union_id IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM orgs_org o WHERE o.id = s.union_id)"""
            )
            missing = cursor.fetchone()[0]
        tags = set(
            OccupationTag.objects.filter(pk__in=list(context.tag_bits)).values_list("pk", flat=True)
        )
        if missing or tags != set(context.tag_bits):
            raise RuleViolation(
                _(
                    "A union or occupation named in the sheet was removed meanwhile; run the import again."
                )
            )

    @contextlib.contextmanager
    def _indexes_rebuilt(self) -> Iterator[None]:
        """SQLite, big loads: drop the registry's secondary indexes, write, then build them again.

        Adding a row to a B-tree at a random place costs SQLite a page search per index (13 on
        people_worker), and beyond the page cache a read; building an index afresh is one
        sort. On a million rows the write with the indexes in place took 33 s for workers and
        29 s for name keys, the rebuild 14 s for all of them (docs/decisions/0004-worker-
        import-stage-and-merge.md). It is all one transaction: readers keep the old snapshot,
        a failure rolls the indexes back too. The indexes are recreated from their own
        definitions in sqlite_master, whoever made them. Not on PostgreSQL, where dropping an
        index locks the table against readers.
        """
        with connection.cursor() as cursor:
            cursor.execute(
                """SELECT m.name, m.sql FROM sqlite_master m
                   WHERE m.type = 'index' AND m.sql IS NOT NULL
                   AND m.tbl_name IN ('people_worker', 'people_workernamekey')
                   AND NOT (m.tbl_name = 'people_worker' AND (
                       SELECT group_concat(i.name) FROM pragma_index_info(m.name) i
                   ) IN ('org_id', 'created_by_id'))"""
            )
            # Kept: indexes on the batch's own org and actor (one value: new entries go at the
            # end, as they do in the occupations table, written in worker order).
            indexes = cursor.fetchall()
            with _timed("merge: indexes dropped"):
                for name, _sql in indexes:
                    cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        yield
        with _timed("merge: indexes built"), connection.cursor() as cursor:
            for _name, sql in indexes:
                cursor.execute(sql)

    def rebuild_pays(self) -> bool:
        """Whether to rebuild the indexes (see `_indexes_rebuilt`): SQLite, and the batch adds
        REBUILD_MIN_ROWS or more, and at least REBUILD_SHARE of the rows already there.

        Such a merge also runs with SQLite's foreign-key checks off: each check is a look-up
        of the parent row, which for a name key is a random read in the million-row worker
        table. Every reference the merge writes is its own (new worker ids, employers it just
        resolved, the batch's union) except unions and tags, which `check_references` checks.
        """
        if self.is_postgresql:
            return False
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM {self.table} WHERE has_error = 0 AND existing_id IS NULL"
            )
            adding = cursor.fetchone()[0]
            cursor.execute("SELECT COUNT(*) FROM people_worker")
            existing = cursor.fetchone()[0]
        return adding >= REBUILD_MIN_ROWS and adding >= existing * REBUILD_SHARE

    def _base_id(self) -> int:
        """SQLite: new workers take ids above every id ever used (AUTOINCREMENT semantics);
        the merge holds the write lock, so nobody else takes one meanwhile."""
        if self.is_postgresql:
            return 0
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT MAX(COALESCE((SELECT MAX(id) FROM people_worker), 0), "
                "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'people_worker'), 0))"
            )
            return cursor.fetchone()[0]

    def employer_id_sql(self) -> str:
        return """CASE
            WHEN s.employer_credit_code IS NOT NULL THEN (
                SELECT e.id FROM people_employer e
                WHERE e.credit_code = s.employer_credit_code AND NOT (e.credit_code = ''))
            WHEN s.employer_name IS NOT NULL THEN (
                SELECT MIN(e.id) FROM people_employer e
                WHERE e.name = s.employer_name AND e.credit_code = '')
            END"""

    def insert_employers(self, named: list[tuple], *, region: str) -> None:
        """Employers named in the sheet and not yet registered: by credit code, else by name
        (the registry services' rule: a name without a code matches a code-less employer).
        A file names a few thousand at most, so this is done with the ORM in batches."""
        coded: dict[str, tuple[str, str]] = {}
        plain: dict[str, str] = {}
        for code, name, region_code in named:
            if code and name:
                coded.setdefault(code, (name, region_code or region))
            elif name and not code:
                plain.setdefault(name, region_code or region)
        known_codes: set[str] = set()
        for part in _batches(sorted(coded)):
            known_codes |= set(
                Employer.objects.filter(credit_code__in=part).values_list("credit_code", flat=True)
            )
        known_names: set[str] = set()
        for part in _batches(sorted(plain)):
            known_names |= set(
                Employer.objects.filter(credit_code="", name__in=part).values_list(
                    "name", flat=True
                )
            )
        Employer.objects.bulk_create(
            [
                Employer(name=name, credit_code=code, region_code=region_code)
                for code, (name, region_code) in coded.items()
                if code not in known_codes
            ]
            + [
                Employer(name=name, credit_code="", region_code=region_code)
                for name, region_code in plain.items()
                if name not in known_names
            ],
            batch_size=1000,
        )

    def _tag_bits_sql(self, context: SheetContext) -> str:
        if not context.tag_bits:
            return "SELECT 0 AS tag_id, 0 AS bit_value WHERE 1 = 0"
        return " UNION ALL ".join(
            f"SELECT {int(tag_id)} AS tag_id, {int(bit)} AS bit_value"
            for tag_id, bit in context.tag_bits.items()
        )

    def classify_existing(self, context: SheetContext) -> None:
        """Rows of records already kept in the subtree: 'updated' when a given cell differs,
        else 'unchanged' (and then left alone). A blank cell keeps what is recorded."""
        mask = f"""(SELECT COALESCE(SUM(b.bit_value), 0) FROM people_worker_occupations o
                    JOIN ({self._tag_bits_sql(context)}) b ON b.tag_id = o.occupationtag_id
                    WHERE o.worker_id = w.id)"""
        same = " AND ".join(
            [
                "s.name = w.name",
                *(
                    f"(s.{name} IS NULL OR s.{name} = w.{name})"
                    for name in (
                        "phone",
                        "address",
                        "region_code",
                        "union_id",
                        "joined_union_on",
                        "member_card_number",
                        "bank_name",
                        "bank_account_index",
                    )
                ),
                f"""(s.employer_name IS NULL AND s.employer_credit_code IS NULL
                     OR {self.employer_id_sql()} = w.employer_id)""",
                f"(s.occupation_mask IS NULL OR s.occupation_mask = {mask})",
            ]
        )
        self._execute(
            f"""UPDATE {self.table} AS s SET
                    outcome = CASE WHEN {same} THEN 'unchanged' ELSE 'updated' END,
                    name_changed = CASE WHEN s.name = w.name THEN 0 ELSE 1 END,
                    occupations_changed = CASE
                        WHEN s.occupation_mask IS NULL OR s.occupation_mask = {mask} THEN 0
                        ELSE 1 END
                FROM people_worker AS w
                WHERE w.id = s.existing_id AND s.has_error = 0"""
        )

    def insert_workers(self, params: dict) -> None:
        """New workers, in file order. Columns the sheet does not fill take their defaults."""
        given = {
            "id": self.new_id,
            "org_id": "%(org_id)s",
            "name": "s.name",
            "name_pinyin": "s.name_pinyin",
            "name_initials": "s.name_initials",
            "gender": "s.gender",
            "birth_date": "s.birth_date",
            "id_number_encrypted": "s.id_number_encrypted",
            "id_number_index": "s.id_number_index",
            "id_number_masked": "s.id_number_masked",
            "id_last4": "s.id_last4",
            "phone": "COALESCE(s.phone, '')",
            "address": "COALESCE(s.address, '')",
            "region_code": "COALESCE(s.region_code, %(region)s)",
            "employer_id": self.employer_id_sql(),
            "union_id": "s.union_id",
            "joined_union_on": "s.joined_union_on",
            "member_card_number": "COALESCE(s.member_card_number, '')",
            "bank_name": "COALESCE(s.bank_name, '')",
            "bank_account_encrypted": "COALESCE(s.bank_account_encrypted, '')",
            "bank_account_index": "COALESCE(s.bank_account_index, '')",
            "bank_account_masked": "COALESCE(s.bank_account_masked, '')",
            "created_by_id": "%(by_id)s",
            "import_batch_id": "%(batch_id)s",
            "created_at": "%(now)s",
            "updated_at": "%(now)s",
        }
        columns, values = [], []
        for model_field in Worker._meta.concrete_fields:
            column = model_field.column
            columns.append(connection.ops.quote_name(column))
            if column in given:
                values.append(given[column])
            else:
                key = f"default_{column}"
                params[key] = model_field.get_db_prep_save(model_field.get_default(), connection)
                values.append(f"%({key})s")
        self._execute(
            f"""INSERT INTO people_worker ({", ".join(columns)})
                SELECT {", ".join(values)} FROM {self.table} s
                WHERE s.has_error = 0 AND s.existing_id IS NULL ORDER BY s.row_number""",
            params,
        )

    def update_workers(self, params: dict) -> None:
        kept = {
            name: f"COALESCE(s.{name}, people_worker.{name})"
            for name in (
                "phone",
                "address",
                "region_code",
                "union_id",
                "joined_union_on",
                "member_card_number",
                "bank_name",
                "bank_account_encrypted",
                "bank_account_index",
                "bank_account_masked",
            )
        }
        assignments = {
            "name": "s.name",
            "name_pinyin": "s.name_pinyin",
            "name_initials": "s.name_initials",
            **kept,
            "employer_id": f"""CASE WHEN s.employer_name IS NULL AND s.employer_credit_code IS NULL
                THEN people_worker.employer_id ELSE {self.employer_id_sql()} END""",
            "import_batch_id": "%(batch_id)s",
            "updated_at": "%(now)s",
        }
        self._execute(
            f"""UPDATE people_worker SET {", ".join(f"{name} = {value}" for name, value in assignments.items())}
                FROM {self.table} AS s
                WHERE people_worker.id = s.existing_id AND s.outcome = 'updated'""",
            params,
        )

    def write_name_keys(self, params: dict, *, ordered: bool = True) -> None:
        """Every suffix of the normalized name (rules.name_keys), made in SQL: substr(key, i, 50)
        for i = 1 … length. A name longer than NAME_KEY_LENGTH can repeat a key: DISTINCT there."""
        target = f"COALESCE(s.existing_id, {self.new_id})"
        changed = "s.has_error = 0 AND (s.existing_id IS NULL OR s.name_changed = 1)"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {self.table} WHERE name_changed = 1 LIMIT 1")
            renamed = cursor.fetchone() is not None
        if renamed:  # one pass over the keys (no index on worker, see WorkerNameKey)
            self._execute(
                f"""DELETE FROM people_workernamekey WHERE worker_id IN (
                        SELECT existing_id FROM {self.table} WHERE name_changed = 1)"""
            )
        limit = rules.NAME_KEY_LENGTH
        if self.is_postgresql:
            numbers = "CROSS JOIN LATERAL generate_series(1, char_length(s.name_key)) AS n(i)"
        else:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT MAX(length(name_key)) FROM {self.table}")
                longest = cursor.fetchone()[0] or 0
                cursor.execute(f"CREATE TEMPORARY TABLE {self.numbers} (i integer PRIMARY KEY)")
                cursor.executemany(
                    f"INSERT INTO {self.numbers} (i) VALUES (%s)",
                    [(i,) for i in range(1, longest + 1)],
                )
            numbers = f"JOIN {self.numbers} n ON n.i <= length(s.name_key)"
        # In key order, each key lands next to the last in the (key, worker) index; when the
        # index is rebuilt afterwards (`ordered` False) the rows are simply appended.
        order = "ORDER BY 2" if ordered and not self.is_postgresql else ""
        for distinct, length in (("", f"<= {limit}"), ("DISTINCT", f"> {limit}")):
            self._execute(
                f"""INSERT INTO people_workernamekey (worker_id, {connection.ops.quote_name("key")})
                    SELECT {distinct} {target}, substr(s.name_key, n.i, {limit})
                    FROM {self.table} s {numbers}
                    WHERE {changed} AND length(s.name_key) {length} {order}""",
                params,
            )

    def write_occupations(self, params: dict, context: SheetContext) -> None:
        """The occupations of new rows, and of updated rows whose cell changed them.

        The stage keeps them as a bit mask; the few distinct masks of a file are expanded
        into (mask, tag) pairs once, so each row is one index probe."""
        if not context.tag_bits:
            return
        self._execute(
            f"""DELETE FROM people_worker_occupations WHERE worker_id IN (
                    SELECT existing_id FROM {self.table} WHERE occupations_changed = 1)"""
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT DISTINCT occupation_mask FROM {self.table} "
                "WHERE has_error = 0 AND occupation_mask IS NOT NULL AND occupation_mask <> 0"
            )
            masks = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.masks} (mask bigint, tag_id bigint, "
                "PRIMARY KEY (mask, tag_id))"
            )
            cursor.executemany(
                f"INSERT INTO {self.masks} (mask, tag_id) VALUES (%s, %s)",
                [
                    (mask, tag_id)
                    for mask in masks
                    for tag_id, bit in context.tag_bits.items()
                    if int(mask) & bit
                ],
            )
        self._execute(
            f"""INSERT INTO people_worker_occupations (worker_id, occupationtag_id)
                SELECT COALESCE(s.existing_id, {self.new_id}), m.tag_id
                FROM {self.table} s JOIN {self.masks} m ON m.mask = s.occupation_mask
                WHERE s.has_error = 0 AND (s.existing_id IS NULL OR s.occupations_changed = 1)""",
            params,
        )

    def counts(self) -> dict[str, int]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT
                    COALESCE(SUM(CASE WHEN existing_id IS NULL THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN outcome = 'updated' THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN outcome = 'unchanged' THEN 1 ELSE 0 END), 0)
                    FROM {self.table} WHERE has_error = 0"""
            )
            created, updated, unchanged = cursor.fetchone()
        return {"created": int(created), "updated": int(updated), "unchanged": int(unchanged)}

    # -- helpers ------------------------------------------------------------------------------

    def _execute(self, sql: str, params: Any = None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    def _fetch(self, sql: str, params: Any = None, size: int = 2000) -> Iterator[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(size):
                yield from rows


# --- running an import --------------------------------------------------------------------


class ImportAborted(Exception):
    """The import stopped before writing; its batch says why (sheet errors or row errors)."""


def sheet_context(org: Org, by) -> SheetContext:
    """The lists a sheet is checked against: tags, and the unions of `org` within `by`'s reach."""
    tags = list(OccupationTag.objects.order_by("pk"))
    if len(tags) > MAX_OCCUPATION_TAGS:
        raise RuleViolation(
            _("The import handles at most %(count)d occupation tags.")
            % {"count": MAX_OCCUPATION_TAGS}
        )
    bits = {tag.pk: 1 << position for position, tag in enumerate(tags)}
    active = sorted(
        (tag for tag in tags if tag.is_active), key=lambda tag: (tag.sort_order, tag.name)
    )
    unions = Org.objects.filter(within(org.path), kind__in=sorted(Org.GRASSROOTS_KINDS))
    if by is not None and getattr(by, "org", None) is not None:
        unions = unions.filter(within(by.org.path))
    return SheetContext(
        today=timezone.localdate(),
        occupation_bits={tag.name: bits[tag.pk] for tag in active},
        tag_bits=bits,
        unions={
            code: (pk, region)
            for pk, code, region in unions.values_list("pk", "code", "region_code")
        },
    )


def estimate_rows(source: SheetSource, path: Path) -> int:
    """Rows in the file, for the progress bar before it is read: lines of a CSV, a sheet's height."""
    if source.is_workbook:
        return 0
    count = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            count += block.count(b"\n")
    return count


def _checking_processes(estimate: int, requested: int | None) -> int:
    if requested is not None:
        return max(0, requested)
    if estimate < POOL_MIN_ROWS:
        return 0
    return min(MAX_POOL_PROCESSES, os.cpu_count() or 1)


def _batches(values: list, size: int = 500) -> Iterator[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _chunks(
    rows: Iterator[tuple[int, list[Any]]], size: int
) -> Iterator[list[tuple[int, list[Any]]]]:
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


class _timed:
    """Log how long a step took (logger people.imports at INFO: the bench and operators read it)."""

    def __init__(self, step: str):
        self.step = step

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc_info):
        logger.info("%s: %.2f s", self.step, time.perf_counter() - self.start)
        return False


class WorkerImport:
    """One run of the engine over one batch (see the module docstring for the three steps)."""

    def __init__(
        self,
        batch: ImportBatch,
        *,
        by,
        processes: int | None = None,
        chunk_rows: int = CHUNK_ROWS,
        on_progress: Callable[[ImportBatch], None] | None = None,
        error_sheet_path: Path | None = None,
    ):
        self.batch = batch
        self.by = by
        self.processes = processes
        self.chunk_rows = chunk_rows
        self.on_progress = on_progress or (lambda batch: None)
        self.error_sheet_path = error_sheet_path
        self.stage = _Stage(batch)
        self.path = Path(batch.stored_file)
        self.stats: dict[str, Any] = {"processes": 0}  # how the run went, for logs and the bench
        self.pieces_fit = False  # whether csv_pieces can cut this CSV (set when checking starts)

    def run(self) -> ImportBatch:
        batch = self.batch
        with self.path.open("rb") as handle:
            source = self.source = SheetSource(
                handle, sheet_title=SHEET_TITLE, name=batch.file_name
            )
            try:
                self._set(status=ImportBatch.Status.CHECKING, started_at=timezone.now())
                context = sheet_context(batch.org, self.by)
                spec = worker_sheet(context)
                layout, rows = self._layout(source, spec)
                self._set(total=max(0, estimate_rows(source, self.path) - layout.header_row))
                self.stage.create()
                with _timed("check and stage"):
                    self._check_and_stage(rows, spec, layout)
                with _timed("final checks"):
                    self._final_checks()
                if batch.errors and batch.mode == Mode.ALL_OR_NOTHING:
                    raise ImportAborted
                if not self.stage.valid_count():
                    raise ImportAborted
                self._set(status=ImportBatch.Status.WRITING)
                with _timed("merge"):
                    self._merge(context)
            except ImportAborted:
                self._set(status=ImportBatch.Status.REFUSED, finished_at=timezone.now())
            except UnreadableFile:
                self._refuse(
                    _("The file could not be read; upload an Excel workbook (xlsx) or a CSV file.")
                )
            except BaseException as error:
                logger.exception("import batch %s failed", batch.pk)
                self._set(
                    status=ImportBatch.Status.FAILED,
                    finished_at=timezone.now(),
                    sheet_errors=[*batch.sheet_errors, _failure_message(error)],
                )
                raise
            finally:
                self.stage.drop()
            if batch.errors:
                with _timed("error sheet"):
                    self._save_error_sheet(source, spec)
        if batch.status in (ImportBatch.Status.DONE, ImportBatch.Status.REFUSED):
            _forget_upload(batch)
        return batch

    # -- steps ---------------------------------------------------------------------------------

    def _layout(
        self, source: SheetSource, spec: SheetSpec
    ) -> tuple[Layout, Iterator[tuple[int, list[Any]]]]:
        layout, rows = find_layout(source.rows(), spec)
        if layout is None:
            headers = "、".join(column.header for column in spec.columns)
            self._refuse(
                _("No header row found: the sheet needs a row with the column names %(headers)s.")
                % {"headers": headers}
            )
            raise ImportAborted
        missing = [
            _("The required column %(header)s is missing.") % {"header": column.header}
            for column in spec.columns
            if column.required and column.key not in layout.positions
        ]
        if missing:
            self._refuse(*missing)
            raise ImportAborted
        self.layout = layout
        return layout, rows

    def _check_and_stage(
        self, rows: Iterator[tuple[int, list[Any]]], spec: SheetSpec, layout: Layout
    ) -> None:
        processes = _checking_processes(self.batch.total, self.processes)
        self.stats["processes"] = processes
        preparer = RowPreparer(
            spec, layout.positions, pack_for=connection.vendor if processes > 1 else ""
        )
        self.pieces_fit = not self.source.is_workbook and csv_pieces_fit(self.path)
        if processes > 1 and self.pieces_fit:
            work: Iterable[Any] = csv_pieces(
                self.path,
                encoding=self.source.encoding,
                after_row=layout.header_row,
                size=self.chunk_rows,
            )
            checked = prepared_chunks(work, preparer, processes, csv_work=True)
        else:
            checked = prepared_chunks(_chunks(rows, self.chunk_rows), preparer, processes)
        read = invalid = 0
        for prepared in checked:
            self.stats["checking_peak_mb"] = max(
                self.stats.get("checking_peak_mb", 0), prepared.peak_rss_kb // 1024
            )
            read += prepared.read
            invalid += prepared.invalid
            with transaction.atomic():
                stage_chunk(self.stage, prepared)
                self._record_errors(prepared.errors)
                self._set(processed=read, errors=invalid, total=max(self.batch.total, read))
            self.on_progress(self.batch)
        self._set(total=read)
        if not read:
            self._refuse(_("The sheet has no rows below the header row."))
            raise ImportAborted

    def _final_checks(self) -> None:
        """Repeats in the file, IDs kept outside the subtree, unnamed employers: set-based."""
        with transaction.atomic():
            with _timed("final checks: index"):
                self.stage.index()
            with _timed("final checks: repeats"):
                repeats = self.stage.repeated_rows()
                self._record_errors(
                    (row, "id_number", duplicate_of(first)) for row, first in repeats
                )
            with _timed("final checks: registered elsewhere"):
                self.highest_worker = self.stage.match_existing()
                self._record_errors(self._foreign_errors())
            with _timed("final checks: employers"):
                self._check_employers()
            self._set(errors=self._error_rows())
        self.on_progress(self.batch)

    def _check_employers(self) -> None:
        """A credit code with no employer name must be registered, or named on another row."""
        named = self.stage.employers_named()
        with_name = {code for code, name, _region in named if code and name}
        without = sorted({code for code, name, _region in named if code and not name} - with_name)
        known: set[str] = set()
        for part in _batches(without):
            known |= set(
                Employer.objects.filter(credit_code__in=part).values_list("credit_code", flat=True)
            )
        unnamed = [code for code in without if code not in known]
        rows = self.stage.rows_naming_no_employer(unnamed)
        self.stage.flag(rows)
        message = _("Enter the employer's name with its credit code.")
        self._record_errors((row, "employer_name", message) for row in rows)
        self.employers = named

    def _foreign_errors(self) -> Iterator[tuple[int, str, str]]:
        for row, name, masked, org_name, org_path, merged_into in self.stage.foreign_rows(
            self.batch.org
        ):
            if merged_into:
                message = _("This record was merged into another; change that one.")
            else:
                existing = Worker(name=name, id_number_masked=masked)
                existing.org = Org(name=org_name, path=org_path)
                message = DuplicateWorker(existing, by=self.by).message
            yield row, "id_number", message

    def _merge(self, context: SheetContext) -> None:
        batch = self.batch
        rebuild = self.stage.rebuild_pays()
        checks = connection.constraint_checks_disabled() if rebuild else contextlib.nullcontext()
        try:
            with checks, _merge_cache(), _timed("merge: transaction"), transaction.atomic():
                self._write(context, rebuild=rebuild)
        except _LateConflict as conflict:
            self._record_errors(conflict.errors)
            self._set(errors=self._error_rows())
            raise ImportAborted from None
        self.on_progress(batch)

    def _write(self, context: SheetContext, *, rebuild: bool) -> None:
        batch = self.batch
        # Registrations since the final checks; an ID number changed on an older record
        # meanwhile fails the unique index instead, and the batch with it (run it again).
        with _timed("merge: registered meanwhile"):
            highest = self.stage.match_existing(registered_after=self.highest_worker)
            late = list(self._foreign_errors()) if highest > self.highest_worker else []
        if late:
            if batch.mode == Mode.ALL_OR_NOTHING:
                raise _LateConflict(late)
            self._record_errors(late)
            self._set(errors=self._error_rows())
        counts = self.stage.merge(
            org=batch.org, by=self.by, context=context, employers=self.employers, rebuild=rebuild
        )
        self._set(status=ImportBatch.Status.DONE, finished_at=timezone.now(), **counts)
        record_event(
            batch.org,
            "people.imported",
            by=self.by,
            actor_label="" if self.by is not None else "nuanjia import",
            changes={
                "batch": batch.pk,
                "file": batch.file_name[:200],
                "mode": batch.mode,
                "total": batch.total,
                "errors": batch.errors,
                **counts,
            },
        )

    # -- bookkeeping ---------------------------------------------------------------------------

    def _set(self, **values: Any) -> None:
        """Change the batch, in memory and in its row (a heartbeat for the page)."""
        for name, value in values.items():
            setattr(self.batch, name, value)
        values["updated_at"] = timezone.now()
        ImportBatch.objects.filter(pk=self.batch.pk).update(**values)

    def _refuse(self, *messages: str) -> None:
        self._set(
            status=ImportBatch.Status.REFUSED,
            finished_at=timezone.now(),
            sheet_errors=[*self.batch.sheet_errors, *map(str, messages)],
        )

    def _record_errors(self, errors: Iterable[tuple[int, str, str]]) -> None:
        layout = self.layout
        batch_errors = (
            ImportRowError(
                batch_id=self.batch.pk,
                row=row,
                column=layout.letter(key) if key else "",
                header=HEADERS.get(key, "") if key else "",
                message=str(message)[:500],
            )
            for row, key, message in errors
        )
        while chunk := list(itertools.islice(batch_errors, 5000)):
            ImportRowError.objects.bulk_create(chunk)

    def _error_rows(self) -> int:
        return ImportRowError.objects.filter(batch=self.batch).values("row").distinct().count()

    def _save_error_sheet(self, source: SheetSource, spec: SheetSpec) -> None:
        messages = (
            (error.row, str(error.as_row_error()))
            for error in ImportRowError.objects.filter(batch=self.batch)
            .order_by("row", "pk")
            .iterator(chunk_size=2000)
        )

        only_refused = self.batch.status == ImportBatch.Status.DONE
        rows = None
        if (
            only_refused
            and not source.is_workbook
            and self.batch.errors <= SPARSE_ERROR_SHEET_ROWS
            and self.pieces_fit
        ):
            wanted = set(
                ImportRowError.objects.filter(batch=self.batch).values_list("row", flat=True)
            )
            rows = csv_records(self.path, encoding=source.encoding, wanted=wanted)

        def write(destination) -> None:
            write_annotated_sheet(
                destination,
                source=source,
                spec=spec,
                messages=messages,
                only_refused=only_refused,
                rows=rows,
            )

        if self.error_sheet_path is not None:
            write(self.error_sheet_path)  # the CLI's: on the operator's disk, not for the page
        elif self.batch.created_by_id is not None:
            self._set(error_sheet=save_owned_sheet(write, owner_id=self.batch.created_by_id))


class _LateConflict(Exception):
    """An ID was registered elsewhere while the import ran (all-or-nothing: undo the merge)."""

    def __init__(self, errors: list[tuple[int, str, str]]):
        super().__init__(f"{len(errors)} rows")
        self.errors = errors


def stage_chunk(stage: _Stage, prepared: PreparedChunk) -> None:
    """Append one checked chunk to the stage table (a seam the crash tests break)."""
    stage.write(prepared)


class _merge_cache:
    """A bigger SQLite page cache while the merge writes into the registry's indexes."""

    def __enter__(self):
        self.previous = None
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                self.previous = cursor.fetchone()[0]
                cursor.execute(f"PRAGMA cache_size = -{MERGE_CACHE_KIB}")
        return self

    def __exit__(self, *exc_info):
        if self.previous is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(self.previous)}")
        return False


def _failure_message(error: BaseException) -> str:
    return _(
        "The import stopped because of a problem in the system (%(error)s). Nothing was written; run it again."
    ) % {"error": type(error).__name__}


def _forget_upload(batch: ImportBatch) -> None:
    """Delete an uploaded file once its batch is settled (the error sheet holds what is needed)."""
    path = Path(batch.stored_file)
    uploads = Path(settings.MEDIA_ROOT) / UPLOAD_DIR
    if path.parent == uploads:
        path.unlink(missing_ok=True)
        ImportBatch.objects.filter(pk=batch.pk).update(stored_file="")
        batch.stored_file = ""


# --- starting, running, reading batches -------------------------------------------------------


def may_import(by, org: Org) -> bool:
    """Caseworkers (经办人) import into their own union or one below it."""
    return may(by, rules.REGISTER_ROLES, org)


def start_worker_import(*, org: Org, by, upload, mode: str) -> ImportBatch:
    """Keep an uploaded sheet for the task worker and open its batch (status QUEUED).

    The file waits below MEDIA_ROOT/UPLOAD_DIR under a random name; it is deleted when the
    batch is settled. Uploads left by stopped imports go after a day.
    """
    if not may_import(by, org):
        raise PermissionDenied
    if mode not in Mode.values:
        raise RuleViolation(_("Choose how rows with errors are handled."), field="mode")
    directory = Path(settings.MEDIA_ROOT) / UPLOAD_DIR
    directory.mkdir(parents=True, exist_ok=True)
    _prune_uploads(directory)
    suffix = Path(upload.name).suffix.lower()
    if not SAFE_SUFFIX.fullmatch(suffix):
        suffix = ""
    path = directory / f"{secrets.token_hex(16)}{suffix}"
    with path.open("wb") as handle:
        for piece in upload.chunks():
            handle.write(piece)
    return ImportBatch.objects.create(
        org=org, mode=mode, file_name=upload.name[:200], stored_file=str(path), created_by=by
    )


def _prune_uploads(directory: Path) -> None:
    cutoff = timezone.now().timestamp() - datetime.timedelta(days=1).total_seconds()
    for path in directory.iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def run_import_batch(
    batch: ImportBatch,
    *,
    processes: int | None = None,
    chunk_rows: int = CHUNK_ROWS,
    on_progress: Callable[[ImportBatch], None] | None = None,
    error_sheet_path: Path | None = None,
) -> ImportBatch:
    """Check, stage and merge one batch's file (the task, the CLI and the bench call this).

    Atomicity: the registry is written by one transaction at the end, from a temporary stage
    table filled chunk by chunk before it. A crash or kill before that transaction leaves the
    registry untouched (the stage table disappears with the connection); one inside it is
    rolled back by the database. Either way the batch can simply be run again.
    """
    batch = ImportBatch.objects.select_related("org", "created_by").get(pk=batch.pk)
    by = batch.created_by
    if by is not None and not may_import(by, batch.org):
        raise PermissionDenied
    run = WorkerImport(
        batch,
        by=by,
        processes=processes,
        chunk_rows=chunk_rows,
        on_progress=on_progress,
        error_sheet_path=error_sheet_path,
    )
    batch = run.run()
    batch.run_stats = run.stats  # not stored: checking processes and their peak memory
    logger.info("import batch %s: %s", batch.pk, run.stats)
    return batch


def retry_import_batch(batch: ImportBatch, *, by) -> ImportBatch:
    """Reset a failed (or stalled) batch whose file is still kept, to be run again."""
    if batch.created_by_id != getattr(by, "pk", None) or not may_import(by, batch.org):
        raise PermissionDenied
    if not can_retry(batch):
        raise RuleViolation(_("Only a failed or stalled import can be run again."))
    ImportRowError.objects.filter(batch=batch).delete()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.QUEUED,
        processed=0,
        errors=0,
        created=0,
        updated=0,
        unchanged=0,
        sheet_errors=[],
        error_sheet="",
        started_at=None,
        finished_at=None,
        updated_at=timezone.now(),
    )
    batch.refresh_from_db()
    return batch


def is_stalled(batch: ImportBatch) -> bool:
    """A running batch with no heartbeat for STALLED_AFTER: its worker was stopped or killed."""
    return (
        batch.is_running
        and batch.status != ImportBatch.Status.QUEUED
        and (timezone.now() - batch.updated_at > STALLED_AFTER)
    )


def can_retry(batch: ImportBatch) -> bool:
    kept = bool(batch.stored_file) and Path(batch.stored_file).is_file()
    return kept and (batch.status == ImportBatch.Status.FAILED or is_stalled(batch))


def visible_import_batches(user) -> QuerySet[ImportBatch]:
    """Worker imports of the user's subtree (what they found is business data)."""
    return scope(ImportBatch.objects.select_related("org", "created_by"), user)


def get_import_batch_for(user, pk) -> ImportBatch:
    return get_scoped_or_404(visible_import_batches(user), user, pk=pk)


# --- template and export ------------------------------------------------------------------------

EXPORT_SHEET_TITLE = "职工"


def write_worker_template(destination, *, org: Org, by) -> None:
    """The blank worker sheet: notes per column, dropdowns of occupations and the user's unions."""
    context = sheet_context(org, by)
    instructions = _(
        "Workers: one per row, from row 3 down. Columns marked * are required; point at a column "
        "name to read how to fill it. An ID number already kept by your union or one below it "
        "updates that record; a blank cell keeps what is recorded."
    )
    build_template(
        worker_sheet(context),
        destination,
        instructions=instructions,
        options={"union_code": sorted(context.unions)},
    )


def export_workers(workers: QuerySet[Worker], destination) -> None:
    """Workers in the import sheet's columns, numbers masked, every cell formula-safe.

    An export is for reading: ID and bank numbers are masked, so it cannot be imported back
    as it is (the ID column would not parse), which is the point.
    """
    header = [*HEADERS.values(), "性别", "出生日期", "所属工会名称"]
    rows = (
        (
            worker.name,
            worker.id_number_masked,
            worker.phone,
            worker.address,
            worker.employer.name if worker.employer else "",
            worker.employer.credit_code if worker.employer else "",
            "、".join(tag.name for tag in worker.occupations.all()),
            worker.union.code if worker.union else "",
            worker.joined_union_on.isoformat() if worker.joined_union_on else "",
            worker.member_card_number,
            worker.bank_name,
            worker.bank_account_masked,
            worker.get_gender_display() if worker.gender else "",
            worker.birth_date.isoformat() if worker.birth_date else "",
            worker.union.name if worker.union else "",
        )
        for worker in workers.select_related("employer", "union")
        .prefetch_related("occupations")
        .order_by("pk")
        .iterator(chunk_size=2000)
    )
    write_xlsx(destination, title=EXPORT_SHEET_TITLE, header=header, rows=rows)


# --- the command line (`nuanjia import workers FILE --org CODE`) --------------------------------


def import_workers_cli(
    path: Path,
    *,
    org_code: str,
    mode: str = Mode.ALL_OR_NOTHING,
    username: str = "",
    processes: int | None = None,
    error_sheet: Path | None = None,
    out=None,
) -> int:
    """Run an import of a file on this machine, printing progress; the exit status.

    Same engine as the page, run here and now. Without `username` it runs as the operator at
    the console (no staff account: the audit event says "nuanjia import"); with one, as that
    staff member, who must be a caseworker of the union or above it.
    """
    from nuanjia.orgs.models import Staff

    out = out or sys.stdout
    path = Path(path).resolve()
    org = Org.objects.filter(code=org_code.strip().upper()).first()
    if org is None:
        print(_("Unknown union code %(code)s.") % {"code": org_code}, file=sys.stderr)
        return 2
    by = None
    if username:
        by = Staff.objects.filter(username=username).first()
        if by is None or not may_import(by, org):
            print(
                _("%(user)s is not a caseworker of %(union)s or a union above it.")
                % {"user": username, "union": org.name},
                file=sys.stderr,
            )
            return 2
    if not path.is_file():
        print(_("No such file: %(path)s") % {"path": path}, file=sys.stderr)
        return 2
    if mode not in Mode.values:
        print(_("Choose how rows with errors are handled."), file=sys.stderr)
        return 2
    batch = ImportBatch.objects.create(
        org=org, mode=mode, file_name=path.name[:200], stored_file=str(path), created_by=by
    )
    print(
        _("Importing %(file)s into %(union)s (%(code)s): %(mode)s")
        % {"file": path.name, "union": org.name, "code": org.code, "mode": Mode(mode).label},
        file=out,
        flush=True,
    )
    last = [0.0]

    def progress(batch: ImportBatch) -> None:
        now = time.monotonic()
        if batch.status == ImportBatch.Status.CHECKING and now - last[0] < 1:
            return
        last[0] = now
        print(
            _("%(processed)s of about %(total)s rows checked, %(errors)s with errors")
            % {
                "processed": f"{batch.processed:,}",
                "total": f"{batch.total:,}",
                "errors": f"{batch.errors:,}",
            },
            file=out,
            flush=True,
        )

    error_sheet = error_sheet or path.with_name(f"{path.stem}.errors.xlsx")
    batch = run_import_batch(
        batch, processes=processes, on_progress=progress, error_sheet_path=error_sheet
    )
    for message in batch.sheet_errors:
        print(message, file=sys.stderr)
    summary = {
        "created": f"{batch.created:,}",
        "updated": f"{batch.updated:,}",
        "unchanged": f"{batch.unchanged:,}",
        "errors": f"{batch.errors:,}",
    }
    if batch.status == ImportBatch.Status.DONE:
        print(
            _(
                "Imported: %(created)s added, %(updated)s updated, %(unchanged)s unchanged; %(errors)s rows with errors were left out."
            )
            % summary,
            file=out,
        )
    else:
        print(_("Nothing was imported; %(errors)s rows have errors.") % summary, file=sys.stderr)
    if batch.errors:
        print(_("Error sheet: %(path)s") % {"path": error_sheet}, file=out)
    return 0 if batch.status == ImportBatch.Status.DONE else 1
