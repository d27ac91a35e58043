"""Error sheets kept for download: saved under a token naming their owner, pruned after a day."""

import re
import secrets
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, NoReturn

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest

from ..actors import actor_of
from ..audit import record_event
from ..errors import RuleViolation
from .results import ImportResult
from .xlsx import XLSX_CONTENT_TYPE

ERROR_SHEET_DIR = "imports"
ERROR_SHEET_MAX_AGE = timedelta(hours=24)  # error sheets may hold personal data: keep them a day
ERROR_SHEET_TOKEN = re.compile(r"^(?P<owner>\d+)-[0-9a-f]{32}$")


def _error_sheet_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / ERROR_SHEET_DIR


def _prune_error_sheets(directory: Path) -> None:
    cutoff = time.time() - ERROR_SHEET_MAX_AGE.total_seconds()
    for path in directory.glob("*.xlsx"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def save_error_sheet(result: ImportResult, *, owner_id: int) -> str:
    """Write the result's error sheet for download and return its token (see `save_owned_sheet`)."""
    return save_owned_sheet(result.write_error_sheet, owner_id=owner_id)


def save_owned_sheet(write: Callable[[Path], None], *, owner_id: int) -> str:
    """Write a sheet with `write(path)` for its owner to download, and return its token.

    The token starts with the owner's id: only they may fetch it (see `error_sheet_path`).
    Sheets older than ERROR_SHEET_MAX_AGE are removed on the way.
    """
    directory = _error_sheet_dir()
    directory.mkdir(parents=True, exist_ok=True)
    _prune_error_sheets(directory)
    token = f"{owner_id}-{secrets.token_hex(16)}"
    write(directory / f"{token}.xlsx")
    return token


def error_sheet_path(token: str, *, owner_id: int) -> Path | None:
    """The saved error sheet of `token` when it exists and belongs to `owner_id`, else None."""
    match = ERROR_SHEET_TOKEN.match(token)
    if match is None or int(match["owner"]) != owner_id:
        return None
    path = _error_sheet_dir() / f"{token}.xlsx"
    return path if path.is_file() else None


SHOWN_ERRORS = 200  # an import page lists this many errors; the error sheet has them all


def result_context(result: ImportResult, *, owner_id: int | None = None) -> dict[str, Any]:
    """What an import page shows of a result: the first SHOWN_ERRORS errors, how many more,
    and, for an owner, the token of the error sheet with all of them."""
    errors = result.errors
    context = {
        "result": result,
        "errors": errors[:SHOWN_ERRORS],
        "more_errors": max(0, len(errors) - SHOWN_ERRORS),
    }
    if owner_id is not None:
        context["import_token"] = save_error_sheet(result, owner_id=owner_id) if errors else ""
    return context


def deny_as_missing(request: HttpRequest, what: str) -> NoReturn:
    """Answer 404, as for something that does not exist, and record the `access.denied`."""
    actor = actor_of(request)
    record_event(
        None, "access.denied", by=actor, success=False, org=actor.org,
        changes={"what": what},
    )  # fmt: skip
    raise Http404


def error_sheet_response(
    request: HttpRequest, path: Path | None, *, filename: str, what: str
) -> FileResponse:
    """The error sheet at `path` as a download; None (not the user's, or gone) is a 404 and
    an `access.denied` audit event naming `what`."""
    if path is None:
        deny_as_missing(request, what)
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


def template_response(write: Callable[[Any], None], *, filename: str) -> FileResponse:
    """An import template as a download: `write(file)` fills a temporary file."""
    output = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it
    write(output)
    output.seek(0)
    return FileResponse(
        output, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


def imported_context(
    request: HttpRequest, form: forms.Form, run: Callable[..., ImportResult]
) -> dict[str, Any]:
    """A POSTed import form through `run(upload, mode=…, file_name=…)`: what the page shows of
    the result (its errors, the error sheet's token), or, when a rule outside the rows refuses
    the whole file, the refusal as a message and nothing imported. Empty for a GET."""
    if request.method != "POST" or not form.is_valid():
        return {}
    upload = form.cleaned_data["file"]
    try:
        result = run(upload, mode=form.cleaned_data["mode"], file_name=upload.name)
    except RuleViolation as error:
        messages.error(request, error.message)
        return {}
    return result_context(result, owner_id=actor_of(request).pk)


def owned_error_sheet(
    request: HttpRequest, import_token: str, *, filename: str, what: str
) -> FileResponse:
    """The error sheet of one of the user's own imports; anyone else's is a 404, audited."""
    path = error_sheet_path(import_token, owner_id=actor_of(request).pk)
    return error_sheet_response(request, path, filename=filename, what=what)
