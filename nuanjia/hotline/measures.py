"""The hotline's measures for the reports (core.measures): 12351 tickets received (by kind
and channel) and tickets closed (on time or late), on their local day at the ticket's union."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Case, Count, F, QuerySet, Sum, Value, When
from django.utils.translation import gettext_lazy as _

from nuanjia.core import measures
from nuanjia.core.listexport import column

from .models import FastTrack, Ticket
from .rules import Channel, Kind, Status

ON_TIME = "on_time"
LATE = "late"
TIMELINESS = {ON_TIME: _("On time"), LATE: _("Late")}


# The local days are their instants' index range (measures.local_days); the local day is
# computed only for the day of each fact (on SQLite a Python function a row).
def _received(first: datetime.date, last: datetime.date) -> QuerySet[Ticket]:
    return Ticket.objects.filter(measures.local_days("received_at", first, last)).annotate(
        local_day=measures.local_day("received_at")
    )


def _closed(first: datetime.date, last: datetime.date) -> QuerySet[Ticket]:
    return Ticket.objects.filter(
        measures.local_days("closed_at", first, last),
        status=Status.CLOSED,
        closed_at__isnull=False,
    ).annotate(
        local_day=measures.local_day("closed_at"),
        timeliness=Case(When(is_late=True, then=Value(LATE)), default=Value(ON_TIME)),
    )


def received_facts(first: datetime.date, last: datetime.date) -> Any:
    return (
        _received(first, last)
        .values("org_id", day=F("local_day"), d1=F("kind"), d2=F("channel"))
        .annotate(value=Count("id"))
    )


def closed_facts(first: datetime.date, last: datetime.date) -> Any:
    return (
        _closed(first, last)
        .values("org_id", day=F("local_day"), d1=F("timeliness"), d2=Value(""))
        .annotate(value=Count("id"))
    )


def received_rows(
    path: str,
    own: bool,
    first: datetime.date,
    last: datetime.date,
    d1: str | None = None,
    d2: str | None = None,
) -> QuerySet[Ticket]:
    rows = _received(first, last).filter(measures.in_union(path, own=own))
    rows = measures.of_dimensions(rows, ("kind", "channel"), (d1, d2))
    return rows.select_related("org").annotate(fact_value=Value(1))


def closed_rows(
    path: str,
    own: bool,
    first: datetime.date,
    last: datetime.date,
    d1: str | None = None,
    d2: str | None = None,
) -> QuerySet[Ticket]:
    rows = _closed(first, last).filter(measures.in_union(path, own=own))
    rows = measures.of_dimensions(rows, ("timeliness",), (d1,))
    return rows.select_related("org").annotate(fact_value=Value(1))


COLUMNS = (
    column(_("Ticket number"), "number"),
    column(_("Kind"), "get_kind_display"),
    column(_("Channel"), "get_channel_display"),
    column(_("Union"), "org.name"),
    column(_("Status"), "get_status_display"),
    column(_("Day"), lambda row: row.local_day),
)


def _changes(field_name: str) -> tuple[measures.ChangeFeed, ...]:
    return (
        measures.ChangeFeed(
            lambda: Ticket.objects.annotate(local_day=measures.local_day(field_name)),
            day="local_day",
        ),
    )


def _fast_paid() -> QuerySet[FastTrack]:
    return FastTrack.objects.filter(
        is_cancelled=False, paid_on__isnull=False, days_to_payment__isnull=False
    )


FAST_COLUMNS = (
    column(_("Ticket number"), "ticket.number"),
    column(_("Cause"), "cause"),
    column(_("Paying union"), "org.name"),
    column(_("Paid on"), "paid_on"),
    column(_("Working days from call to payment"), "days_to_payment"),
)
# The grant's stamp moves when relief pays it, which is when days_to_payment is written.
FAST_CHANGES = (
    measures.ChangeFeed(lambda: FastTrack.objects.all(), day="paid_on", stamp="grant__updated_at"),
)
# The mean days from call to payment is the first over the second, computed on display.
FAST_TRACK = (
    measures.declared(
        "hotline.fast_track_days", _("Fast-track days from call to payment (sum)"),
        measures.Unit.DAYS, source=_fast_paid, day="paid_on", value=Sum("days_to_payment"),
        fact_value=F("days_to_payment"), related=("ticket",), changes=FAST_CHANGES,
        columns=FAST_COLUMNS, order=42,
    ),
    measures.declared(
        "hotline.fast_track_paid", _("Fast-track reliefs paid"), measures.Unit.ITEMS,
        source=_fast_paid, day="paid_on", value=Count("id"), fact_value=Value(1),
        related=("ticket",), changes=FAST_CHANGES, columns=FAST_COLUMNS, order=43,
    ),
)  # fmt: skip

MEASURES = (
    *FAST_TRACK,
    measures.Measure(
        code="hotline.received",
        name=_("12351 tickets received"),
        unit=measures.Unit.ITEMS,
        kind=measures.Kind.ADDITIVE,
        compute=received_facts,
        rows=received_rows,
        changes=_changes("received_at"),
        dimensions=(
            measures.Dimension(_("Kind"), dict(Kind.choices)),
            measures.Dimension(_("Channel"), dict(Channel.choices)),
        ),
        columns=COLUMNS,
        order=40,
    ),
    measures.Measure(
        code="hotline.closed",
        name=_("12351 tickets closed"),
        unit=measures.Unit.ITEMS,
        kind=measures.Kind.ADDITIVE,
        compute=closed_facts,
        rows=closed_rows,
        changes=_changes("closed_at"),
        dimensions=(measures.Dimension(_("Deadline"), TIMELINESS),),
        columns=COLUMNS,
        order=41,
    ),
)
