"""Enrolment sheets run in the background (models_imports.EnrolmentImport): the upload kept,
every row checked first (an all-or-nothing sheet with a bad row writes nothing), then the
valid rows written chunk by chunk, each chunk in one transaction with its contributions'
posting and the run's `last_row`, so the progress page counts committed rows and a stopped
run resumes after the last committed chunk without enrolling anyone twice."""

from __future__ import annotations

import datetime
import logging
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.crypto import SEALED_SUFFIX, seal_file, unseal_file
from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import CHUNK_SIZE, SHOWN_ERRORS, Mode, SheetSource, save_error_sheet
from nuanjia.core.imports.reading import _chunks, _data_rows
from nuanjia.core.imports.rows import ImportRow
from nuanjia.core.imports.running import check_upload
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of
from nuanjia.orgs.queries import get_scoped_or_404, scope

from .imports_enrolment import ENROLMENT_SHEET, SHEET_TITLE, EnrolmentImporter
from .models import EnrolmentImport, Plan
from .services.common import require_role
from .services.enrolment import post_contributions

logger = logging.getLogger("nuanjia.mutualaid.imports")

UPLOAD_DIR = "mutualaid-imports"
STALLED_AFTER = datetime.timedelta(minutes=10)
Status = EnrolmentImport.Status


class _ChunkRefused(Exception):
    """A row that passed the check fails it again while written (the database moved on)."""


def start_enrolment_import(
    plan: Plan, org: Org, *, by: Actor | None, upload: Any, mode: str
) -> EnrolmentImport:
    """Keep the upload (random name, 0600, below MEDIA_ROOT) and open its run (QUEUED)."""
    require_role(by, org)
    if mode not in Mode.values:
        raise RuleViolation(_("Choose how rows with errors are handled."), field="mode")
    directory = Path(settings.MEDIA_ROOT) / UPLOAD_DIR
    directory.mkdir(parents=True, exist_ok=True)
    suffix = Path(upload.name or "").suffix.lower()
    suffix = suffix if suffix in (".xlsx", ".csv") else ""
    path = directory / f"{secrets.token_hex(16)}{suffix}"
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        for piece in upload.chunks():
            handle.write(piece)
    run = EnrolmentImport.objects.create(
        plan=plan, org=org, mode=mode, file_name=(upload.name or "")[:200],
        stored_file=str(path), created_by=staff_of(by),
    )  # fmt: skip
    record_event(plan, "mutualaid.enrolment_import_started", by=by, org=org,
                 changes={"run": run.pk, "file": run.file_name, "mode": mode})  # fmt: skip
    return run


def run_enrolment_import(
    run: EnrolmentImport,
    *,
    chunk_rows: int = CHUNK_SIZE,
    after_chunk: Callable[[EnrolmentImport], None] | None = None,
) -> EnrolmentImport:
    """Check (unless chunks were committed already), then write the rows after `last_row`.
    Any failure leaves the run FAILED with what was committed; `resume` runs it again."""
    run = EnrolmentImport.objects.select_related("plan", "org", "created_by").get(pk=run.pk)
    if not run.is_running:
        return run
    try:
        if not run.chunks:
            _check(run)
        if run.status == Status.WRITING:
            _write(run, chunk_rows, after_chunk)
            _finish(run)
    except Exception as error:
        logger.exception("mutual aid enrolment import %s failed", run.pk)
        message = error.message if isinstance(error, RuleViolation) else str(error)
        _save(run, status=Status.FAILED, failure=str(message)[:300], stored_file=_sealed(run))
    return run


def _sealed(run: EnrolmentImport) -> str:
    """A failed run keeps its file (ID numbers) for a resume only encrypted."""
    path = Path(run.stored_file) if run.stored_file else None
    if path is None or not path.is_file() or path.name.endswith(SEALED_SUFFIX):
        return run.stored_file
    return str(seal_file(path))


def _save(run: EnrolmentImport, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    run.save(update_fields=[*fields, "updated_at"])


def _importer(run: EnrolmentImport) -> EnrolmentImporter:
    return EnrolmentImporter(run.plan, run.org, by=run.created_by, file_name=run.file_name)


def _check(run: EnrolmentImport) -> None:
    """Every row parsed and checked, nothing written; refused sheets end here."""
    _save(run, status=Status.CHECKING, failure="", total=0, errors=0, to_write=0, processed=0)
    with open(run.stored_file, "rb") as handle:
        source = SheetSource(handle, sheet_title=SHEET_TITLE, name=run.file_name)
        result = check_upload(source, _importer(run), mode=run.mode)
        token = ""
        if result.invalid and run.created_by_id and not result.sheet_errors:
            token = save_error_sheet(result, owner_id=run.created_by_id)
    shown = [[e.row, e.column, str(e)] for e in result.errors[:SHOWN_ERRORS]]
    _save(run, total=result.total, errors=result.invalid, to_write=result.valid,
          bad_rows=sorted(result.errors_by_row), sheet_errors=[str(m) for m in result.sheet_errors],
          shown_errors=shown, error_sheet=token)  # fmt: skip
    if result.can_commit:
        _save(run, status=Status.WRITING)
    else:
        _settle(run, Status.REFUSED)


def _write(
    run: EnrolmentImport, chunk_rows: int, after_chunk: Callable[[EnrolmentImport], None] | None
) -> None:
    bad = set(run.bad_rows)
    importer = _importer(run)
    with open(run.stored_file, "rb") as handle:
        source = SheetSource(handle, sheet_title=SHEET_TITLE, name=run.file_name)
        _layout, rows = _data_rows(source, ENROLMENT_SHEET)
        todo = (row for row in rows if row.number > run.last_row and row.number not in bad)
        for chunk in _chunks(todo, chunk_rows):
            _write_chunk(run, importer, chunk)
            if after_chunk is not None:
                after_chunk(run)


def _write_chunk(run: EnrolmentImport, importer: EnrolmentImporter, chunk: list[ImportRow]) -> None:
    """One chunk, its posting and the run's progress in one transaction. The run row is
    locked and its `last_row` compared, so two workers never write the same chunk."""
    with transaction.atomic():
        locked = EnrolmentImport.objects.select_for_update().get(pk=run.pk)
        if locked.last_row != run.last_row or locked.status != Status.WRITING:
            raise RuleViolation(_("Another worker is running this import."))
        importer.paid_total = importer.first_id = importer.last_id = 0
        importer.check(chunk)
        refused = [row for row in chunk if not row.is_valid]
        if refused and run.mode == Mode.ALL_OR_NOTHING:
            raise RuleViolation(str(refused[0].errors[0]))
        valid = [row for row in chunk if row.is_valid]
        importer.write(valid)
        if importer.paid_total:
            post_contributions(
                run.plan, run.org, importer.paid_total, f"I{importer.first_id}-{importer.last_id}",
                f"{run.file_name[:100]} HZ{importer.first_id:07d}–HZ{importer.last_id:07d}",
            )  # fmt: skip
        shown = [[e.row, e.column, str(e)] for row in refused for e in row.errors]
        _save(run, last_row=chunk[-1].number, chunks=run.chunks + 1,
              processed=run.processed + len(chunk), created=run.created + len(valid),
              errors=run.errors + len(refused), bad_rows=run.bad_rows + [r.number for r in refused],
              shown_errors=(run.shown_errors + shown)[:SHOWN_ERRORS],
              paid_fen=run.paid_fen + importer.paid_total,
              first_id=run.first_id or importer.first_id, last_id=importer.last_id or run.last_id)  # fmt: skip


def _finish(run: EnrolmentImport) -> None:
    with transaction.atomic():
        _settle(run, Status.DONE)
        record_event(
            run.plan, "mutualaid.enrolments_imported", by=run.created_by, org=run.org,
            changes={"run": run.pk, "total": run.total, "created": run.created,
                     "invalid": run.errors, "chunks": run.chunks, "mode": run.mode,
                     "file": run.file_name, "paid_fen": run.paid_fen,
                     "first_id": run.first_id, "last_id": run.last_id},
        )  # fmt: skip


def _settle(run: EnrolmentImport, status: str) -> None:
    if run.stored_file:
        Path(run.stored_file).unlink(missing_ok=True)
    _save(run, status=status, stored_file="", finished_at=timezone.now())


def is_stalled(run: EnrolmentImport) -> bool:
    """Running without a heartbeat for STALLED_AFTER: its worker was stopped or killed."""
    return run.is_running and timezone.now() - run.updated_at > STALLED_AFTER


def can_resume(run: EnrolmentImport) -> bool:
    kept = bool(run.stored_file) and Path(run.stored_file).is_file()
    return kept and (run.status == Status.FAILED or is_stalled(run))


def resume_enrolment_import(run: EnrolmentImport, *, by: Actor | None) -> EnrolmentImport:
    """Queue a failed or stalled run again: it goes on after its last committed chunk."""
    require_role(by, run.org)
    if not can_resume(run):
        raise RuleViolation(_("Only a failed or stalled import can be resumed."), code="conflict")
    status = Status.WRITING if run.chunks else Status.QUEUED
    stored = Path(run.stored_file)
    if stored.name.endswith(SEALED_SUFFIX):
        stored = unseal_file(stored)
    _save(run, status=status, failure="", stored_file=str(stored))
    record_event(run.plan, "mutualaid.enrolment_import_resumed", by=by, org=run.org,
                 changes={"run": run.pk, "after_row": run.last_row, "chunks": run.chunks})  # fmt: skip
    return run


def visible_imports(user: Any) -> QuerySet[EnrolmentImport]:
    """Enrolment imports of the user's subtree (a union sees its own and those below)."""
    return scope(EnrolmentImport.objects.select_related("plan", "org", "created_by"), user)


def get_import_for(user: Any, pk: Any, *, write: bool = False) -> EnrolmentImport:
    return get_scoped_or_404(visible_imports(user), user, write=write, pk=pk)
