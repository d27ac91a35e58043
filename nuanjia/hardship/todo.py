"""To-do items for hardship work: each role sees the files waiting for its step."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from nuanjia.core.todo import TodoItem
from nuanjia.orgs.rules import Perm, Role

from .queries import open_objections, overdue_filter, todo_filters, visible_files

TODO_LABELS = {
    "to_check": gettext_lazy("Hardship files to check"),
    "visits_due": gettext_lazy("Home visits due"),
    "to_review": gettext_lazy("Hardship files to review"),
    "to_publish": gettext_lazy("Hardship files to publicise"),
    "publicity_ending": gettext_lazy("Publicity ending"),
    "to_file": gettext_lazy("Approved files to file"),
    "reviews_due": gettext_lazy("Hardship reviews due"),
    "reviews_to_complete": gettext_lazy("Hardship reviews to complete"),
    "exits_to_decide": gettext_lazy("Hardship exits to decide"),
    "gradual_exits_ending": gettext_lazy("Gradual exits ending"),
}


def hardship_todo(user) -> list[TodoItem]:
    """One figure per list the user's roles act on, counted in a single query."""
    if not user.has_perm_code(Perm.VIEW_BUSINESS):
        return []
    today = timezone.localdate()
    filters = {
        key: (condition, roles)
        for key, (condition, roles) in todo_filters(today).items()
        if roles & user.roles
    }
    if not filters:
        return []
    aggregates = {}
    for key, (condition, _roles) in filters.items():
        aggregates[key] = Count("pk", filter=condition)
        overdue = overdue_filter(key, today)
        if overdue is not None:
            aggregates[f"{key}__overdue"] = Count("pk", filter=condition & overdue)
    combined = Q()
    for condition, _roles in filters.values():
        combined |= condition
    counts = visible_files(user).filter(combined).aggregate(**aggregates)
    base = reverse("hardship:list")
    items = [
        TodoItem(
            str(TODO_LABELS[key]),
            counts[key],
            f"{base}?todo={key}",
            counts.get(f"{key}__overdue") or 0,
        )
        for key in filters
    ]
    if Role.REVIEWER in user.roles:
        items.append(
            TodoItem(
                _("Publicity objections to resolve"),
                open_objections(user).count(),
                reverse("hardship:objections"),
            )
        )
    return items
