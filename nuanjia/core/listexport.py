"""Lists to Excel (issue 12 #25): a list page declares its columns once, and its export writes
exactly the rows the page's filters select — every page of them, not the one on screen.

The view builds the filtered, scoped rows the same way for the page and for the export (one
function of its app), and hands them to `ListExport.response`. Cells are formula-safe
(`core.imports.write_xlsx`, streaming to a temporary file); personal data is whatever the
columns read, so columns read the masked fields only. A list longer than the limit is cut
there, with a last line saying so. Every export leaves an audit event: who, which list, which
filters and how many rows. The rows are read from the read replica when there is one and the
user did not just write (core.db_router); if it fails midway they are read again on the primary.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .audit import record_event
from .db_router import read_with_fallback
from .imports import XLSX_CONTENT_TYPE, write_xlsx
from .imports.xlsx import FORMULA_TRIGGERS
from .masking import MASK

EXPORT_LIMIT = 50_000
# Longer lists than this go out as CSV (an xlsx sheet holds 1,048,576 rows).
CSV_ABOVE_ROWS = 1_000_000
CHUNK_SIZE = 2000
FILTER_TEXT_LIMIT = 100  # characters of one filter value kept in the audit event
# A run of digits this long in a filter (a typed ID or phone number) is masked in the audit.
LONG_NUMBER = re.compile(r"\d{7,}[\dXx]?")


@dataclass(frozen=True)
class ExportColumn:
    """A header and what the cell holds: a function of the row, or a path through its
    attributes or keys ("worker.name"; a method such as "get_status_display" is called, as a
    template would). Dates read as the pages show them; `in_yuan` turns 分 into 元."""

    header: Promise | str
    value: Callable[[Any], Any] | str
    in_yuan: bool = False

    def read(self, row: Any) -> Any:
        value = self.value(row) if callable(self.value) else _follow(row, self.value)
        if self.in_yuan:
            return yuan(value)
        return day(value) if isinstance(value, datetime.date) else value


def _follow(row: Any, path: str) -> Any:
    for name in path.split("."):
        row = row.get(name) if isinstance(row, dict) else getattr(row, name, None)
    return row() if callable(row) else row


def column(header: Promise | str, value: Callable[[Any], Any] | str) -> ExportColumn:
    return ExportColumn(header, value)


def money(header: Promise | str, value: Callable[[Any], Any] | str) -> ExportColumn:
    """A column of 分 written as a number of 元."""
    return ExportColumn(header, value, in_yuan=True)


def yuan(fen: int | None) -> Decimal | None:
    """分 as a number of 元 (Excel sums it), blank for none."""
    return None if fen is None else Decimal(fen) / 100


def day(value: Any) -> str:
    """A date or datetime as the pages show it (local time), blank for none."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value.isoformat())


@dataclass
class _Counted:
    """The rows written, counted as they stream past."""

    rows: Iterable[Any]
    limit: int
    written: int = 0
    is_cut: bool = False

    def __iter__(self) -> Iterator[Any]:
        for row in self.rows:
            if self.written == self.limit:
                self.is_cut = True
                return
            self.written += 1
            yield row


@dataclass(frozen=True)
class ListExport:
    """One list's export: its audit name (`relief.grants`), sheet title and columns."""

    name: str
    title: Promise | str
    columns: Sequence[ExportColumn] = field(default_factory=tuple)
    limit: int = EXPORT_LIMIT

    def header(self) -> list[str]:
        return [str(col.header) for col in self.columns]

    def cells(self, row: Any) -> list[Any]:
        return [col.read(row) for col in self.columns]

    def write(self, destination: Any, rows: Iterable[Any]) -> _Counted:
        """Write the sheet; the answer says how many rows went in and whether it was cut."""
        counted = _Counted(_stream(rows, self.limit), self.limit)
        lines = (self.cells(row) for row in counted)
        write_xlsx(
            destination,
            title=str(self.title),
            header=self.header(),
            rows=_with_note(lines, counted),
        )
        return counted

    def response(
        self, request: Any, rows: Iterable[Any], filters: Mapping[str, Any]
    ) -> FileResponse:
        """The xlsx download of `rows` (already filtered and scoped), audited."""
        output, counted = read_with_fallback(
            request,
            lambda: self._write_file(rows),
            may_repeat=isinstance(rows, QuerySet | list | tuple),
        )  # the rows from the read replica when there is one (core.db_router)
        record_export(request.user, self, filters, counted)
        output.seek(0)
        stamp = timezone.localdate().isoformat()
        return FileResponse(
            output,
            as_attachment=True,
            filename=f"{self.title}-{stamp}.xlsx",
            content_type=XLSX_CONTENT_TYPE,
        )

    def _write_file(self, rows: Iterable[Any]) -> tuple[Any, _Counted]:
        output = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it
        try:
            return output, self.write(output, rows)
        except BaseException:
            output.close()
            raise

    def download(
        self, request: Any, rows: QuerySet[Any], filters: Mapping[str, Any]
    ) -> FileResponse | StreamingHttpResponse:
        """The list as a sheet, or as CSV when it holds more rows than a sheet takes (a list
        whose `limit` is CSV_ABOVE_ROWS is then never cut)."""
        count = read_with_fallback(request, rows.count)
        if count > CSV_ABOVE_ROWS:
            return self.csv_response(request, rows, filters, count)
        return self.response(request, rows, filters)

    def csv_response(
        self, request: Any, rows: QuerySet[Any], filters: Mapping[str, Any], count: int
    ) -> StreamingHttpResponse:
        """Every row of a list too long for a sheet, as streamed CSV (UTF-8 with a BOM, so
        Excel and WPS read the Chinese), cells formula-safe as in the sheets; audited with
        the row count before the first byte goes out."""
        record_export(request.user, self, filters, _Counted(rows=(), limit=count, written=count))
        stamp = timezone.localdate().isoformat()
        response = StreamingHttpResponse(
            _csv_lines(self, rows.iterator(chunk_size=CHUNK_SIZE)),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{stamp}.csv"'
        return response


def _csv_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _csv_lines(export: ListExport, rows: Iterator[Any]) -> Iterator[str]:
    """The header, then the rows in blocks of CHUNK_SIZE lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(export.header())
    for count, row in enumerate(rows, 1):
        writer.writerow([_csv_safe(value) for value in export.cells(row)])
        if count % CHUNK_SIZE == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _stream(rows: Iterable[Any], limit: int) -> Iterable[Any]:
    """One more row than the limit (to know it was cut), a queryset in chunks."""
    if isinstance(rows, QuerySet):
        return rows[: limit + 1].iterator(chunk_size=CHUNK_SIZE)
    return rows


def _with_note(lines: Iterable[list[Any]], counted: _Counted) -> Iterator[list[Any]]:
    yield from lines
    if counted.is_cut:
        yield [
            _("Only the first %(limit)d rows are exported; narrow the filters to export the rest.")
            % {"limit": counted.limit}
        ]


def _last4_only(match: re.Match[str]) -> str:
    number = match.group()
    return MASK * (len(number) - 4) + number[-4:]


def audit_filters(filters: Mapping[str, Any]) -> dict[str, str]:
    """The filters in use, for the audit: blanks left out, long values cut, numbers masked."""
    return {
        key: LONG_NUMBER.sub(_last4_only, str(value))[:FILTER_TEXT_LIMIT]
        for key, value in filters.items()
        if value not in (None, "", False)
    }


def record_export(
    user: Any, export: ListExport, filters: Mapping[str, Any], counted: _Counted
) -> None:
    record_event(
        None,
        "list.exported",
        by=user,
        org=user.org,
        label=str(export.title),
        changes={
            "list": export.name,
            "filters": audit_filters(filters),
            "rows": counted.written,
            "is_cut": counted.is_cut,
        },
    )
