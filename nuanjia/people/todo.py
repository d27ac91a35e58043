"""To-do items of the worker registry: transfers to decide, possible duplicates and imported
rows to review."""

from django.urls import reverse
from django.utils.translation import gettext as _

from nuanjia.core.todo import TodoItem
from nuanjia.orgs.rules import Perm

from . import rules
from .queries import duplicates_to_review, import_reviews_to_decide, transfers_to_decide


def people_todo(user) -> list[TodoItem]:
    if not user.has_perm_code(Perm.VIEW_BUSINESS):
        return []
    items = []
    if user.roles & rules.DECIDE_TRANSFER_ROLES:
        items.append(
            TodoItem(
                _("Transfer requests to decide"),
                transfers_to_decide(user).count(),
                reverse("people:transfer_list"),
            )
        )
    if user.roles & rules.REVIEW_DUPLICATE_ROLES:
        items.append(
            TodoItem(
                _("Possible duplicates to review"),
                duplicates_to_review(user).count(),
                reverse("people:duplicate_list"),
            )
        )
    if user.roles & rules.REGISTER_ROLES:
        items.append(
            TodoItem(
                _("Imported rows to review"),
                import_reviews_to_decide(user).count(),
                reverse("people_import:reviews"),
            )
        )
    return items
