"""Match pages: the matches in scope (by corner and status) and their Excel, one match with
its steps (consent recorded by staff, started, completed with the days worked, no-show,
cancelled), its history and its disputes, a dispute opened as a 12351 ticket. The worker's
contact shows (masked) only once the worker consented."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from nuanjia.core.flash import saved
from nuanjia.core.listexport import ListExport, column
from nuanjia.core.workflow_pages import StepPage, offered_pages, run_step_button, step_pages
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm

from .. import forms, queries, services
from ..rules import MatchStatus, MatchStep
from ..workflow import MATCH_FLOW

MATCH_EXPORT = ListExport("gigjobs.matches", _lazy("Gig job matches"), (
    column(_lazy("Match"), str), column(_lazy("Corner"), "corner.name"),
    column(_lazy("Employer"), "post.employer_name"), column(_lazy("Work"), "post.work"),
    column(_lazy("Gig worker"), "gig_worker.name"),
    column(_lazy("Phone"), services.contact_masked),
    column(_lazy("Status"), "get_status_display"), column(_lazy("Days worked"), "days_worked"),
))  # fmt: skip

MATCH_STEPS = step_pages([
    StepPage(MATCH_FLOW, MatchStep.CONSENT, forms.NoteForm),
    StepPage(MATCH_FLOW, MatchStep.DECLINE, forms.NoteForm, is_danger=True),
    StepPage(MATCH_FLOW, MatchStep.START, forms.NoteForm),
    StepPage(MATCH_FLOW, MatchStep.COMPLETE, forms.CompleteForm),
    StepPage(MATCH_FLOW, MatchStep.NO_SHOW, forms.NoteForm, is_danger=True),
    StepPage(MATCH_FLOW, MatchStep.CANCEL, forms.ReasonForm, is_danger=True,
             fields=lambda data: {"note": data.get("reason", "")}),
])  # fmt: skip


def _filtered(request):
    matches = queries.visible_matches(request.user)
    corner = request.GET.get("corner", "")
    if corner.isdigit():
        matches = matches.filter(corner_id=int(corner))
    status = request.GET.get("status", "")
    if status in MatchStatus.values:
        matches = matches.filter(status=status)
    return matches, status


@requires(Perm.VIEW_BUSINESS)
def match_list_view(request):
    matches, status = _filtered(request)
    page = queries.MATCH_LIST.page(matches, request.GET)
    return render(request, "gigjobs/match_list.html", {
        "page": page, "statuses": MatchStatus.choices, "status": status, "query": page.query,
        "corner": request.GET.get("corner", ""),
    })  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def match_export_view(request):
    matches, status = _filtered(request)
    return MATCH_EXPORT.download(request, queries.MATCH_LIST.ordered(matches), {"status": status})


@requires(Perm.VIEW_BUSINESS)
def match_detail_view(request, gig_match_id: int):
    match = queries.get_match_for(request.user, gig_match_id)
    form = forms.DisputeForm(request.POST or None)
    if request.method == "POST":
        match = queries.get_match_for(request.user, gig_match_id, write=True)
        dispute = saved(
            request, form,
            lambda: services.open_dispute(match, by=request.user, **form.cleaned_data),
            lambda row: _("Ticket %(number)s has been opened on the 12351 hotline.")
            % {"number": row.ticket.number},
        )  # fmt: skip
        if dispute is not None:
            return redirect("gigjobs:match", gig_match_id=match.pk)
    return render(request, "gigjobs/match_detail.html", {
        "match": match, "contact": services.contact_masked(match), "form": form,
        "events": match.events.select_related("by"),
        "disputes": match.disputes.select_related("ticket"),
        "steps": offered_pages(MATCH_STEPS, match, request.user),
        "may_change": services.may_manage(request.user, match.org),
    })  # fmt: skip


def match_step_view(step: str):
    @requires(Perm.VIEW_BUSINESS)
    @require_POST
    def view(request, gig_match_id: int):
        match = queries.get_match_for(request.user, gig_match_id, write=True)
        return run_step_button(
            request, MATCH_STEPS[step], match,
            back=lambda: redirect("gigjobs:match", gig_match_id=match.pk),
        )  # fmt: skip

    view.__name__ = f"match_{step}_view"
    return view
