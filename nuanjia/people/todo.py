"""To-do items of the worker registry: transfers to decide, possible duplicates and imported
rows to review."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nuanjia.core.todo import TodoItem
from nuanjia.orgs.rules import Perm

from . import rules
from .queries import duplicates_to_review, import_reviews_to_decide, transfers_to_decide

# (the roles that do the work, what it is, the rows waiting for the user, the list's URL name)
_LISTS = [
    (rules.DECIDE_TRANSFER_ROLES, _("Transfer requests to decide"), transfers_to_decide,
     "people:transfer_list"),
    (rules.REVIEW_DUPLICATE_ROLES, _("Possible duplicates to review"), duplicates_to_review,
     "people:duplicate_list"),
    (rules.REGISTER_ROLES, _("Imported rows to review"), import_reviews_to_decide,
     "people_import:reviews"),
]  # fmt: skip


def people_todo(user) -> list[TodoItem]:
    if not user.has_perm_code(Perm.VIEW_BUSINESS):
        return []
    return [
        TodoItem(str(label), rows(user).count(), reverse(url_name))
        for roles, label, rows, url_name in _LISTS
        if user.roles & roles
    ]
