"""Screening pages (排查): an activity's findings with their counts by degree and outcome (each
count a link to its rows) and the Excel export, the findings waiting across activities,
recording a finding (a registry worker found by search, or a new person registered on the
spot), and a finding with its history and its three decisions as step pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from nuanjia.core.flash import saved
from nuanjia.core.imports import (
    ImportForm,
    imported_context,
    owned_error_sheet,
    template_response,
)
from nuanjia.core.listexport import CSV_ABOVE_ROWS, ListExport, column
from nuanjia.core.workflow_pages import (
    StepPage,
    offered_pages,
    run_step_button,
    run_step_page,
    step_pages,
)
from nuanjia.orgs.permissions import deny, requires
from nuanjia.orgs.queries import visible_orgs, within
from nuanjia.orgs.rules import Perm
from nuanjia.people.queries import get_worker_for, search_workers

from .. import forms_screening as forms
from .. import queries, queries_screening, services
from ..imports_screening import FINDING_SHEET, import_findings, write_finding_template
from ..rules import ActivityKind, FindingDegree, FindingStatus, FindingStep
from ..tabs import activity_context
from ..workflow import FINDING_FLOW

PAGE_SIZE = 50
SEARCH_LIMIT = 20
STEP_PAGES = step_pages(
    [
        StepPage(FINDING_FLOW, FindingStep.OPEN_APPLICATION, forms.FindingNoteForm),
        StepPage(
            FINDING_FLOW,
            FindingStep.PROPOSE_GRANT,
            forms.FindingGrantForm,
            yuan={"amount": "amount_fen"},
        ),
        StepPage(FINDING_FLOW, FindingStep.NO_HELP, forms.FindingReasonForm, is_danger=True),
    ]
)
# Steps taken on a page of their own (a form); the application is a button on the finding.
FORM_STEPS = (FindingStep.PROPOSE_GRANT, FindingStep.NO_HELP)

FINDING_EXPORT = ListExport("campaigns.findings", _lazy("Screening findings"), (
    column(_lazy("Number"), str), column(_lazy("Activity"), "activity.name"),
    column(_lazy("Finding union"), "org.name"), column(_lazy("Worker"), "worker.name"),
    column(_lazy("ID number"), "worker.id_number_masked"),
    column(_lazy("Degree of hardship"), "get_degree_display"),
    column(_lazy("Circumstances"), "circumstances"), column(_lazy("Found on"), "found_on"),
    column(_lazy("Found by (volunteer)"), "found_by_name"),
    column(_lazy("Registered on the spot"), lambda row: _("Yes") if row.registered_here else ""),
    column(_lazy("Outcome"), "get_status_display"), column(_lazy("Decided by"), "decided_by"),
    column(_lazy("Decided at"), "decided_at"), column(_lazy("Decision"), "decision_note"),
), limit=CSV_ABOVE_ROWS)  # fmt: skip


def _query_string(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _screening_activity(request, activity_id: int, *, write: bool = False):
    activity = queries.get_activity_for(request.user, activity_id, write=write)
    if activity.kind != ActivityKind.SCREENING:
        raise Http404
    return activity


def _list_context(request, activity=None) -> dict:
    filters = queries_screening.clean_filters(request.user, request.GET)
    everything = queries_screening.filtered_findings(
        request.user, queries_screening.FindingFilters(union=filters.union), activity
    )
    rows = queries_screening.filtered_findings(request.user, filters, activity)
    return {
        "filters": filters,
        "counts": queries_screening.finding_counts(everything),
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": _query_string(request),
        "degrees": FindingDegree.choices,
        "statuses": FindingStatus.choices,
        "may_record": services.may_act_for(request.user, request.user.org, services.FINDER_ROLES),
    }


@requires(Perm.VIEW_BUSINESS)
def findings_view(request, activity_id: int):
    """An activity's findings: counts per degree and outcome, each a link to its rows."""
    activity = _screening_activity(request, activity_id)
    return render(
        request,
        "campaigns/screening/finding_list.html",
        activity_context(activity, "findings", **_list_context(request, activity)),
    )


@requires(Perm.VIEW_BUSINESS)
def findings_export_view(request, activity_id: int):
    activity = _screening_activity(request, activity_id)
    filters = queries_screening.clean_filters(request.user, request.GET)
    rows = queries_screening.filtered_findings(request.user, filters, activity)
    return FINDING_EXPORT.download(request, rows, {"activity": activity.pk, **filters.as_dict()})


@requires(Perm.VIEW_BUSINESS)
def findings_queue_view(request):
    """Findings of every screening drive in the user's area (the to-do: waiting ones)."""
    return render(request, "campaigns/screening/finding_queue.html", _list_context(request))


def _finding_orgs(request, activity):
    return (
        visible_orgs(request.user)
        .filter(is_active=True)
        .filter(within(activity.org.path))
        .order_by("path")
    )


def _picked_worker(request, form):
    pk = form.cleaned_data.get("worker") if form.is_bound and form.is_valid() else None
    return get_worker_for(request.user, pk, write=True) if pk else None


@requires(Perm.VIEW_BUSINESS)
def finding_new_view(request, activity_id: int):
    """Record a finding: search the registry (name, pinyin, phone, ID) in scope and pick the
    worker, or fill in a new person to register on the spot."""
    activity = _screening_activity(request, activity_id, write=request.method == "POST")
    if request.method == "POST" and not services.may_act_for(
        request.user, request.user.org, services.FINDER_ROLES
    ):
        deny(request.user, "campaigns.finding.record", request.path)
    form = forms.FindingForm(
        request.POST or None,
        orgs=_finding_orgs(request, activity),
        initial={"org": request.user.org, "worker": request.GET.get("worker")},
    )
    finding = saved(
        request,
        form,
        lambda: services.record_finding(
            activity,
            form.cleaned_data["org"],
            worker=_picked_worker(request, form),
            new_person=None if form.cleaned_data.get("worker") else form.new_person(),
            degree=form.cleaned_data["degree"],
            circumstances=form.cleaned_data["circumstances"],
            found_on=form.cleaned_data["found_on"],
            found_by_name=form.cleaned_data["found_by_name"],
            by=request.user,
        ),
        lambda result: _("Finding %(number)s recorded.") % {"number": result},
    )
    if finding is not None:
        return redirect("campaigns:finding", finding_id=finding.pk)
    query = request.GET.get("q", "").strip()
    results = list(search_workers(request.user, query)[:SEARCH_LIMIT]) if query else []
    picked = request.GET.get("worker") or (form.data.get("worker") if form.is_bound else None)
    worker = get_worker_for(request.user, picked) if str(picked or "").isdigit() else None
    return render(
        request,
        "campaigns/screening/finding_form.html",
        activity_context(
            activity, "findings", form=form, query=query, results=results, worker=worker
        ),
    )


@requires(Perm.VIEW_BUSINESS)
def finding_detail_view(request, finding_id: int):
    finding = queries_screening.get_finding_for(request.user, finding_id)
    offered = [
        {
            "step": page.step,
            "label": page.label,
            "is_danger": page.is_danger,
            "is_button": page.step not in FORM_STEPS,
            "url_name": f"campaigns:finding_{page.step}",
        }
        for page in STEP_PAGES.values()
        if page in _offered(finding, request.user)
    ]
    return render(
        request,
        "campaigns/screening/finding_detail.html",
        activity_context(
            finding.activity,
            "findings",
            finding=finding,
            steps=offered,
            events=queries_screening.finding_history(finding),
            action_labels=ACTION_LABELS,
        ),
    )


def _offered(finding, user) -> list[StepPage]:
    return offered_pages(STEP_PAGES, finding, user)


# The history's names for what happened to a finding (the steps' own labels, and recording it).
ACTION_LABELS = {
    "found": _lazy("Found and recorded"),
    **{value: label for value, label in FindingStep.choices},
}


def _done(result):
    return redirect("campaigns:finding", finding_id=result.pk)


def _message(page: StepPage):
    return lambda result: (
        _("%(step)s: done. The finding is now %(status)s.")
        % {
            "step": page.label,
            "status": result.get_status_display(),
        }
    )


def _step_page(request, finding_id: int, step: str):
    finding = queries_screening.get_finding_for(request.user, finding_id, write=True)
    page = STEP_PAGES[step]
    FINDING_FLOW.authorize(request.user, page.step, finding, request.path)
    return run_step_page(
        request,
        page,
        finding,
        template="campaigns/screening/finding_step.html",
        context=activity_context(finding.activity, "findings", finding=finding),
        done=_done,
        message=_message(page),
    )


@requires(Perm.VIEW_BUSINESS)
def finding_grant_view(request, finding_id: int):
    return _step_page(request, finding_id, FindingStep.PROPOSE_GRANT)


@requires(Perm.VIEW_BUSINESS)
def finding_no_help_view(request, finding_id: int):
    return _step_page(request, finding_id, FindingStep.NO_HELP)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def finding_application_view(request, finding_id: int):
    finding = queries_screening.get_finding_for(request.user, finding_id, write=True)
    page = STEP_PAGES[FindingStep.OPEN_APPLICATION]
    return run_step_button(
        request,
        page,
        finding,
        back=lambda: redirect("campaigns:finding", finding_id=finding.pk),
        message=_message(page),
    )


# ---- Importing a volunteers' list -------------------------------------------------------------


@requires(Perm.VIEW_BUSINESS)
def finding_import_view(request, activity_id: int):
    """Upload a volunteers' list: every row a finding of the caller's union (all or nothing by
    default), errors by row and column with the error sheet to download."""
    activity = _screening_activity(request, activity_id, write=request.method == "POST")
    form = ImportForm(request.POST or None, request.FILES or None)
    context = activity_context(activity, "findings", form=form, columns=FINDING_SHEET.columns)
    if request.method == "POST":
        if not services.may_act_for(request.user, request.user.org, services.FINDER_ROLES):
            deny(request.user, "campaigns.finding.import", request.path)
        context |= imported_context(
            request,
            form,
            lambda upload, **how: import_findings(upload, activity, by=request.user, **how),
        )
    return render(request, "campaigns/screening/finding_import.html", context)


@requires(Perm.VIEW_BUSINESS)
@require_GET
def finding_import_errors_view(request, import_token: str):
    return owned_error_sheet(
        request, import_token, filename="排查名单导入错误.xlsx", what="finding import error sheet"
    )


@requires(Perm.VIEW_BUSINESS)
@require_GET
def finding_import_template_view(request):
    return template_response(write_finding_template, filename="排查名单导入模板.xlsx")
