"""The command line: `nuanjia import workers FILE --org CODE`."""

import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.utils.translation import gettext as _

from nuanjia.core.imports import Mode
from nuanjia.orgs.models import Org, Staff

from ..models import ImportBatch
from .batches import may_import, run_import_batch


class _Refused(Exception):
    """The command cannot start: the message says why (exit status 2)."""


def import_workers_cli(
    path: Path,
    *,
    org_code: str,
    mode: str = Mode.ALL_OR_NOTHING,
    username: str = "",
    processes: int | None = None,
    error_sheet: Path | None = None,
    out=None,
) -> int:
    """Run an import of a file on this machine, printing progress; the exit status.

    Same engine as the page, run here and now. Without `username` it runs as the operator at
    the console (no staff account: the audit event says "nuanjia import"); with one, as that
    staff member, who must be a caseworker of the union or above it.
    """
    out = out or sys.stdout
    path = Path(path).resolve()
    try:
        org, by = _org_and_actor(org_code, username)
        _check_file_and_mode(path, mode)
    except _Refused as refusal:
        print(refusal, file=sys.stderr)
        return 2
    batch = ImportBatch.objects.create(
        org=org, mode=mode, file_name=path.name[:200], stored_file=str(path), created_by=by
    )
    print(
        _("Importing %(file)s into %(union)s (%(code)s): %(mode)s")
        % {"file": path.name, "union": org.name, "code": org.code, "mode": Mode(mode).label},
        file=out,
        flush=True,
    )
    error_sheet = error_sheet or path.with_name(f"{path.stem}.errors.xlsx")
    batch = run_import_batch(
        batch, processes=processes, on_progress=_progress_printer(out), error_sheet_path=error_sheet
    )
    _print_outcome(batch, error_sheet, out)
    return 0 if batch.status == ImportBatch.Status.DONE else 1


def _org_and_actor(org_code: str, username: str) -> tuple[Org, Staff | None]:
    """The union imported into and the staff member it runs as (None: the operator)."""
    org = Org.objects.filter(code=org_code.strip().upper()).first()
    if org is None:
        raise _Refused(_("Unknown union code %(code)s.") % {"code": org_code})
    if not username:
        return org, None
    by = Staff.objects.filter(username=username).first()
    if by is None or not may_import(by, org):
        raise _Refused(
            _("%(user)s is not a caseworker of %(union)s or a union above it.")
            % {"user": username, "union": org.name}
        )
    return org, by


def _check_file_and_mode(path: Path, mode: str) -> None:
    if not path.is_file():
        raise _Refused(_("No such file: %(path)s") % {"path": path})
    if mode not in Mode.values:
        raise _Refused(_("Choose how rows with errors are handled."))


def _progress_printer(out) -> Callable[[ImportBatch], None]:
    """A progress callback printing a line at most once a second while rows are checked."""
    last = [0.0]

    def progress(batch: ImportBatch) -> None:
        now = time.monotonic()
        if batch.status == ImportBatch.Status.CHECKING and now - last[0] < 1:
            return
        last[0] = now
        print(
            _("%(processed)s of about %(total)s rows checked, %(errors)s with errors")
            % {
                "processed": f"{batch.processed:,}",
                "total": f"{batch.total:,}",
                "errors": f"{batch.errors:,}",
            },
            file=out,
            flush=True,
        )

    return progress


def _print_outcome(batch: ImportBatch, error_sheet: Path, out) -> None:
    """The sheet's errors and the summary (on stderr when nothing was imported)."""
    for message in batch.sheet_errors:
        print(message, file=sys.stderr)
    summary = {
        "created": f"{batch.created:,}",
        "updated": f"{batch.updated:,}",
        "unchanged": f"{batch.unchanged:,}",
        "errors": f"{batch.errors:,}",
    }
    if batch.status == ImportBatch.Status.DONE:
        print(
            _(
                "Imported: %(created)s added, %(updated)s updated, %(unchanged)s unchanged; %(errors)s rows with errors were left out."
            )
            % summary,
            file=out,
        )
    else:
        print(_("Nothing was imported; %(errors)s rows have errors.") % summary, file=sys.stderr)
    if batch.to_review:
        print(
            _(
                "%(count)s rows name a registered ID number under another name: those records were left as they are, the rows wait for review on the page."
            )
            % {"count": f"{batch.to_review:,}"},
            file=out,
        )
    if batch.errors:
        print(_("Error sheet: %(path)s") % {"path": error_sheet}, file=out)
