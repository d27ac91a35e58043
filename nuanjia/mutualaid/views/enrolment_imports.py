"""The enrolment sheet's pages: upload (the run goes to the task queue), the run's page with
its progress panel (refreshed by htmx while it runs), the error sheet (only for whoever
uploaded it) and resuming a stopped run."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import ImportForm, error_sheet_path, error_sheet_response
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import queries
from ..import_runs import (
    can_resume,
    get_import_for,
    is_stalled,
    resume_enrolment_import,
    start_enrolment_import,
    visible_imports,
)
from ..imports_enrolment import ENROLMENT_SHEET
from ..models import EnrolmentImport
from ..tasks import enrolment_import_task

RECENT_RUNS = 10


class EnrolmentImportForm(ImportForm):
    max_upload_mb = 100  # 100,000 members are about 5 MB; checked in the background


@requires(Perm.VIEW_BUSINESS)
def enrolment_import_view(request, ma_plan_id: int):
    plan = queries.get_plan_for(request.user, ma_plan_id)
    form = EnrolmentImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = start_enrolment_import(
                plan, request.user.org, by=request.user, upload=form.cleaned_data["file"],
                mode=form.cleaned_data["mode"],
            )  # fmt: skip
        except RuleViolation as error:
            messages.error(request, error.message)
        else:
            enrolment_import_task.enqueue(run.pk)
            return redirect("mutualaid:enrolment_import_run", ma_import_id=run.pk)
    context = {
        "plan": plan, "form": form, "columns": ENROLMENT_SHEET.columns,
        "runs": visible_imports(request.user).filter(plan=plan)[:RECENT_RUNS],
    }  # fmt: skip
    return render(request, "mutualaid/enrolment_import.html", context)


def _run_context(request, run: EnrolmentImport) -> dict:
    is_owner = run.created_by_id == request.user.pk
    return {
        "run": run,
        "settled": not run.is_running,
        "stalled": is_stalled(run),
        "can_download": is_owner and bool(run.error_sheet),
        "can_resume": can_resume(run),
    }


@requires(Perm.VIEW_BUSINESS)
@require_GET
def enrolment_import_run_view(request, ma_import_id: int):
    run = get_import_for(request.user, ma_import_id)
    return render(request, "mutualaid/enrolment_import_run.html", _run_context(request, run))


@requires(Perm.VIEW_BUSINESS)
@require_GET
def enrolment_import_progress_view(request, ma_import_id: int):
    """The progress panel alone, swapped in by htmx every second while the run goes on."""
    run = get_import_for(request.user, ma_import_id)
    return render(request, "mutualaid/enrolment_import_progress.html", _run_context(request, run))


@requires(Perm.VIEW_BUSINESS)
@require_GET
def enrolment_import_errors_view(request, ma_import_id: int):
    """The refused rows as uploaded, with what is wrong: for whoever uploaded them only."""
    run = get_import_for(request.user, ma_import_id)
    path = error_sheet_path(run.error_sheet, owner_id=request.user.pk) if run.error_sheet else None
    if run.created_by_id != request.user.pk:
        path = None
    return error_sheet_response(
        request, path, filename="参保名单导入错误.xlsx", what="mutual aid import error sheet"
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def enrolment_import_resume_view(request, ma_import_id: int):
    run = get_import_for(request.user, ma_import_id, write=True)
    try:
        run = resume_enrolment_import(run, by=request.user)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        enrolment_import_task.enqueue(run.pk)
        messages.success(request, _("The import goes on after the last rows written."))
    return redirect("mutualaid:enrolment_import_run", ma_import_id=run.pk)
