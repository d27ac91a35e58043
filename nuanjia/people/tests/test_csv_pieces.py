"""The CSV cutter that feeds the checking processes: it must see the records the csv module sees."""

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from nuanjia.people.imports import csv_pieces, csv_records

cell = st.text(alphabet='张三李四ab1," 中', max_size=6)
plain_cell = st.text(alphabet="张三李四ab1 中", max_size=6)


def _write(tmp_path, rows, *, quoted: bool, crlf: bool, final_newline: bool) -> tuple:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n" if crlf else "\n",
               quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE, escapechar="\\" if not quoted else None
               ).writerows(rows)  # fmt: skip
    text = buffer.getvalue()
    if not final_newline:
        text = text.rstrip("\r\n")
    path = tmp_path / "sheet.csv"
    path.write_bytes(text.encode("utf-8"))
    expected = list(csv.reader(io.StringIO(text, newline="")))
    return path, expected


def _pieces(path, *, after_row, size):
    seen = []
    for piece in csv_pieces(path, encoding="utf-8", after_row=after_row, size=size):
        records = list(csv.reader(io.StringIO(piece.data.decode("utf-8"), newline="")))
        seen += list(enumerate(records, start=piece.first_row))
    return seen


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.lists(plain_cell, min_size=1, max_size=4), max_size=30),
    with_quotes=st.lists(st.lists(cell, min_size=1, max_size=4), max_size=5),
    quoted=st.booleans(),
    crlf=st.booleans(),
    final_newline=st.booleans(),
    after_row=st.integers(0, 5),
    size=st.integers(1, 7),
)
def test_pieces_hold_every_record_once_numbered_as_csv_numbers_them(
    tmp_path_factory, rows, with_quotes, quoted, crlf, final_newline, after_row, size
):
    rows = [row for row in rows + (with_quotes if quoted else []) if any(row)]
    path, expected = _write(
        tmp_path_factory.mktemp("csv"), rows, quoted=quoted, crlf=crlf, final_newline=final_newline
    )
    wanted = list(enumerate(expected, start=1))[after_row:]
    assert _pieces(path, after_row=after_row, size=size) == wanted
    picked = {number for number, _cells in wanted[::3]}
    assert list(csv_records(path, encoding="utf-8", wanted=picked)) == [
        (number, cells) for number, cells in wanted if number in picked
    ]
