"""The nightly check's differences on a leader's home page (core.todo): how many facts of
the union's subtree the last check found different from their rows (it repaired them)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from nuanjia.core.todo import TodoItem
from nuanjia.orgs.rules import Role

from .models import CheckRun


def reports_todo(user: Any) -> list[TodoItem]:
    org = getattr(user, "org", None)
    if org is None or Role.LEADER not in user.roles:
        return []
    run = CheckRun.objects.order_by("-ran_at").first()
    if run is None or not run.differences:
        return []
    if org.parent_id is None:  # the province: every difference (beyond those kept too)
        count = run.differences
    else:
        count = sum(1 for diff in run.details if str(diff.get("path", "")).startswith(org.path))
    return [
        TodoItem(
            _("Report figures corrected by the nightly check"),
            count,
            reverse("reports:checks"),
            daily=True,
            as_of=run.ran_at,
        )
    ]
