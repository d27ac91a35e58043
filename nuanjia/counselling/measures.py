"""Psychological help's measures for the reports (core.measures), counts only — no personal
content: minutes on duty on the lines (by the shift's local start day), sessions by risk
level and channel (by the session's local day), and high-risk sessions by their follow-up
(on time, late, waiting). The rows behind them name the line, never a caller or a note."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Case, Count, F, Q, QuerySet, Sum, Value, When
from django.utils.translation import gettext_lazy as _

from nuanjia.core import measures
from nuanjia.core.listexport import column

from .models import Session, Shift
from .rules import Channel, FollowUp, Risk


def _shifts(first: datetime.date, last: datetime.date) -> QuerySet[Shift]:
    return (
        Shift.objects.filter(measures.local_days("starts_at", first, last))
        .annotate(local_day=measures.local_day("starts_at"))
        .filter(local_day__range=(first, last))
    )


def _sessions(first: datetime.date, last: datetime.date) -> QuerySet[Session]:
    return (
        Session.objects.defer("notes_encrypted")
        .filter(measures.local_days("started_at", first, last))
        .annotate(
            local_day=measures.local_day("started_at"),
            follow=Case(
                When(~Q(risk=Risk.HIGH), then=Value(FollowUp.NOT_NEEDED.value)),
                When(followed_up_at__isnull=True, then=Value(FollowUp.OPEN.value)),
                When(followed_up_at__lte=F("follow_up_due_at"), then=Value(FollowUp.ON_TIME.value)),
                default=Value(FollowUp.LATE.value),
            ),
        )
        .filter(local_day__range=(first, last))
    )


def minutes_facts(first: datetime.date, last: datetime.date) -> Any:
    return (
        _shifts(first, last)
        .values("org_id", day=F("local_day"), d1=Value(""), d2=Value(""))
        .annotate(value=Sum("minutes"))
    )


def session_facts(first: datetime.date, last: datetime.date) -> Any:
    return (
        _sessions(first, last)
        .values("org_id", day=F("local_day"), d1=F("risk"), d2=F("channel"))
        .annotate(value=Count("id"))
    )


def follow_up_facts(first: datetime.date, last: datetime.date) -> Any:
    return (
        _sessions(first, last)
        .filter(risk=Risk.HIGH)
        .values("org_id", day=F("local_day"), d1=F("follow"), d2=Value(""))
        .annotate(value=Count("id"))
    )


def minutes_rows(path: str, own: bool, first: datetime.date, last: datetime.date,
                 d1: str | None = None, d2: str | None = None) -> QuerySet[Shift]:  # fmt: skip
    rows = _shifts(first, last).filter(measures.in_union(path, own=own))
    if d1 or d2:  # the measure has no dimensions: a value of one matches nothing
        rows = rows.none()
    return rows.select_related("org", "line").annotate(fact_value=F("minutes"))


def session_rows(path: str, own: bool, first: datetime.date, last: datetime.date,
                 d1: str | None = None, d2: str | None = None) -> QuerySet[Session]:  # fmt: skip
    rows = _sessions(first, last).filter(measures.in_union(path, own=own))
    rows = measures.of_dimensions(rows, ("risk", "channel"), (d1, d2))
    return rows.select_related("org", "line").annotate(fact_value=Value(1))


def follow_up_rows(path: str, own: bool, first: datetime.date, last: datetime.date,
                   d1: str | None = None, d2: str | None = None) -> QuerySet[Session]:  # fmt: skip
    rows = _sessions(first, last).filter(measures.in_union(path, own=own), risk=Risk.HIGH)
    rows = measures.of_dimensions(rows, ("follow",), (d1,))
    return rows.select_related("org", "line").annotate(fact_value=Value(1))


SHIFT_COLUMNS = (
    column(_("Line"), "line.name"),
    column(_("Union"), "org.name"),
    column(_("Day"), lambda row: row.local_day),
    column(_("Minutes"), "minutes"),
)
SESSION_COLUMNS = (
    column(_("Line"), "line.name"),
    column(_("Union"), "org.name"),
    column(_("Day"), lambda row: row.local_day),
    column(_("Channel"), "get_channel_display"),
    column(_("Risk level"), "get_risk_display"),
)


def _changes(model: Any, field_name: str) -> tuple[measures.ChangeFeed, ...]:
    return (
        measures.ChangeFeed(
            lambda: model.objects.annotate(local_day=measures.local_day(field_name)),
            day="local_day",
        ),
    )


MEASURES = (
    measures.Measure(
        code="counselling.minutes_on_duty", name=_("Help line time covered (minutes)"),
        unit=measures.Unit.COUNT, kind=measures.Kind.ADDITIVE, compute=minutes_facts,
        rows=minutes_rows, changes=_changes(Shift, "starts_at"), columns=SHIFT_COLUMNS, order=90,
    ),
    measures.Measure(
        code="counselling.sessions", name=_("Counselling sessions"),
        unit=measures.Unit.ITEMS, kind=measures.Kind.ADDITIVE, compute=session_facts,
        rows=session_rows, changes=_changes(Session, "started_at"),
        dimensions=(measures.Dimension(_("Risk level"), dict(Risk.choices)),
                    measures.Dimension(_("Channel"), dict(Channel.choices))),
        columns=SESSION_COLUMNS, order=91,
    ),
    measures.Measure(
        code="counselling.follow_ups", name=_("High-risk follow-ups"),
        unit=measures.Unit.ITEMS, kind=measures.Kind.ADDITIVE, compute=follow_up_facts,
        rows=follow_up_rows, changes=_changes(Session, "started_at"),
        dimensions=(measures.Dimension(_("Follow-up"), dict(FollowUp.choices)),),
        columns=SESSION_COLUMNS, order=92,
    ),
)  # fmt: skip
