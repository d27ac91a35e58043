"""Pages of the worker import: upload, progress (polled by htmx), errors, template; the export."""

import io

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import (
    SHOWN_ERRORS,
    XLSX_CONTENT_TYPE,
    ImportForm,
    deny_as_missing,
    error_sheet_path,
    error_sheet_response,
)
from nuanjia.orgs.forms import add_rule_error
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from . import rules
from .imports import (
    HEADERS,
    can_retry,
    export_workers,
    get_import_batch_for,
    is_stalled,
    may_import,
    retry_import_batch,
    start_worker_import,
    visible_import_batches,
    write_worker_template,
)
from .models import ImportBatch
from .queries import search_workers, visible_workers
from .services import authorize
from .tasks import import_workers_task

MAX_UPLOAD_MB = 400  # a province's million workers: ~190 MB of CSV; checked in the background
RECENT_BATCHES = 10
TEMPLATE_FILE_NAME = "职工导入模板.xlsx"
ERROR_SHEET_FILE_NAME = "职工导入错误.xlsx"
EXPORT_FILE_NAME = "职工名册.xlsx"


def _xlsx_response(write, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    write(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class WorkerImportForm(ImportForm):
    max_upload_mb = MAX_UPLOAD_MB


@requires(Perm.VIEW_BUSINESS)
def import_view(request):
    """Upload a worker sheet; the import runs in the background and its page shows progress."""
    user = request.user
    form = WorkerImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        authorize(user, rules.REGISTER_ROLES, "import_workers", request.path, user.org)
        if form.is_valid():
            try:
                batch = start_worker_import(
                    org=user.org,
                    by=user,
                    upload=form.cleaned_data["file"],
                    mode=form.cleaned_data["mode"],
                )
            except RuleViolation as error:
                add_rule_error(form, error)
            else:
                import_workers_task.enqueue(batch.pk)
                return redirect("people_import:batch", batch_id=batch.pk)
    context = {
        "form": form,
        "columns": _columns(),
        "can_import": may_import(user, user.org),
        "batches": visible_import_batches(user)[:RECENT_BATCHES],
    }
    return render(request, "people/import.html", context)


def _columns():
    from .imports import worker_sheet

    return worker_sheet().columns


def _batch_context(request, batch: ImportBatch) -> dict:
    settled = not batch.is_running
    errors = []
    if settled and batch.errors:
        errors = [
            error.as_row_error() for error in batch.row_errors.order_by("row", "pk")[:SHOWN_ERRORS]
        ]
    is_owner = batch.created_by_id == request.user.pk
    shown = errors[:SHOWN_ERRORS]
    return {
        "batch": batch,
        "settled": settled,
        "stalled": is_stalled(batch),
        "errors": shown,
        "more_errors": max(0, batch.errors - len({error.row for error in shown})),
        "can_download": is_owner and bool(batch.error_sheet),
        "can_retry": is_owner and can_retry(batch),
        "now": timezone.now(),
    }


@requires(Perm.VIEW_BUSINESS)
@require_GET
def batch_view(request, batch_id: int):
    """One import: its progress while it runs, then what it did and the rows it refused."""
    batch = get_import_batch_for(request.user, batch_id)
    return render(request, "people/import_batch.html", _batch_context(request, batch))


@requires(Perm.VIEW_BUSINESS)
@require_GET
def batch_progress_view(request, batch_id: int):
    """The batch's progress panel alone, for htmx to swap in every second while it runs."""
    batch = get_import_batch_for(request.user, batch_id)
    return render(request, "people/import_progress.html", _batch_context(request, batch))


@requires(Perm.VIEW_BUSINESS)
@require_GET
def batch_errors_view(request, batch_id: int):
    """The error sheet: the refused rows as uploaded, so only whoever uploaded them gets it."""
    batch = get_import_batch_for(request.user, batch_id)
    path = error_sheet_path(batch.error_sheet, owner_id=request.user.pk)
    if batch.created_by_id != request.user.pk:
        path = None
    return error_sheet_response(
        request, path, filename=ERROR_SHEET_FILE_NAME, what="worker import error sheet"
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def batch_retry_view(request, batch_id: int):
    """Run a failed or stalled import again from its kept file (nothing of it was written)."""
    batch = get_import_batch_for(request.user, batch_id)
    if batch.created_by_id != request.user.pk:
        deny_as_missing(request, "worker import retry")
    authorize(request.user, rules.REGISTER_ROLES, "import_workers", request.path, batch.org)
    try:
        batch = retry_import_batch(batch, by=request.user)
    except RuleViolation:
        return redirect("people_import:batch", batch_id=batch.pk)
    import_workers_task.enqueue(batch.pk)
    return redirect("people_import:batch", batch_id=batch.pk)


@requires(Perm.VIEW_BUSINESS)
@require_GET
def template_view(request):
    """The blank sheet, with the user's own grassroots unions in the union-code dropdown."""
    return _xlsx_response(
        lambda buffer: write_worker_template(buffer, org=request.user.org, by=request.user),
        TEMPLATE_FILE_NAME,
    )


@requires(Perm.VIEW_BUSINESS)
@require_GET
def export_view(request):
    """The workers the user can see (or those matching ?q=), numbers masked, formula-safe."""
    text = request.GET.get("q", "").strip()
    workers = search_workers(request.user, text) if text else visible_workers(request.user)
    record_event(
        request.user.org,
        "people.exported",
        by=request.user,
        changes={"search": text[:100], "columns": list(HEADERS.values())},
    )
    return _xlsx_response(lambda buffer: export_workers(workers, buffer), EXPORT_FILE_NAME)
