"""Hotline pages: the agent desk (intake with caller lookup), queues, a ticket with its
timeline and the steps the user's roles allow, KPIs with drill-down, the export, and the
public pages (submit, follow). Every write goes through services."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nuanjia.core.errors import RuleViolation
from nuanjia.core.imports import write_xlsx
from nuanjia.core.masking import mask_phone
from nuanjia.core.middleware import client_ip
from nuanjia.core.ratelimit import RateLimited
from nuanjia.core.workdays import schedule_warnings
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.queries import (
    get_org_by_code_for,
    get_scoped_or_404,
    scope,
    visible_orgs,
    within,
)
from nuanjia.orgs.rules import Perm
from nuanjia.people.queries import get_worker_for

from . import forms, queries, ratelimit, rules, services
from .models import TicketAttachment
from .rules import Kind, Status, Step

PAGE_SIZE = 50
EXPORT_LIMIT = 20_000


def _apply_error(form, error: RuleViolation) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, error.message)


# ---- The desk -----------------------------------------------------------------------------


def _queue_counts(user) -> list[dict]:
    from django.db.models import Count

    tickets = queries.visible_tickets(user)
    now = timezone.now()
    aggregates = {
        key: Count("pk", filter=condition) for key, (condition, _r) in queries.QUEUES.items()
    }
    aggregates["overdue"] = Count("pk", filter=queries.overdue_q(now))
    aggregates["escalated"] = Count(
        "pk", filter=Q(escalated_to=user.org, status__in=rules.OPEN_STATUSES)
    )
    counts = tickets.aggregate(**aggregates)
    from .todo import QUEUE_LABELS

    return [
        {"key": key, "label": QUEUE_LABELS[key], "count": counts[key]}
        for key in [*queries.QUEUES, "overdue", "escalated"]
    ]


@requires(Perm.VIEW_BUSINESS)
def desk_view(request):
    """One screen for a call: type the number, see the caller's record and earlier tickets,
    take the request, send it to the proposed union (or another, with a reason)."""
    can_take = bool(request.user.roles & rules.INTAKE_ROLES)
    form = forms.IntakeForm(request.POST or None)
    if request.method == "POST":
        services.authorize_roles(request.user, rules.INTAKE_ROLES, "intake", request.path)
        if form.is_valid():
            data = form.cleaned_data
            worker = (
                get_worker_for(request.user, data["worker"], write=True) if data["worker"] else None
            )
            target = None
            if data["dispatch_to"]:
                target = forms.org_by_code(data["dispatch_to"])
                if target is None:
                    form.add_error("dispatch_to", _("No union has that code."))
            if form.is_valid():
                try:
                    ticket = services.open_ticket(
                        by=request.user,
                        channel=data["channel"],
                        caller_name=data["caller_name"],
                        phone=data["phone"],
                        region_code=data["region_code"],
                        kind=data["kind"],
                        description=data["description"],
                        employer_name=data["employer_name"],
                        worker=worker,
                        ticket_class=data["ticket_class"],
                        is_urgent=data["is_urgent"],
                        dispatch=data["dispatch"],
                        dispatch_to=target,
                        reason=data["reason"],
                    )
                except RuleViolation as error:
                    _apply_error(form, error)
                else:
                    messages.success(
                        request,
                        _("Ticket %(number)s taken and sent to %(org)s.")
                        % {"number": ticket.number, "org": ticket.org.name}
                        if ticket.status == Status.DISPATCHED
                        else _("Ticket %(number)s taken.") % {"number": ticket.number},
                    )
                    return redirect("hotline:detail", ticket_id=ticket.pk)
    context = {
        "form": form,
        "can_take": can_take,
        "queues": _queue_counts(request.user),
        "templates": queries.templates_for(request.user)[:50],
        "warnings": schedule_warnings(timezone.localdate()),
        "places": queries.place_choices(),
    }
    return render(request, "hotline/desk.html", context)


@requires(Perm.VIEW_BUSINESS)
def lookup_view(request):
    """The caller panel of the desk (htmx): worker records and earlier tickets of a number,
    and the union proposed for a place."""
    phone = request.GET.get("phone", "")
    found = queries.caller_lookup(request.user, services.normalized_phone(phone))
    region = request.GET.get("region_code", "").strip()
    proposed = None
    if len(region) == 6 and region.isdigit():
        org = queries.proposed_org(
            region, queries.match_employer(request.GET.get("employer_name", ""))
        )
        proposed = org.name if org else None
    return render(
        request,
        "hotline/_caller.html",
        {"phone": phone, "proposed": proposed, **found},
    )


# ---- Lists --------------------------------------------------------------------------------


def _filtered(request):
    tickets = queries.visible_tickets(request.user).select_related("worker")
    filters = {
        key: request.GET.get(key, "").strip()
        for key in (
            "queue",
            "status",
            "kind",
            "q",
            "from",
            "to",
            "overdue",
            "escalated",
            "late",
            "paperwork",
            "org",
        )
    }
    if filters["org"]:
        org = get_org_by_code_for(request.user, filters["org"])
        tickets = tickets.filter(within(org.path, "org__path"))
    if queue := queries.QUEUES.get(filters["queue"]):
        tickets = tickets.filter(queue[0])
    if filters["status"] in Status.values:
        tickets = tickets.filter(status=filters["status"])
    if filters["kind"] in Kind.values:
        tickets = tickets.filter(kind=filters["kind"])
    if filters["overdue"]:
        tickets = tickets.filter(queries.overdue_q(timezone.now()))
    if filters["escalated"]:
        tickets = tickets.filter(escalated_to=request.user.org)
    if filters["late"]:
        tickets = tickets.filter(is_late=True)
    if filters["paperwork"]:
        tickets = tickets.filter(
            fast_tracks__paid_on__isnull=False, fast_tracks__paperwork_done_on__isnull=True
        ).distinct()
    for key, lookup in (("from", "received_at__date__gte"), ("to", "received_at__date__lte")):
        try:
            day = datetime.date.fromisoformat(filters[key]) if filters[key] else None
        except ValueError:
            day = None
        if day:
            tickets = tickets.filter(**{lookup: day})
    if query := filters["q"]:
        digits = "".join(char for char in query if char.isdigit())
        match = Q(number__iexact=query) | Q(caller_name__icontains=query)
        if len(digits) >= 7:
            match |= Q(caller_phone__startswith=digits)
        tickets = tickets.filter(match)
    return tickets, filters


@requires(Perm.VIEW_BUSINESS)
def ticket_list_view(request):
    tickets, filters = _filtered(request)
    page = Paginator(tickets.order_by("-received_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    from .todo import QUEUE_LABELS

    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "statuses": Status.choices,
        "kinds": Kind.choices,
        "queue_label": QUEUE_LABELS.get(filters["queue"], ""),
        "unions": visible_orgs(request.user).filter(parent=request.user.org),
        "now": timezone.now(),
    }
    return render(request, "hotline/ticket_list.html", context)


@requires(Perm.VIEW_BUSINESS)
def ticket_export_view(request):
    """The filtered list as xlsx: phones masked, every cell formula-safe."""
    tickets, _filters = _filtered(request)
    header = [_("Ticket number"), _("Received at"), _("Channel"), _("Caller"), _("Phone"),
              _("Kind"), _("Class"), _("Status"), _("Responsible union"), _("Description"),
              _("Resolution due"), _("Satisfaction")]  # fmt: skip
    rows = (
        [
            ticket.number,
            timezone.localtime(ticket.received_at).strftime("%Y-%m-%d %H:%M"),
            ticket.get_channel_display(),
            ticket.caller_name,
            mask_phone(ticket.caller_phone),
            ticket.get_kind_display(),
            ticket.get_ticket_class_display(),
            ticket.get_status_display(),
            ticket.org.name,
            ticket.description,
            timezone.localtime(ticket.resolution_due_at).strftime("%Y-%m-%d %H:%M")
            if ticket.resolution_due_at
            else "",
            ticket.get_satisfaction_display(),
        ]
        for ticket in tickets.order_by("-received_at", "-id")[:EXPORT_LIMIT].iterator()
    )
    buffer = io.BytesIO()
    write_xlsx(buffer, title=_("Tickets"), header=header, rows=rows)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="hotline-tickets.xlsx"'
    return response


# ---- One ticket ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StepPage:
    step: str
    form: type[django_forms.Form]
    run: Callable
    is_danger: bool = False

    @property
    def slug(self) -> str:
        return self.step.replace("_", "-")

    @property
    def url_name(self) -> str:
        return f"hotline:step_{self.step}"

    @property
    def label(self) -> str:
        return str(Step(self.step).label)


def _org(data, key, form):
    org = forms.org_by_code(data.get(key, ""))
    if data.get(key) and org is None:
        raise RuleViolation(_("No union has that code."), field=key)
    return org


STEP_PAGES: dict[str, StepPage] = {
    page.step: page
    for page in [
        StepPage(Step.CLASSIFY, forms.ClassifyForm, lambda t, d, u, f: services.classify_ticket(
            t, by=u, kind=d["kind"], ticket_class=d["ticket_class"], is_urgent=d["is_urgent"],
            note=d["note"])),
        StepPage(Step.DISPATCH, forms.DispatchForm, lambda t, d, u, f: services.dispatch_ticket(
            t, by=u, org=_org(d, "org", f), reason=d["reason"])),
        StepPage(Step.ACCEPT, forms.NoteForm, lambda t, d, u, f: services.accept_ticket(
            t, by=u, note=d["note"])),
        StepPage(Step.START, forms.NoteForm, lambda t, d, u, f: services.start_ticket(
            t, by=u, note=d["note"])),
        StepPage(Step.RETURN, forms.ReasonForm, lambda t, d, u, f: services.return_ticket(
            t, by=u, reason=d["reason"]), is_danger=True),
        StepPage(Step.TRANSFER, forms.TransferForm, lambda t, d, u, f: services.transfer_ticket(
            t, by=u, org=_org(d, "org", f) or _missing_org(), reason=d["reason"])),
        StepPage(Step.PAUSE, forms.ReasonForm, lambda t, d, u, f: services.pause_ticket(
            t, by=u, reason=d["reason"])),
        StepPage(Step.RESUME, forms.NoteForm, lambda t, d, u, f: services.resume_ticket(
            t, by=u, note=d["note"])),
        StepPage(Step.ANSWER, forms.AnswerForm, lambda t, d, u, f: services.answer_ticket(
            t, by=u, answer=d["answer"])),
        StepPage(Step.CALL_BACK, forms.CallbackForm, lambda t, d, u, f: services.record_callback(
            t, by=u, satisfaction=d["satisfaction"], comment=d["comment"],
            escalate=d["escalate"])),
        StepPage(Step.CLOSE, forms.NoteForm, lambda t, d, u, f: services.close_ticket(
            t, by=u, note=d["note"])),
    ]
}  # fmt: skip


def _missing_org():
    raise RuleViolation(_("Enter the code of the union."), field="org")


@requires(Perm.VIEW_BUSINESS)
def ticket_detail_view(request, ticket_id: int):
    ticket = queries.get_ticket_for(request.user, ticket_id)
    steps = [
        STEP_PAGES[step]
        for step in rules.steps_for(ticket.status, request.user.roles, is_paused=ticket.is_paused)
        if services.may_take(request.user, step, ticket)
    ]
    context = {
        "ticket": ticket,
        "steps": steps,
        "events": ticket.events.select_related("by"),
        "attachments": ticket.attachments.all(),
        "overdue": ticket.overdue_stages(),
        "can_handle": bool(request.user.roles & rules.HANDLERS),
        "note_form": forms.NoteForm(),
        "attachment_form": forms.AttachmentForm(),
        "templates": queries.templates_for(request.user, ticket.kind)[:20],
        "fast_tracks": queries.fast_tracks_for(ticket),
        "fast_track_form": forms.FastTrackForm(),
        "can_fast_track": services.may_open_fast_track(request.user, ticket),
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


@requires(Perm.VIEW_BUSINESS)
def step_view(request, ticket_id: int, step: str):
    ticket = queries.get_ticket_for(request.user, ticket_id, write=request.method == "POST")
    page = STEP_PAGES[step]
    form = page.form(request.POST or None)
    if request.method == "POST":
        services.authorize_step(request.user, step, ticket, request.path)
        if form.is_valid():
            try:
                page.run(ticket, form.cleaned_data, request.user, form)
            except RuleViolation as error:
                _apply_error(form, error)
            else:
                messages.success(request, _("Done: %(step)s.") % {"step": page.label})
                return redirect("hotline:detail", ticket_id=ticket.pk)
    templates = queries.templates_for(request.user, ticket.kind)[:20] if step == Step.ANSWER else []
    return render(
        request,
        "hotline/step.html",
        {"ticket": ticket, "page": page, "form": form, "templates": templates},
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
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=attachment.name)


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


def _fast_track_step(request, ticket_id: int, *, roles, name: str, waiting, take, done: str):
    """One step on the ticket's first advance relief that `waiting(item)` says is waiting."""
    ticket = queries.get_ticket_for(request.user, ticket_id, write=True)
    services.authorize_roles(request.user, roles, name, request.path)
    pending = [item for item in queries.fast_tracks_for(ticket) if waiting(item)]
    if not pending:
        raise Http404
    try:
        take(pending[0], by=request.user)
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
        name="fast_track_approve",
        waiting=lambda item: item.grant.status == "proposed" and not item.is_cancelled,
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
        name="fast_track_paperwork",
        waiting=lambda item: item.paid_on is not None and not item.paperwork_done_on,
        take=services.complete_fast_track_paperwork,
        done=_("Paperwork recorded as complete."),
    )


# ---- KPIs ---------------------------------------------------------------------------------


def _period(request) -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    try:
        start = datetime.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        start = today.replace(day=1)
    try:
        end = datetime.date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        end = today
    return start, max(start, end)


@requires(Perm.VIEW_BUSINESS)
def kpi_view(request):
    start, end = _period(request)
    code = request.GET.get("org", "").strip()
    org = get_org_by_code_for(request.user, code) if code else None
    figures = queries.kpis(request.user, start, end, org)
    unions = visible_orgs(request.user).filter(
        parent=request.user.org, kind__in=Org.ADMINISTRATIVE_KINDS
    )
    return render(
        request,
        "hotline/kpis.html",
        {"start": start, "end": end, "figures": figures, "org": org, "unions": unions},
    )


# ---- Public pages -------------------------------------------------------------------------


def _limited(request, name: str, subject: str) -> bool:
    return not ratelimit.hit(name, subject)


@login_not_required
def public_submit_view(request):
    """The phone-friendly request page: no sign-in, rate-limited per address and phone."""
    places = queries.place_choices()
    form = forms.PublicSubmitForm(request.POST or None, request.FILES or None, places=places)
    ticket = None
    limited = False
    if request.method == "POST":
        if _limited(request, "submit_ip", client_ip(request) or "-"):
            limited = True
            form.add_error(None, _("Too many requests from this address: please try again later."))
        elif form.is_valid():
            data = form.cleaned_data
            if _limited(request, "submit_phone", services.normalized_phone(data["phone"])):
                limited = True
                form.add_error(None, _("Too many requests for this phone: please try again later."))
            else:
                try:
                    ticket, _is_new = services.submit_request(channel=rules.Channel.WEB, **data)
                except RuleViolation as error:
                    _apply_error(form, error)
    return render(
        request,
        "hotline/public_submit.html",
        {"form": form, "ticket": ticket},
        status=429 if limited else 200,
    )


@login_not_required
def public_follow_view(request):
    """Follow a request by its number and the last 4 digits of the phone. An unknown number
    and a wrong phone get the same answer. A followed request can take more files."""
    attaching = request.method == "POST" and "attach" in request.POST
    form = forms.FollowForm(None if attaching else request.POST or None)
    attach_form = None
    ticket = None
    not_found = attached = False
    if request.method == "POST":
        try:
            if _limited(request, "follow_ip", client_ip(request) or "-"):
                raise RateLimited(_("Too many look-ups from this address: please try again later."))
            if attaching:
                ticket, attach_form, attached = _attach_from_follow(request)
                not_found = ticket is None
            elif form.is_valid():
                data = form.cleaned_data
                ticket = ratelimit.follow_with_limit(
                    services.follow_ticket, data["number"], data["last4"]
                )
                not_found = ticket is None
        except RateLimited as error:
            form = _refused(request, error.message)
    if ticket is not None and attach_form is None:
        attach_form = forms.CallerAttachForm(
            initial={"number": ticket.number, "last4": request.POST.get("last4", "")}
        )
    return render(
        request,
        "hotline/public_follow.html",
        {"form": form, "ticket": ticket, "not_found": not_found,
         "attach_form": attach_form, "attached": attached},
    )  # fmt: skip


def _refused(request, message: str) -> forms.FollowForm:
    """The look-up form, showing what was sent, with the refusal on top."""
    form = forms.FollowForm(request.POST)
    form.is_valid()
    form.add_error(None, message)
    return form


def _attach_from_follow(request):
    """(ticket or None, the attach form, whether files were kept)."""
    attach_form = forms.CallerAttachForm(request.POST, request.FILES)
    if not attach_form.is_valid():
        return None, None, False
    data = attach_form.cleaned_data
    try:
        ticket = ratelimit.follow_with_limit(
            lambda number, last4: services.attach_files_to_followed(number, last4, data["files"]),
            data["number"],
            data["last4"],
        )
    except RateLimited:
        raise
    except RuleViolation as error:
        ticket = services.follow_ticket(data["number"], data["last4"])
        _apply_error(attach_form, error)
        return ticket, attach_form, False
    return ticket, None, ticket is not None
