"""To-do items for hotline work: each role sees the queues it acts on, overdue counted, and
the tickets escalated to the user's own union (which also show in the responsible union's
list, as overdue)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from nuanjia.core.todo import TodoItem
from nuanjia.orgs.rules import Perm

from . import rules
from .queries import (
    QUEUES,
    escalations_as_of,
    mine_q,
    overdue_q,
    visible_fast_tracks,
    visible_tickets,
)

QUEUE_LABELS = {
    "mine": gettext_lazy("My tickets"),
    "to_classify": gettext_lazy("Tickets to classify"),
    "to_dispatch": gettext_lazy("Tickets to dispatch"),
    "to_accept": gettext_lazy("Tickets to accept"),
    "in_progress": gettext_lazy("Tickets in progress"),
    "to_call_back": gettext_lazy("Tickets to call back"),
    "to_close": gettext_lazy("Tickets to close"),
    "overdue": gettext_lazy("Overdue tickets"),
    "escalated": gettext_lazy("Tickets escalated to my union"),
    "paperwork": gettext_lazy("Advance relief paperwork to complete"),
}


def hotline_todo(user) -> list[TodoItem]:
    """One figure per queue the user's roles act on, counted in a single query."""
    if not user.has_perm_code(Perm.VIEW_BUSINESS):
        return []
    queues = {key: condition for key, (condition, roles) in QUEUES.items() if roles & user.roles}
    if not queues:
        return []
    now = timezone.now()
    late = overdue_q(now)
    aggregates = {}
    for key, condition in queues.items():
        aggregates[key] = Count("pk", filter=condition)
        aggregates[f"{key}__overdue"] = Count("pk", filter=condition & late)
    aggregates["escalated"] = Count(
        "pk", filter=Q(escalated_to=user.org, status__in=rules.OPEN_STATUSES)
    )
    aggregates["mine"] = Count("pk", filter=mine_q(user))
    aggregates["mine__overdue"] = Count("pk", filter=mine_q(user) & late)
    counts = visible_tickets(user).filter(status__in=rules.OPEN_STATUSES).aggregate(**aggregates)
    base = reverse("hotline:list")
    items = [
        TodoItem(str(QUEUE_LABELS["mine"]), counts["mine"], f"{base}?mine=1",
                 counts["mine__overdue"] or 0)
    ] + [
        TodoItem(str(QUEUE_LABELS[key]), counts[key], f"{base}?queue={key}",
                 counts[f"{key}__overdue"] or 0)
        for key in queues
    ]  # fmt: skip
    items.append(
        TodoItem(
            str(QUEUE_LABELS["escalated"]),
            counts["escalated"],
            f"{base}?escalated=1",
            counts["escalated"],
            daily=True,
            as_of=escalations_as_of(),
        )
    )
    if user.roles & rules.FAST_TRACK_PROPOSERS:
        pending = visible_fast_tracks(user).filter(
            paid_on__isnull=False, paperwork_done_on__isnull=True, is_cancelled=False
        )
        counts = pending.aggregate(
            total=Count("pk"), late=Count("pk", filter=Q(paperwork_due_on__lt=timezone.localdate()))
        )
        items.append(
            TodoItem(str(QUEUE_LABELS["paperwork"]), counts["total"], f"{base}?paperwork=1",
                     counts["late"] or 0)
        )  # fmt: skip
    return items
