"""Enrolment sheets through the API (/api/v1/mutualaid/): upload a sheet into a plan (the run
goes to the task queue, as from the page), read a run's progress and counts, download its
error sheet (whoever uploaded it only) and resume a stopped run. Runs are scoped to the
caller's subtree; the plan must be one the caller may enrol into."""

import datetime
from typing import Any, Literal

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Schema, Status
from ninja.files import UploadedFile

from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import Mode, error_sheet_path, error_sheet_response
from nuanjia.core.schemas import ErrorOut

from . import queries
from .api import _guard, router
from .import_runs import (
    can_resume,
    get_import_for,
    resume_enrolment_import,
    start_enrolment_import,
)
from .models import EnrolmentImport
from .tasks import enrolment_import_task

MAX_UPLOAD_BYTES = 100 * 1024 * 1024
NO_FILE = File(None)  # a missing file is answered in Chinese naming the field


class MutualAidImportIn(Schema):
    mode: Literal["all_or_nothing", "valid_rows"] = "all_or_nothing"


class MutualAidImportErrorOut(Schema):
    row: int
    column: str
    message: str


class MutualAidImportOut(Schema):
    id: int
    plan_id: int
    org: str
    file_name: str
    mode: str
    status: str
    total: int
    to_write: int
    processed: int
    percent: int
    chunks: int
    created: int
    errors: int
    sheet_errors: list[str]
    row_errors: list[MutualAidImportErrorOut]
    failure: str
    can_resume: bool
    errors_url: str | None
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


def _out(request: Any, run: EnrolmentImport) -> dict[str, Any]:
    mine = run.created_by_id == request.user.pk and bool(run.error_sheet)
    return {
        "id": run.pk, "plan_id": run.plan_id, "org": run.org.code, "file_name": run.file_name,
        "mode": run.mode, "status": run.status, "total": run.total, "to_write": run.to_write,
        "processed": run.processed, "percent": run.percent, "chunks": run.chunks,
        "created": run.created, "errors": run.errors, "sheet_errors": run.sheet_errors,
        "row_errors": [{"row": r, "column": c, "message": m} for r, c, m in run.shown_errors],
        "failure": run.failure, "can_resume": can_resume(run),
        "errors_url": reverse("api-1.0.0:mutualaid_import_errors", args=[run.pk]) if mine else None,
        "created_at": run.created_at, "finished_at": run.finished_at,
    }  # fmt: skip


@router.post(
    "/plans/{ma_plan_id}/imports",
    response={201: MutualAidImportOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Upload an enrolment sheet (multipart: file, mode); it runs in the background",
)  # fmt: skip
def import_create(
    request: Any,
    ma_plan_id: int,
    data: Form[MutualAidImportIn],
    file: UploadedFile | None = NO_FILE,
) -> Any:
    _guard(request)
    plan = queries.get_plan_for(request.user, ma_plan_id)
    if file is None:
        raise RuleViolation(_("Choose the sheet to upload."), field="file")
    if (file.size or 0) > MAX_UPLOAD_BYTES:
        raise RuleViolation(_("The file is larger than %(size)d MB.") % {"size": 100}, field="file")
    run = start_enrolment_import(plan, request.user.org, by=request.user, upload=file,
                                 mode=Mode(data.mode))  # fmt: skip
    enrolment_import_task.enqueue(run.pk)
    run.refresh_from_db()
    return Status(201, _out(request, run))


@router.get(
    "/imports/{ma_import_id}",
    response={200: MutualAidImportOut, 404: ErrorOut},
    summary="One enrolment import: status, progress, counts, errors",
)
def import_detail(request: Any, ma_import_id: int) -> Any:
    _guard(request)
    return _out(request, get_import_for(request.user, ma_import_id))


@router.post(
    "/imports/{ma_import_id}/resume",
    response={200: MutualAidImportOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Resume a failed or stalled enrolment import after its last committed chunk",
)  # fmt: skip
def import_resume(request: Any, ma_import_id: int) -> Any:
    _guard(request)
    run = get_import_for(request.user, ma_import_id, write=True)
    run = resume_enrolment_import(run, by=request.user)
    enrolment_import_task.enqueue(run.pk)
    run.refresh_from_db()
    return _out(request, run)


@router.get(
    "/imports/{ma_import_id}/errors.xlsx",
    response={404: ErrorOut},
    url_name="mutualaid_import_errors",
    summary="The import's error sheet (xlsx), for whoever uploaded the sheet",
)
def import_errors(request: Any, ma_import_id: int) -> Any:
    _guard(request)
    run = get_import_for(request.user, ma_import_id)
    path = error_sheet_path(run.error_sheet, owner_id=request.user.pk) if run.error_sheet else None
    if run.created_by_id != request.user.pk:
        path = None
    return error_sheet_response(
        request, path, filename="参保名单导入错误.xlsx", what="mutual aid import error sheet"
    )
