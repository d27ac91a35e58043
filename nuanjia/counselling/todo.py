"""The supervisor's to-do tiles: gaps in the roster of their lines in the coming days (shown
before they happen, the first one named), high-risk sessions to follow up (overdue counted),
and shift swaps to decide (approvers)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.todo import TodoItem
from nuanjia.orgs.permissions import roles_of
from nuanjia.orgs.rules import Role

from . import queries
from .rules import GAP_DAYS, SwapStatus
from .services.roster import find_gaps, window


def _gap_tile(user: Any) -> list[TodoItem]:
    lines = list(queries.supervised_lines(user))
    if not lines:
        return []
    first, last = window(GAP_DAYS)
    gaps = sorted(
        (gap for found in find_gaps(lines, first, last).values() for gap in found),
        key=lambda gap: gap.starts_at,
    )
    if not gaps:
        return []
    soon = sum(1 for gap in gaps if (gap.starts_at - first).total_seconds() < 48 * 3600)
    start = timezone.localtime(gaps[0].starts_at)
    end = timezone.localtime(gaps[0].ends_at)
    label = _("Gaps in the help line roster (first %(start)s–%(end)s)") % {
        "start": f"{start:%m-%d %H:%M}",
        "end": f"{end:%H:%M}" if end.date() == start.date() else f"{end:%m-%d %H:%M}",
    }
    return [TodoItem(label, len(gaps), reverse("counselling:gaps"), urgent=soon)]


def counselling_todo(user: Any) -> list[TodoItem]:
    items = _gap_tile(user)
    waiting = queries.waiting_follow_ups(user)
    count = waiting.count()
    if count:
        overdue = waiting.filter(follow_up_due_at__lt=timezone.now()).count()
        url = f"{reverse('counselling:sessions')}?follow_up=open"
        items.append(TodoItem(_("High-risk sessions to follow up"), count, url, overdue=overdue,
                              urgent=count))  # fmt: skip
    if Role.APPROVER in roles_of(user):
        swaps = queries.visible_swaps(user).filter(status=SwapStatus.PROPOSED).count()
        items.append(TodoItem(_("Shift swaps to decide"), swaps, reverse("counselling:swaps")))
    return items
