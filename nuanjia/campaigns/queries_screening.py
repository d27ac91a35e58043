"""Reads of screening findings, scoped by the finding union: the lists (per activity or across
them), one finding, its history, and the counts by degree and by outcome that drill down to
the rows (each count carries the filter that selects them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from nuanjia.core.actors import Actor
from nuanjia.orgs.models import Org
from nuanjia.orgs.queries import get_scoped_or_404, visible_orgs, within

from .models import Activity, Finding, FindingEvent
from .queries import scoped
from .rules import FindingDegree, FindingStatus


def visible_findings(user: Actor) -> QuerySet[Finding]:
    rows = Finding.objects.select_related(
        "activity__campaign", "org", "worker", "hardship_file", "grant", "decided_by"
    )
    return scoped(rows, user)


def get_finding_for(user: Actor, pk: Any, *, write: bool = False) -> Finding:
    return get_scoped_or_404(visible_findings(user), user, write=write, pk=pk)


def finding_history(finding: Finding) -> QuerySet[FindingEvent]:
    return FindingEvent.objects.filter(finding=finding).select_related("by").order_by("at", "id")


@dataclass(frozen=True)
class FindingFilters:
    status: str = ""
    degree: str = ""
    union: str = ""  # an org code in the viewer's scope: its subtree

    def as_dict(self) -> dict[str, str]:
        return {key: value for key, value in vars(self).items() if value}


def clean_filters(user: Actor, data: Any) -> FindingFilters:
    """The filters a list's query string asks for; values that are not choices are dropped."""
    status = str(data.get("status", ""))
    degree = str(data.get("degree", ""))
    union = str(data.get("union", "")).strip()
    return FindingFilters(
        status=status if status in FindingStatus.values else "",
        degree=degree if degree in FindingDegree.values else "",
        union=union if union and visible_orgs(user).filter(code=union).exists() else "",
    )


def filtered_findings(
    user: Actor, filters: FindingFilters, activity: Activity | None = None
) -> QuerySet[Finding]:
    rows = visible_findings(user)
    if activity is not None:
        rows = rows.filter(activity=activity)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.degree:
        rows = rows.filter(degree=filters.degree)
    if filters.union:
        union = Org.objects.get(code=filters.union)
        rows = rows.filter(within(union.path, "org__path"))
    return rows


def finding_counts(rows: QuerySet[Finding]) -> dict[str, list[dict[str, Any]]]:
    """How many rows per degree and per outcome (status), every choice listed (0 included),
    each with the filter value that drills down to its rows."""
    by_degree = dict(rows.order_by().values_list("degree").annotate(n=Count("id")))
    by_status = dict(rows.order_by().values_list("status").annotate(n=Count("id")))
    return {
        "degree": [
            {"value": value, "label": label, "count": by_degree.get(value, 0)}
            for value, label in FindingDegree.choices
        ],
        "status": [
            {"value": value, "label": label, "count": by_status.get(value, 0)}
            for value, label in FindingStatus.choices
        ],
    }


def findings_waiting(user: Actor) -> QuerySet[Finding]:
    """Findings of the user's area waiting for a decision (the caseworkers' to-do)."""
    return visible_findings(user).filter(status=FindingStatus.FOUND)
