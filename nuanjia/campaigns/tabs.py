"""The tabs of an activity's pages: which apply to its kind, in one place."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Activity
from .rules import ActivityKind

PARTNER_KINDS = frozenset({ActivityKind.HEALTH_CHECK, ActivityKind.BREAKFAST, ActivityKind.TRIP})

# (key, label, url name, the kinds it applies to; empty: every kind)
TABS: list[tuple[str, Any, str, frozenset[str]]] = [
    ("enrolment", _("Enrolment lists"), "campaigns:enrolment", frozenset()),
    ("places", _("Places"), "campaigns:places", frozenset()),
    (
        "visits",
        _("Visit records"),
        "campaigns:visits",
        frozenset({ActivityKind.VISIT}),
    ),
    ("handouts", _("Goods handed out"), "campaigns:handouts", frozenset({ActivityKind.VISIT})),
    ("findings", _("Findings"), "campaigns:findings", frozenset({ActivityKind.SCREENING})),
    (
        "partners",
        _("Partners"),
        "campaigns:contracts",
        frozenset({ActivityKind.HEALTH_CHECK, ActivityKind.BREAKFAST, ActivityKind.TRIP}),
    ),
    ("checks", _("Health checks"), "campaigns:checks", frozenset({ActivityKind.HEALTH_CHECK})),
    ("trips", _("Trips"), "campaigns:trips", frozenset({ActivityKind.TRIP})),
    (
        "breakfasts",
        _("Breakfasts"),
        "campaigns:breakfast_counts",
        frozenset({ActivityKind.BREAKFAST}),
    ),
    ("figures", _("Figures"), "campaigns:activity_figures", frozenset()),
    ("partner_figures", _("Partner figures"), "campaigns:partner_figures", PARTNER_KINDS),
    ("partner_money", _("Money per partner"), "campaigns:partner_money", PARTNER_KINDS),
]


def activity_tabs(activity: Activity) -> list[dict[str, Any]]:
    tabs = []
    for key, label, name, kinds in TABS:
        if (kinds and activity.kind not in kinds) or (
            key in ("places", "checks") and not activity.uses_places
        ):
            continue
        tabs.append({"key": key, "label": label, "url": reverse(name, args=[activity.pk])})
    return tabs


def activity_context(activity: Activity, tab: str, **extra: Any) -> dict[str, Any]:
    """What every activity page's head needs, with the page's own values."""
    return {
        "activity": activity,
        "campaign": activity.campaign,
        "tab": tab,
        "activity_tabs": activity_tabs(activity),
        **extra,
    }
