"""Escalation to the parent union, by hand or by the periodic deadline sweep."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor

from .. import queries, rules
from ..models import Ticket
from ..workflow import FLOW
from .common import _may, _save

# ---- Escalation and the sweep -------------------------------------------------------------


def _escalate(
    ticket: Ticket, *, by: Actor | None, reason: str, stages: list[str] | None = None
) -> bool:
    """Raise the ticket one level: to the parent of the union it was last escalated to (or
    of the responsible union). The root stays where it is."""
    base = ticket.escalated_to or ticket.org
    parent = base.parent
    if parent is None:
        return False
    ticket.escalated_to = parent
    ticket.escalated_at = timezone.now()
    _save(ticket, "escalated_to", "escalated_at")
    FLOW.record(ticket, "escalated", ticket.status, by=by, note=reason,
           changes={"to": parent.name, "stages": ",".join(stages or [])})  # fmt: skip
    return True


@transaction.atomic
def escalate_ticket(ticket: Ticket, *, by: Actor | None = None, reason: str = "") -> bool:
    ticket = FLOW.lock(ticket)
    if by is not None and not _may(by, rules.HANDLERS, ticket.org):
        raise PermissionDenied
    return _escalate(ticket, by=by, reason=reason or _("Escalated by hand."))


def sweep_deadlines(*, now: datetime.datetime | None = None) -> int:
    """The periodic sweep: every overdue ticket not yet escalated for being late goes up to
    the parent of its union (each ticket once per sweep, each in its own transaction)."""
    now = now or timezone.now()
    overdue = (
        Ticket.objects.filter(queries.overdue_q(now), escalated_to__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    raised = 0
    for pk in list(overdue[:5000]):
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update(of=("self",)).select_related("org").get(pk=pk)
            stages = ticket.overdue_stages(now)
            if ticket.escalated_to_id or not stages:
                continue
            if _escalate(ticket, by=None, reason=_("Past its deadline."), stages=stages):
                raised += 1
    return raised
