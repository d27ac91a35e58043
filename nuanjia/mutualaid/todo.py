"""The claims' tiles on the desk: received claims not yet checked (caseworkers), claims to
decide (approvers), approved claims ready for a payment batch (finance)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from nuanjia.core.todo import TodoItem
from nuanjia.orgs.rules import Role

from .queries import claims_in_queue


def claims_todo(user: Any) -> list[TodoItem]:
    roles = set(getattr(user, "roles", ()))
    url = reverse("mutualaid:claims")
    items = []
    for role, queue, label in (
        (Role.CASEWORKER, "caseworker", _("Mutual aid claims to check")),
        (Role.APPROVER, "approver", _("Mutual aid claims to decide")),
        (Role.FINANCE, "finance", _("Mutual aid claims ready for a payment batch")),
    ):
        if role in roles:
            items.append(
                TodoItem(label, claims_in_queue(user, queue).count(), f"{url}?queue={queue}")
            )
    return items
