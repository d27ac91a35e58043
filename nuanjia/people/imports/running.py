"""Running an import over one batch: check and stage, final checks, merge, error sheet."""

import contextlib
import itertools
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.audit import record_event
from nuanjia.core.crypto import seal_file
from nuanjia.core.imports import (
    Layout,
    Mode,
    SheetSource,
    SheetSpec,
    UnreadableFile,
    duplicate_of,
    find_layout,
    save_owned_sheet,
    write_annotated_sheet,
)
from nuanjia.orgs.models import Org

from ..models import Employer, ImportBatch, ImportRowError, Worker
from ..services import DuplicateWorker
from .cutting import csv_pieces, csv_pieces_fit, csv_records
from .merging import _merge_cache, _Stage
from .preparing import PreparedChunk, RowPreparer, prepared_chunks
from .sheet import HEADERS, SHEET_TITLE, SheetContext, sheet_context, worker_sheet
from .staging import _batches, _timed

logger = logging.getLogger("nuanjia.people.imports")


CHUNK_ROWS = 10_000  # rows checked, staged and committed together
POOL_MIN_ROWS = 50_000  # files with fewer rows are checked in this process
MAX_POOL_PROCESSES = 4
UPLOAD_DIR = "imports/uploads"  # below MEDIA_ROOT; uploads wait there for the task worker
SPARSE_ERROR_SHEET_ROWS = 100_000  # error sheets of up to this many rows skip the others unparsed


class ImportAborted(Exception):
    """The import stopped before writing; its batch says why (sheet errors or row errors)."""


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


def _chunks(
    rows: Iterator[tuple[int, list[Any]]], size: int
) -> Iterator[list[tuple[int, list[Any]]]]:
    while chunk := list(itertools.islice(rows, size)):
        yield chunk


class WorkerImport:
    """One run of the engine over one batch (the package docstring describes its three steps)."""

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
                    stored_file=str(_seal_upload(batch)),
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


def _failure_message(error: BaseException) -> str:
    return _(
        "The import stopped because of a problem in the system (%(error)s). Nothing was written; run it again."
    ) % {"error": type(error).__name__}


def _seal_upload(batch: ImportBatch) -> Path:
    """A failed batch keeps its file for a retry only encrypted (core.crypto.seal_file)."""
    path = Path(batch.stored_file)
    return seal_file(path) if path.is_file() else path


def _forget_upload(batch: ImportBatch) -> None:
    """Delete an uploaded file once its batch is settled (the error sheet holds what is needed)."""
    path = Path(batch.stored_file)
    uploads = Path(settings.MEDIA_ROOT) / UPLOAD_DIR
    if path.parent == uploads:
        path.unlink(missing_ok=True)
        ImportBatch.objects.filter(pk=batch.pk).update(stored_file="")
        batch.stored_file = ""
