"""Ticket lists with their filters, the xlsx export, and the KPIs with drill-down."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from nuanjia.core.listexport import ListExport, column
from nuanjia.core.sealed_phones import last4_lookup, phone_lookup
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import requires
from nuanjia.orgs.queries import (
    get_org_by_code_for,
    visible_orgs,
    within,
)
from nuanjia.orgs.rules import Perm

from .. import queries
from ..rules import Kind, Status

PAGE_SIZE = 50

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
            "mine",
        )
    }
    if filters["mine"]:
        tickets = tickets.filter(queries.mine_q(request.user))
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
        if len(digits) >= 7:  # a whole number (phones are sealed: no prefix search)
            match |= phone_lookup("caller_phone", query)
        elif len(digits) == 4:
            match |= last4_lookup("caller_phone", digits)
        tickets = tickets.filter(match)
    return tickets, filters


@requires(Perm.VIEW_BUSINESS)
def ticket_list_view(request):
    tickets, filters = _filtered(request)
    page = queries.TICKET_LIST.page(tickets, request.GET)
    from ..todo import QUEUE_LABELS

    context = {
        "page": page,
        "query": page.query,
        "filters": filters,
        "statuses": Status.choices,
        "kinds": Kind.choices,
        "queue_label": QUEUE_LABELS.get("mine" if filters["mine"] else filters["queue"], ""),
        "unions": visible_orgs(request.user).filter(parent=request.user.org),
        "now": timezone.now(),
    }
    return render(request, "hotline/ticket_list.html", context)


TICKET_EXPORT = ListExport("hotline.tickets", _lazy("Tickets"), (
    column(_lazy("Ticket number"), "number"), column(_lazy("Received at"), "received_at"),
    column(_lazy("Channel"), "get_channel_display"), column(_lazy("Caller"), "caller_name"),
    column(_lazy("Phone"), "caller_phone_masked"), column(_lazy("Kind"), "get_kind_display"),
    column(_lazy("Class"), "get_ticket_class_display"), column(_lazy("Status"), "get_status_display"),
    column(_lazy("Responsible union"), "org.name"), column(_lazy("Description"), "description"),
    column(_lazy("Resolution due"), "resolution_due_at"), column(_lazy("Satisfaction"), "get_satisfaction_display"),
))  # fmt: skip


@requires(Perm.VIEW_BUSINESS)
def ticket_export_view(request):
    """The filtered list as xlsx: phones masked, every cell formula-safe."""
    tickets, filters = _filtered(request)
    return TICKET_EXPORT.response(request, queries.TICKET_LIST.ordered(tickets), filters)


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
