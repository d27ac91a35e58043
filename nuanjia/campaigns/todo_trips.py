"""The trips' tiles on the desk (我的待办): nominations waiting for an approver's decision, and
approved nominees of trips that have come back whose attendance is still to be recorded."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from nuanjia.core.todo import TodoItem
from nuanjia.orgs.rules import Role

from .queries_trips import attendance_to_record, nominations_to_approve
from .rules import NominationStatus


def trips_todo(user: Any) -> list[TodoItem]:
    roles = set(getattr(user, "roles", ()))
    items = []
    if Role.APPROVER in roles:
        items.append(
            TodoItem(
                _("Trip nominations to approve"),
                nominations_to_approve(user).count(),
                reverse("campaigns:nominations") + f"?status={NominationStatus.NOMINATED}",
            )
        )
    if Role.CASEWORKER in roles:
        items.append(
            TodoItem(
                _("Trip attendance to record"),
                attendance_to_record(user).count(),
                reverse("campaigns:nominations") + "?attendance=1",
            )
        )
    return items
