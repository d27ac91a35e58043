"""Starting, running and reading import batches: who may import, uploads, retries, visibility."""

import datetime
import logging
import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.crypto import SEALED_SUFFIX, unseal_file
from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import (
    Mode,
)
from nuanjia.orgs.models import Org
from nuanjia.orgs.queries import get_scoped_or_404, scope

from .. import rules
from ..models import ImportBatch, ImportRowError
from ..services import may
from .running import CHUNK_ROWS, UPLOAD_DIR, WorkerImport

logger = logging.getLogger("nuanjia.people.imports")


STALLED_AFTER = datetime.timedelta(minutes=10)  # a running batch without a heartbeat this long
SAFE_SUFFIX = re.compile(r"\.[a-z0-9]{1,5}")


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
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
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
    stored = Path(batch.stored_file)
    if stored.name.endswith(SEALED_SUFFIX):
        stored = unseal_file(stored)
    ImportBatch.objects.filter(pk=batch.pk).update(
        stored_file=str(stored),
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
