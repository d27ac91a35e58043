"""To-do items for relief work: each role sees the grants (and batches) waiting for its step;
advance relief waiting for an approver is marked urgent."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy

from nuanjia.core import clock
from nuanjia.core.todo import TodoItem
from nuanjia.orgs.rules import Perm, Role

from .queries import ADVANCE_WAITING, QUEUES, TO_PROPOSE, families_to_help, visible_grants

URGENT = "urgent"  # the advance relief among the grants to approve

TODO_LABELS = {
    "to_propose": gettext_lazy("Filed families not helped this year"),
    "to_review": gettext_lazy("Grants to review"),
    "to_approve": gettext_lazy("Grants to approve"),
    "to_batch": gettext_lazy("Approved grants to put in a payment batch"),
    "in_batch": gettext_lazy("Grants waiting for the bank's result"),
    "failed": gettext_lazy("Failed payments to retry or cancel"),
}


def relief_todo(user) -> list[TodoItem]:
    """One figure per queue the user's roles act on, counted in a single query."""
    if not user.has_perm_code(Perm.VIEW_BUSINESS):
        return []
    items = []
    if Role.CASEWORKER in user.roles:
        count = families_to_help(user, clock.today().year).count()
        items.append(
            TodoItem(
                str(TODO_LABELS[TO_PROPOSE]),
                count,
                f"{reverse('relief:grants')}?queue={TO_PROPOSE}",
            )
        )
    queues = {key: condition for key, (condition, roles) in QUEUES.items() if roles & user.roles}
    if not queues:
        return items
    combined = Q()
    for condition in queues.values():
        combined |= condition
    figures = {key: Count("pk", filter=condition) for key, condition in queues.items()}
    if "to_approve" in queues:
        figures[URGENT] = Count("pk", filter=ADVANCE_WAITING)
    counts = visible_grants(user).filter(combined).aggregate(**figures)
    base = reverse("relief:grants")
    return items + [
        TodoItem(
            str(TODO_LABELS[key]),
            counts[key],
            f"{base}?queue={key}",
            urgent=counts[URGENT] if key == "to_approve" else 0,
        )
        for key in queues
    ]
