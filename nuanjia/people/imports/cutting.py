"""Cutting a CSV file into pieces of whole records, cheaply, for the checking processes to parse."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


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
