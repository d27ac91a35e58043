"""One ticket: its page and timeline, its step pages, notes, files, the linked worker and
advance relief (先行救助) opened from it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.uploads import download
from nuanjia.core.workflow_pages import (
    StepPage,
    offered_pages,
    run_step_page,
    step_pages,
)
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.queries import (
    get_scoped_or_404,
    scope,
)
from nuanjia.orgs.rules import Perm
from nuanjia.people.queries import get_worker_for

from .. import forms, queries, rules, services
from ..models import TicketAttachment
from ..rules import Step
from ..workflow import FLOW, offered_now

# ---- One ticket ---------------------------------------------------------------------------

HOLD_DONE = {
    "take": gettext_lazy("The ticket is yours now."),
    "release": gettext_lazy("The ticket is back in the union's queue."),
    "reassign": gettext_lazy("The ticket has been handed over."),
}


def _org_field(data) -> dict:
    """A step form's union code as the union the step's service takes."""
    code = data.get("org", "")
    org = forms.org_by_code(code)
    if code and org is None:
        raise RuleViolation(_("No union has that code."), field="org")
    return {**data, "org": org}


STEP_PAGES = step_pages(
    [
        StepPage(FLOW, Step.CLASSIFY, forms.ClassifyForm),
        StepPage(FLOW, Step.DISPATCH, forms.DispatchForm, fields=_org_field),
        StepPage(FLOW, Step.ACCEPT, forms.NoteForm),
        StepPage(FLOW, Step.START, forms.NoteForm),
        StepPage(FLOW, Step.RETURN, forms.ReasonForm, is_danger=True),
        StepPage(FLOW, Step.TRANSFER, forms.TransferForm, fields=_org_field),
        StepPage(FLOW, Step.PAUSE, forms.ReasonForm),
        StepPage(FLOW, Step.RESUME, forms.NoteForm),
        StepPage(FLOW, Step.ANSWER, forms.AnswerForm),
        StepPage(FLOW, Step.CALL_BACK, forms.CallbackForm),
        StepPage(FLOW, Step.CLOSE, forms.NoteForm),
    ]
)


@requires(Perm.VIEW_BUSINESS)
def ticket_detail_view(request, ticket_id: int):
    ticket = queries.get_ticket_for(request.user, ticket_id)
    steps = offered_pages(STEP_PAGES, ticket, request.user, available=offered_now)
    context = {
        "ticket": ticket,
        "steps": steps,
        "events": ticket.events.select_related("by"),
        "attachments": ticket.attachments.all(),
        "overdue": ticket.overdue_stages(),
        "can_handle": bool(request.user.roles & rules.HANDLERS),
        "may_take": services.may_work(request.user, ticket),
        "may_reassign": services.may_supervise(request.user, ticket),
        "holders": services.holders_for(ticket)
        if services.may_supervise(request.user, ticket)
        else [],
        "note_form": forms.NoteForm(),
        "attachment_form": forms.AttachmentForm(),
        "templates": queries.templates_for(request.user, ticket.kind)[:20],
        "fast_tracks": queries.fast_tracks_for(ticket),
        "fast_track_form": forms.FastTrackForm(),
        "can_fast_track": services.may_open_fast_track(request.user, ticket),
        "fast_track_proposers": _proposers_to_name(request.user, ticket),
        "can_approve_fast_track": services.may_approve_fast_track(request.user),
        "can_fast_track_paperwork": bool(request.user.roles & rules.FAST_TRACK_PROPOSERS),
        "fast_track_cap": services.fast_track_cap_fen(ticket.region_code),
        "candidates": (
            queries.caller_lookup(request.user, ticket.caller_phone)["workers"]
            if ticket.worker_id is None and request.user.roles & rules.HANDLERS
            else []
        ),
    }
    return render(request, "hotline/ticket_detail.html", context)


def _proposers_to_name(user, ticket) -> list:
    """For someone who cannot propose advance relief on a ticket that allows it (an agent
    on the line): the people who can, to pass the call on to."""
    if not services.fast_track_allowed(ticket) or services.may_open_fast_track(user, ticket):
        return []
    return queries.fast_track_proposers(ticket)


@requires(Perm.VIEW_BUSINESS)
def step_view(request, ticket_id: int, step: str):
    ticket = queries.get_ticket_for(request.user, ticket_id, write=request.method == "POST")
    templates = queries.templates_for(request.user, ticket.kind)[:20] if step == Step.ANSWER else []
    return run_step_page(
        request,
        STEP_PAGES[step],
        ticket,
        template="hotline/step.html",
        context={"ticket": ticket, "templates": templates},
        done=lambda result: redirect("hotline:detail", ticket_id=ticket.pk),
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def note_view(request, ticket_id: int):
    ticket = queries.get_ticket_for(request.user, ticket_id, write=True)
    services.authorize_roles(request.user, rules.HANDLERS, "note", request.path)
    form = forms.NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_note(ticket, by=request.user, note=form.cleaned_data["note"])
        except RuleViolation as error:
            messages.error(request, error.message)
    return redirect("hotline:detail", ticket_id=ticket.pk)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def hold_view(request, ticket_id: int):
    """认领, 释放, 改派: the ticket's holder changed through services.change_holder."""
    ticket = queries.get_ticket_for(request.user, ticket_id, write=True)
    try:
        holder_id = int(request.POST["holder"]) if request.POST.get("holder") else None
    except ValueError:
        holder_id = -1  # no one: refused with the field named
    action = request.POST.get("action", "")
    try:
        services.change_holder(ticket, by=request.user, action=action, holder_id=holder_id,
                               reason=request.POST.get("reason", ""), where=request.path)  # fmt: skip
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(request, HOLD_DONE[action])
    return redirect("hotline:detail", ticket_id=ticket.pk)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def link_worker_view(request, ticket_id: int):
    """Link the caller to a worker record found by the ticket's phone number."""
    ticket = queries.get_ticket_for(request.user, ticket_id, write=True)
    services.authorize_roles(request.user, rules.HANDLERS, "link_worker", request.path)
    try:
        worker_id = int(request.POST.get("worker", ""))
    except ValueError:
        raise Http404 from None
    worker = get_worker_for(request.user, worker_id, write=True)
    services.link_worker(ticket, worker, by=request.user)
    messages.success(request, _("Worker record linked."))
    return redirect("hotline:detail", ticket_id=ticket.pk)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def attach_view(request, ticket_id: int):
    ticket = queries.get_ticket_for(request.user, ticket_id, write=True)
    services.authorize_roles(request.user, rules.HANDLERS, "attach", request.path)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(ticket, form.cleaned_data["file"], by=request.user)
        except RuleViolation as error:
            messages.error(request, error.message)
    else:
        messages.error(request, _("Choose a file to attach."))
    return redirect("hotline:detail", ticket_id=ticket.pk)


@requires(Perm.VIEW_BUSINESS)
def attachment_view(request, attachment_id: int):
    attachment = get_scoped_or_404(
        scope(
            TicketAttachment.objects.select_related("ticket"), request.user, org_field="ticket__org"
        ),
        request.user,
        pk=attachment_id,
    )
    response = download(attachment)
    record_event(
        attachment.ticket,
        "hotline.attachment_downloaded",
        by=request.user,
        org=attachment.ticket.org,
        changes={"attachment": attachment.pk, "file": attachment.name},
    )
    return response


@requires(Perm.VIEW_BUSINESS)
@require_POST
def fast_track_open_view(request, ticket_id: int):
    ticket = queries.get_ticket_for(request.user, ticket_id, write=True)
    services.authorize_roles(request.user, rules.FAST_TRACK_PROPOSERS, "fast_track", request.path)
    form = forms.FastTrackForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the amount in yuan."))
        return redirect("hotline:detail", ticket_id=ticket.pk)
    try:
        services.open_fast_track(
            ticket,
            by=request.user,
            amount_fen=int((form.cleaned_data["amount"] * 100).to_integral_value()),
            cause=form.cleaned_data["cause"],
            reason=form.cleaned_data["reason"],
        )
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Advance relief proposed: one approver decides."))
    return redirect("hotline:detail", ticket_id=ticket.pk)


def _fast_track_step(request, ticket_id: int, *, roles, stage: str, take, done: str):
    """One step on the ticket's first advance relief waiting for `stage`."""
    ticket = queries.get_ticket_for(request.user, ticket_id, write=True)
    services.authorize_roles(request.user, roles, f"fast_track_{stage}", request.path)
    pending = queries.fast_track_waiting(ticket, stage)
    if pending is None:
        raise Http404
    try:
        take(pending, by=request.user)
    except RuleViolation as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return redirect("hotline:detail", ticket_id=ticket.pk)


@requires(Perm.VIEW_BUSINESS)
@require_POST
def fast_track_approve_view(request, ticket_id: int):
    return _fast_track_step(
        request,
        ticket_id,
        roles=rules.FAST_TRACK_APPROVERS,
        stage="approve",
        take=services.approve_fast_track,
        done=_("Advance relief approved."),
    )


@requires(Perm.VIEW_BUSINESS)
@require_POST
def fast_track_paperwork_view(request, ticket_id: int):
    return _fast_track_step(
        request,
        ticket_id,
        roles=rules.FAST_TRACK_PROPOSERS,
        stage="paperwork",
        take=services.complete_fast_track_paperwork,
        done=_("Paperwork recorded as complete."),
    )
