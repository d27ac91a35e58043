"""The screening drives' tile on the desk (我的待办): findings waiting for a caseworker's decision."""

from django.urls import reverse
from django.utils.translation import gettext as _

from nuanjia.core.todo import TodoItem

from .queries_screening import findings_waiting
from .rules import FindingStatus
from .services import FINDER_ROLES


def screening_todo(user) -> list[TodoItem]:
    if not set(getattr(user, "roles", ())) & FINDER_ROLES:
        return []
    return [
        TodoItem(
            _("Screening findings to decide"),
            findings_waiting(user).count(),
            reverse("campaigns:finding_queue") + f"?status={FindingStatus.FOUND}",
        )
    ]
