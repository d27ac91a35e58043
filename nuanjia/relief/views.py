"""Relief pages: the grant queues per role, the proposal form with its cap explanation and
duplicate warning, a grant with its history and the steps the user's roles allow, the
printable voucher, the payment batches (build, bank file, bank results, progress) and a
worker's assistance history across the province. Every write goes through services."""

import tempfile

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from nuanjia.core import clock
from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import SheetSource
from nuanjia.core.listexport import ListExport, column, money
from nuanjia.core.masking import mask_name
from nuanjia.core.workflow_pages import StepPage, apply_rule_error, run_step_page, step_pages
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.queries import visible_orgs
from nuanjia.orgs.rules import Perm
from nuanjia.people.queries import get_worker_for

from . import batches, forms, queries, services
from .models import PaymentBatch, PaymentLine
from .rules import SOURCE_TYPE, Status, Step
from .todo import TODO_LABELS
from .workflow import FLOW, page_steps

LINES_SHOWN = 200
UNIONS_SHOWN = 200  # unions offered in the grant list's union filter (any code in scope works)
# The steps taken from a grant's page, each with its form (a reason where the step needs one).
STEP_PAGES = step_pages(
    [
        StepPage(FLOW, Step.REVIEW, forms.NoteForm),
        StepPage(FLOW, Step.APPROVE, forms.NoteForm),
        StepPage(FLOW, Step.APPROVE_ADVANCE, forms.NoteForm),
        StepPage(FLOW, Step.REJECT, forms.ReasonForm, is_danger=True),
        StepPage(FLOW, Step.CANCEL, forms.ReasonForm, is_danger=True),
        StepPage(FLOW, Step.RETRY, forms.NoteForm),
        StepPage(FLOW, Step.RETURN, forms.ReasonForm, is_danger=True),
    ]
)


# ---- Grants -------------------------------------------------------------------------------


GRANT_EXPORT = ListExport("relief.grants", _lazy("Relief grants"), (
    column(_lazy("Number"), "number"), column(_lazy("Worker"), "worker.name"),
    column(_lazy("ID number"), "worker.id_number_masked"), column(_lazy("Grant type"), "grant_type.name"),
    money(_lazy("Amount (yuan)"), "amount_fen"), column(_lazy("Paying union"), "org.name"),
    column(_lazy("Status"), "get_status_display"), column(_lazy("Proposed on"), "proposed_on"),
    column(_lazy("Approved on"), "approved_on"), column(_lazy("Paid on"), "paid_on"), column(_lazy("Reason"), "reason"),
))  # fmt: skip


def _grant_filters(request) -> tuple[forms.GrantFilterForm, dict]:
    """The list's filter form and what it selects (a union out of scope is a field error)."""
    orgs = visible_orgs(request.user)
    form = forms.GrantFilterForm(
        request.GET,
        orgs=orgs,
        unions=orgs.filter(kind__in=Org.ADMINISTRATIVE_KINDS).order_by("path")[:UNIONS_SHOWN],
        statuses=Status.choices,
    )
    return form, form.filters()


def _filtered_grants(request):
    form, filters = _grant_filters(request)
    return form, filters, queries.filtered_grants(request.user, queries.GrantFilters(**filters))


@requires(Perm.VIEW_BUSINESS)
def grant_list_view(request):
    """Grants in scope: a role's queue (to review, to approve, to batch…) or all of them,
    filtered by status, worker, grant type, union and the date proposed."""
    form, filters, grants = _filtered_grants(request)
    queue_key = filters["queue"]
    queues = [
        {"key": key, "label": TODO_LABELS[key]}
        for key, (_condition, roles) in queries.QUEUES.items()
        if roles & request.user.roles
    ]
    can_propose = FLOW.role_may(request.user.roles, Step.PROPOSE)
    families = None
    if can_propose:
        queues.insert(0, {"key": queries.TO_PROPOSE, "label": TODO_LABELS[queries.TO_PROPOSE]})
        if queue_key == queries.TO_PROPOSE:
            families = queries.families_to_help(request.user, clock.today().year)
            page = queries.FAMILY_LIST.page(families, request.GET)
    if families is None:  # the grants themselves (the families' queue pages instead)
        page = queries.GRANT_LIST.page(grants, request.GET)
    return render(
        request,
        "relief/grant_list.html",
        {
            "page": page,
            "form": form,
            "queue": queue_key,
            "queues": queues,
            "query": page.query,
            "queue_label": TODO_LABELS.get(queue_key, ""),
            "can_propose": can_propose,
            "families": families,
        },
    )


@requires(Perm.VIEW_BUSINESS)
def grant_export_view(request):
    """The filtered grant list as xlsx: every row the filters select, ID numbers masked."""
    _form, filters, grants = _filtered_grants(request)
    return GRANT_EXPORT.response(request, grants, filters)


@requires(Perm.VIEW_BUSINESS)
def grant_new_view(request, worker_id: int):
    """Propose a grant to one worker: “Check” shows the caps and warnings, “Propose” saves."""
    worker = get_worker_for(request.user, worker_id, write=True)
    FLOW.authorize(request.user, Step.PROPOSE, None, request.path)
    orgs = visible_orgs(request.user).filter(is_active=True)
    form = forms.GrantForm(
        request.POST if request.method == "POST" else None,
        orgs=orgs,
        initial={"org": request.user.org_id},
    )
    assessment = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assessment = services.assess(
            worker,
            data["grant_type"],
            data["amount"],
            school_stage=data["school_stage"] or "",
            viewer=request.user,
        )
        if "propose" in request.POST:
            try:
                grant = services.propose_grant(
                    worker,
                    grant_type=data["grant_type"],
                    amount_fen=data["amount"],
                    reason=data["reason"],
                    by=request.user,
                    org=data["org"],
                    earmark=data["earmark"],
                    school_stage=data["school_stage"] or "",
                )
            except RuleViolation as error:
                apply_rule_error(form, error)
            else:
                messages.success(
                    request,
                    _("Grant %(number)s is proposed; a reviewer checks it next.")
                    % {"number": grant.number},
                )
                return redirect("relief:grant_detail", grant_id=grant.pk)
    return render(
        request,
        "relief/grant_new.html",
        {
            "worker": worker,
            "form": form,
            "assessment": assessment,
            "history": queries.worker_history(worker)[:10],
        },
    )


@requires(Perm.VIEW_BUSINESS)
def grant_detail_view(request, grant_id: int):
    grant = queries.get_grant_for(request.user, grant_id)
    steps = [
        {
            "step": name,
            "label": STEP_PAGES[name].label,
            "url_name": f"relief:step_{name}",
            "is_danger": STEP_PAGES[name].is_danger,
        }
        for name in page_steps(grant, request.user)
    ]
    return render(
        request,
        "relief/grant_detail.html",
        {
            "grant": grant,
            "steps": steps,
            "events": queries.grant_history(grant),
            "lines": queries.grant_lines(grant),
        },
    )


@requires(Perm.VIEW_BUSINESS)
def step_view(request, grant_id: int, step: str):
    """One step on one grant: its form (GET) and the step through the engine (POST)."""
    grant = queries.get_grant_for(request.user, grant_id, write=True)
    page = STEP_PAGES[step]
    FLOW.authorize(request.user, page.step, grant, request.path)
    return run_step_page(
        request,
        page,
        grant,
        template="relief/step.html",
        context={"grant": grant, "label": page.label, "step": page.step},
        done=lambda result: redirect("relief:grant_detail", grant_id=result.pk),
        message=lambda result: (
            _("%(step)s: done. The grant is now %(status)s.")
            % {"step": page.label, "status": result.get_status_display()}
        ),
    )


@requires(Perm.VIEW_BUSINESS)
def voucher_view(request, grant_id: int):
    """付款凭证: the printable voucher of an approved or paid grant, with 大写金额."""
    grant = queries.get_grant_for(request.user, grant_id)
    if grant.status not in (Status.APPROVED, Status.BATCHED, Status.PAID):
        raise Http404
    return render(request, "relief/voucher.html", {"grant": grant})


@requires(Perm.VIEW_BUSINESS)
def worker_history_view(request, worker_id: int):
    """A worker's grants across the province. Grants of unions outside the user's subtree
    show their union, type, date and status only (no amount, reason or link)."""
    worker = get_worker_for(request.user, worker_id)
    org = request.user.org
    rows = [
        {"grant": grant, "is_visible": grant.org.is_within(org)}
        for grant in queries.worker_history(worker)[:500]
    ]
    return render(
        request,
        "relief/worker_history.html",
        {
            "worker": worker,
            "rows": rows,
            "can_propose": FLOW.role_may(request.user.roles, Step.PROPOSE),
            "masked_name": mask_name(worker.name),
        },
    )


# ---- Batches ------------------------------------------------------------------------------


def _build_batch(data, source_type: str, *, by) -> PaymentBatch:
    """Grants through relief's own service (as ever); another registered kind through the
    batches of any payable."""
    if source_type == SOURCE_TYPE:
        return services.build_batch(data["org"], data["earmark"], by=by, note=data["note"])
    return batches.build_batch(
        data["org"], data["earmark"], by=by, source_type=source_type, note=data["note"]
    )


@requires(Perm.VIEW_BUSINESS)
def batch_list_view(request):
    """Payment batches in scope; finance builds a new one here."""
    is_finance = FLOW.role_may(request.user.roles, Step.BATCH)
    orgs = visible_orgs(request.user).filter(is_active=True)
    form = forms.BatchForm(
        request.POST if request.method == "POST" else None,
        orgs=orgs,
        initial={"org": request.user.org_id, "source_type": SOURCE_TYPE},
    )
    if request.method == "POST":
        FLOW.authorize(request.user, Step.BATCH, None, request.path)
        if form.is_valid():
            source_type = form.cleaned_data["source_type"]
            try:
                batch = _build_batch(form.cleaned_data, source_type, by=request.user)
            except RuleViolation as error:
                apply_rule_error(form, error)
            else:
                text = (
                    _("Batch %(batch)s holds %(count)d grants.")
                    if source_type == SOURCE_TYPE
                    else _("Batch %(batch)s holds %(count)d payments.")
                )
                messages.success(request, text % {"batch": batch.number, "count": batch.line_count})
                return redirect("relief:batch_detail", payment_batch_id=batch.pk)
    batches, status = _filtered_batches(request)
    page = queries.BATCH_LIST.page(batches, request.GET)
    context = {
        "page": page,
        "form": form if is_finance else None,
        "query": page.query,
        "status": status,
        "statuses": PaymentBatch.Status.choices,
    }
    return render(request, "relief/batch_list.html", context)


BATCH_EXPORT = ListExport("relief.batches", _lazy("Payment batches"), (
    column(_lazy("Batch"), "number"), column(_lazy("Paying union"), "org.name"), column(_lazy("Earmark"), "earmark.name"),
    column(_lazy("Status"), "get_status_display"), column(_lazy("Lines"), "line_count"),
    money(_lazy("Total (yuan)"), "total_fen"), column(_lazy("Paid lines"), "paid_count"), money(_lazy("Paid (yuan)"), "paid_fen"),
    column(_lazy("Failed lines"), "failed_count"), column(_lazy("Created at"), "created_at"),
))  # fmt: skip


def _filtered_batches(request):
    batches = queries.visible_batches(request.user).order_by("-id")
    status = request.GET.get("status", "").strip()
    if status in PaymentBatch.Status.values:
        batches = batches.filter(status=status)
    return batches, status


@requires(Perm.VIEW_BUSINESS)
def batch_export_list_view(request):
    """The filtered batch list as xlsx (the bank files themselves are exported per batch)."""
    batches, status = _filtered_batches(request)
    return BATCH_EXPORT.response(request, batches, {"status": status})


def _batch_context(request, batch, **extra) -> dict:
    lines = queries.batch_lines(batch)
    result = request.GET.get("result", "")
    if result in PaymentLine.Result.values:
        lines = lines.filter(result=result)
    is_finance = FLOW.may_take(request.user, Step.BATCH) and batch.org.is_within(request.user.org)
    return {
        "batch": batch,
        "lines": lines[:LINES_SHOWN],
        "lines_shown": LINES_SHOWN,
        "result": result,
        "results": PaymentLine.Result.choices,
        "is_finance": is_finance,
        "can_export": request.user.has_perm_code(Perm.EXPORT_BANK_FILE) and is_finance,
        "export_form": forms.ExportForm(),
        "results_form": forms.ResultsForm(),
        **extra,
    }


@requires(Perm.VIEW_BUSINESS)
def batch_detail_view(request, payment_batch_id: int):
    batch = queries.get_batch_for(request.user, payment_batch_id)
    return render(request, "relief/batch_detail.html", _batch_context(request, batch))


@requires(Perm.VIEW_BUSINESS)
def batch_progress_view(request, payment_batch_id: int):
    """The progress figures alone (htmx polls them while results come in)."""
    batch = queries.get_batch_for(request.user, payment_batch_id)
    return render(request, "relief/_batch_progress.html", {"batch": batch})


@requires(Perm.EXPORT_BANK_FILE)
@require_POST
def batch_export_view(request, payment_batch_id: int):
    """The bank file with full account numbers: a reason is asked and the export audited."""
    batch = queries.get_batch_for(request.user, payment_batch_id, write=True)
    services.authorize_bank_file(request.user, batch, request.path)
    form = forms.ExportForm(request.POST)
    if form.is_valid():
        fmt = form.cleaned_data["format"]
        output = tempfile.TemporaryFile()  # noqa: SIM115 — FileResponse closes it
        try:
            services.export_bank_file(
                batch, output, by=request.user, reason=form.cleaned_data["reason"], fmt=fmt
            )
        except RuleViolation as error:
            output.close()
            apply_rule_error(form, error)
        else:
            output.seek(0)
            return FileResponse(
                output,
                as_attachment=True,
                filename=f"{batch.number}-bank.{fmt}",
                content_type=(
                    "text/csv; charset=utf-8"
                    if fmt == "csv"
                    else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                ),
            )
    return render(
        request, "relief/batch_detail.html", _batch_context(request, batch, export_form=form)
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def batch_results_view(request, payment_batch_id: int):
    """Import the bank's result file: every line settled, or nothing and the errors listed."""
    batch = queries.get_batch_for(request.user, payment_batch_id, write=True)
    FLOW.authorize(request.user, Step.PAY, None, request.path)
    form = forms.ResultsForm(request.POST, request.FILES)
    result = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.import_bank_results(
                batch, SheetSource(upload.file, name=upload.name), by=request.user
            )
        except RuleViolation as error:
            form.add_error(None, error.message)
        else:
            if result.committed:
                messages.success(
                    request,
                    _(
                        "%(rows)d result lines read: %(updated)d settled, %(unchanged)d already recorded."
                    )
                    % {
                        "rows": result.total,
                        "updated": result.updated,
                        "unchanged": result.unchanged,
                    },
                )
                return redirect("relief:batch_detail", payment_batch_id=batch.pk)
    batch.refresh_from_db()
    return render(
        request,
        "relief/batch_detail.html",
        _batch_context(request, batch, results_form=form, import_result=result),
        status=400 if result is not None or form.errors else 200,
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def batch_discard_view(request, payment_batch_id: int):
    batch = queries.get_batch_for(request.user, payment_batch_id, write=True)
    FLOW.authorize(request.user, Step.BATCH, None, request.path)
    try:
        services.discard_batch(batch, by=request.user)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The batch is discarded; its grants are approved again."))
    return redirect("relief:batch_detail", payment_batch_id=batch.pk)


def _remove_payable(request, batch: PaymentBatch, source_id: str):
    FLOW.authorize(request.user, Step.BATCH, None, request.path)
    try:
        batches.remove_from_batch(batch, source_id, by=request.user)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The payment is out of the batch."))
    return redirect("relief:batch_detail", payment_batch_id=batch.pk)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def batch_remove_view(request, payment_batch_id: int, grant_id: int):
    batch = queries.get_batch_for(request.user, payment_batch_id, write=True)
    if batch.source_type != SOURCE_TYPE:  # another kind's payable: its app takes it out
        return _remove_payable(request, batch, str(grant_id))
    grant = queries.get_grant_for(request.user, grant_id, write=True)
    FLOW.authorize(request.user, Step.UNBATCH, grant, request.path)
    try:
        services.remove_from_batch(batch, grant, by=request.user)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(number)s is out of the batch.") % {"number": grant.number})
    return redirect("relief:batch_detail", payment_batch_id=batch.pk)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def line_paid_view(request, payment_batch_id: int, grant_id: int):
    """Record one line as paid by hand (the bank confirmed it by phone or on paper).

    Clicking twice, or two people at once, pays it once: the service is idempotent."""
    batch = queries.get_batch_for(request.user, payment_batch_id, write=True)
    grant = queries.get_grant_for(request.user, grant_id, write=True)
    if grant.batch_id != batch.pk:
        raise Http404
    FLOW.authorize(request.user, Step.PAY, grant, request.path)
    try:
        services.confirm_payment(grant, by=request.user)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(number)s is paid.") % {"number": grant.number})
    return redirect("relief:batch_detail", payment_batch_id=batch.pk)
