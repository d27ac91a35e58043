"""The result of an import (counts, errors) and the error sheet annotating the user's file."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..masking import mask_id_number
from .reading import SheetSource, _column_order, cell_text, find_layout
from .rows import ImportRow, Layout, RowError
from .spec import Mode, SheetSpec
from .xlsx import write_xlsx

ERROR_COLUMN_HEADER = "错误"


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

    def summary(self, file_name: str) -> dict[str, Any]:
        """The import's summary audit event's changes: the counts, the mode, the file."""
        return {**self.counts(), "mode": self.mode, "file": file_name[:200]}

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
    mask = _masker(spec, layout)

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
            yield [*mask(padded), "\n".join(texts)]

    write_xlsx(destination, title=spec.title, header=header, rows=annotated())


def _masker(spec: SheetSpec, layout: Layout) -> Callable[[list[Any]], list[Any]]:
    """Error sheets never hold a whole ID or bank number: the text-only columns are masked
    (the row, the column and the message say what is wrong; the user has their own file)."""
    masked = [
        layout.positions[column.key]
        for column in spec.columns
        if column.text_only and column.key in layout.positions
    ]

    def mask(cells: list[Any]) -> list[Any]:
        for index in masked:
            if index < len(cells) and cell_text(cells[index]):
                cells[index] = mask_id_number(cell_text(cells[index]))
        return cells

    return mask
