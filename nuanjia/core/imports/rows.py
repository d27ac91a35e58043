"""Rows and errors: a parsed row, a row's error, the sheet's layout, and the importer protocol."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.db import IntegrityError
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from ..errors import RuleViolation
from .spec import SheetSpec

if TYPE_CHECKING:  # results builds on these rows
    from .results import ImportResult

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


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
        header = self.spec.column(key).header if key and letter else ""
        self.errors.append(RowError(self.number, letter, header, str(message)))


class Importer:
    """What one kind of sheet does with its rows; subclass it per sheet."""

    spec: SheetSpec
    # RuleViolation.field of the sheet's services -> the column it concerns (else the whole row).
    field_columns: ClassVar[dict[str, str]] = {}

    def refuse(self, row: ImportRow, error: RuleViolation) -> None:
        """Put a service's refusal on the row, in the column of the field it names."""
        row.add_error(self.field_columns.get(error.field or ""), error.message)

    def write_each(self, rows: list[ImportRow], write_row: Callable[[ImportRow], str]) -> None:
        """Write rows one at a time: each row's outcome from `write_row`, or its refusal as the
        row's error (also a clash with a change saved at the same moment)."""
        for row in rows:
            try:
                row.outcome = write_row(row)
            except RuleViolation as error:
                self.refuse(row, error)
            except IntegrityError:
                row.add_error(
                    None,
                    _("Someone saved a clashing change at the same moment; import the file again."),
                )

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
