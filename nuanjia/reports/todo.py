"""A leader's home page: the nightly check's differences (core.todo: how many facts of the
union's subtree the last check found different from their rows, repaired) and the figures
of the month (core.homepanels)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from nuanjia.core import clock
from nuanjia.core.homepanels import HomeLine, HomePanel
from nuanjia.core.todo import TodoItem
from nuanjia.orgs.rules import Role

from . import dashboard, formatting, periods, queries
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


HOME_FIGURES = 6  # the first measures a leader's home shows


def leader_panel(user: Any) -> list[HomePanel]:
    """A leader's home: this month's first figures of their subtree beside the same month a
    year before, each opening its drill-down, and the whole dashboard (facts only)."""
    org = getattr(user, "org", None)
    if org is None or Role.LEADER not in user.roles:
        return []
    chosen = queries.visible_measures(user)[:HOME_FIGURES]
    if not chosen:
        return []
    here = dashboard.At(org, periods.parse("", today=clock.today()))
    lines = [
        HomeLine(
            str(row["measure"].name),
            f"{formatting.value_text(row['now'].total, row['unit'])} "
            f"{formatting.unit_label(row['unit'])}",
            _("%(change)s on last year") % {"change": row["change"]},
            row["url"],
        )
        for row in dashboard.measure_rows(here, chosen)
    ]
    title = _("Figures of %(period)s") % {"period": here.period.label}
    return [HomePanel(title, reverse("reports:dashboard"), lines, name="reports")]
