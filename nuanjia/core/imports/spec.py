"""The spec of a sheet: its columns (header, key, parser, note) and the import modes."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy


class Mode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", gettext_lazy("Import only if every row is correct")
    VALID_ROWS = "valid_rows", gettext_lazy("Import only the correct rows")


def plain_text(text: str) -> str:
    return text


@dataclass(frozen=True)
class Column:
    """One column of a sheet.

    `parse` gets the cell's text (stripped, never empty) and returns the value or raises
    ValidationError with a message in Chinese. `choices` are the only texts accepted (and
    the template's dropdown). `suggestions` fill the template's dropdown without limiting
    what may be typed (several occupations in one cell, a code the importer checks itself).
    `note` explains the column in the template. `text_only` marks a column of long numbers
    (ID, bank account) that Excel must keep as text: a numeric cell there has already lost
    its last digits, so it is refused, never rounded back into someone else's number.
    """

    header: str  # as printed in the sheet: the union's own (Chinese) vocabulary
    key: str
    required: bool = False
    parse: Callable[[str], Any] = plain_text
    choices: tuple[str, ...] = ()
    note: str | Promise = ""  # a lazy translation is fine
    suggestions: tuple[str, ...] = ()
    text_only: bool = False


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
