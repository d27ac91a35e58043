"""The agent desk: a call taken with the caller's records and earlier tickets, the queues."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.errors import RuleViolation
from nuanjia.core.workdays import schedule_warnings
from nuanjia.core.workflow_pages import (
    apply_rule_error,
)
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.rules import Perm
from nuanjia.people.queries import get_worker_for

from .. import forms, queries, rules, services
from ..rules import Status

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
    aggregates["mine"] = Count("pk", filter=queries.mine_q(user))
    counts = tickets.aggregate(**aggregates)
    from ..todo import QUEUE_LABELS

    queues = [
        {"key": key, "label": QUEUE_LABELS[key], "count": counts[key]}
        for key in ["mine", *queries.QUEUES, "overdue", "escalated"]
    ]
    queues[-1].update(daily=True, as_of=queries.escalations_as_of())
    return queues


@requires(Perm.VIEW_BUSINESS)
def desk_view(request):
    """One screen for a call: type the number, see the caller's record and earlier tickets,
    take the request, send it to the proposed union (or another, with a reason)."""
    can_take = bool(request.user.roles & rules.INTAKE_ROLES)
    # A number given in the address (the softphone opening the desk for a ringing call) is
    # typed in for the agent; the caller panel is drawn with the page, without waiting for
    # the lookup request, and again by htmx as the agent types.
    typed = request.POST if request.method == "POST" else request.GET
    form = forms.IntakeForm(
        request.POST or None, initial={"phone": request.GET.get("phone", "")[:30]}
    )
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
                    apply_rule_error(form, error)
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
        "caller": _caller_panel(request.user, typed) if can_take else {},
    }
    return render(request, "hotline/desk.html", context)


def _caller_panel(user, values) -> dict:
    """What the caller panel shows for the number, place and employer typed: the worker
    records and earlier tickets of the number, and the union proposed for the place."""
    phone = values.get("phone", "")
    found = queries.caller_lookup(user, services.normalized_phone(phone))
    region = values.get("region_code", "").strip()
    proposed = None
    if len(region) == 6 and region.isdigit():
        org = queries.proposed_org(region, queries.match_employer(values.get("employer_name", "")))
        proposed = org.name if org else None
    return {"phone": phone, "proposed": proposed, **found}


@requires(Perm.VIEW_BUSINESS)
def lookup_view(request):
    """The caller panel of the desk (htmx), as the number, place or employer is typed."""
    return render(request, "hotline/_caller.html", _caller_panel(request.user, request.GET))
