"""Running an import: check every row, then write in one transaction; the upload form."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .reading import SheetSource, UnreadableFile, _chunks, _data_rows, _flag_duplicate
from .results import ImportResult
from .rows import Importer, Layout
from .spec import Mode

MAX_UPLOAD_MB = 50


class _RolledBack(Exception):
    """Raised inside the transaction to undo an all-or-nothing import refused while writing."""


def check_upload(source: SheetSource, importer: Importer, *, mode: str) -> ImportResult:
    """First pass: parse and check every row, write nothing."""
    spec = importer.spec
    result = ImportResult(spec=spec, mode=mode, source=source)
    try:
        layout, rows = _data_rows(source, spec)
        if not _layout_fits(result, layout):
            return result
        first_rows: dict[tuple[str, ...], dict[tuple[Any, ...], int]] = {
            keys: {} for keys in spec.unique
        }
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


def run_import_once(source: SheetSource, importer: Importer, *, mode: str) -> ImportResult:
    """Like `run_import`, reading the file once: each chunk is parsed, checked and (while the
    import may still commit) written as it is read, all in one transaction, so the checks
    see what the transaction sees and nothing is checked twice. An all-or-nothing import
    stops writing at its first bad row, reads on to report every error and is rolled back.
    The price: the write lock is held while the file is read (for a big file run it as a
    background task, as the imports that use this do)."""
    spec = importer.spec
    result = ImportResult(spec=spec, mode=mode, source=source)
    try:
        with transaction.atomic():
            layout, rows = _data_rows(source, spec)
            if not _layout_fits(result, layout):
                raise _RolledBack
            first_rows: dict[tuple[str, ...], dict[tuple[Any, ...], int]] = {
                keys: {} for keys in spec.unique
            }
            for chunk in _chunks(rows):
                for row in chunk:
                    _flag_duplicate(row, first_rows)
                importer.check(chunk)
                result.total += len(chunk)
                valid = [row for row in chunk if row.is_valid]
                if mode == Mode.VALID_ROWS or (not result.invalid and len(valid) == len(chunk)):
                    importer.write(valid)
                result.add_rows(chunk)
            if result.total == 0:
                result.sheet_errors.append(_("The sheet has no rows below the header row."))
            if not result.can_commit:
                raise _RolledBack
            result.committed = True
            importer.finish(result)
    except UnreadableFile:
        result.sheet_errors.append(
            _("The file could not be read; upload an Excel workbook (xlsx) or a CSV file.")
        )
    except _RolledBack:
        pass
    if not result.committed:
        result.created = result.updated = result.unchanged = 0
    return result


def _layout_fits(result: ImportResult, layout: Layout | None) -> bool:
    """Whether the header row was found with every required column; else the sheet's errors."""
    spec = result.spec
    if layout is None:
        headers = "、".join(column.header for column in spec.columns)
        result.sheet_errors.append(
            _("No header row found: the sheet needs a row with the column names %(headers)s.")
            % {"headers": headers}
        )
        return False
    result.layout = layout
    missing = [
        column.header
        for column in spec.columns
        if column.required and column.key not in layout.positions
    ]
    result.sheet_errors += [
        _("The required column %(header)s is missing.") % {"header": header} for header in missing
    ]
    return not missing


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (xlsx or CSV)"))
    mode = forms.ChoiceField(
        label=gettext_lazy("When some rows have errors"),
        choices=Mode.choices,
        initial=Mode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )

    max_upload_mb = MAX_UPLOAD_MB  # a sheet imported in the background may allow more

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if (upload.size or 0) > self.max_upload_mb * 1024 * 1024:
            raise ValidationError(
                _("The file is larger than %(size)d MB.") % {"size": self.max_upload_mb}
            )
        return upload
