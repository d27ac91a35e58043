"""The rest stations' measures for the reports (core.measures): visits (人次), from the
stations' own daily rollup (StationDay: check-ins plus the keepers' tallies), at the
station's union. The rollup is rebuilt for a day with new rows, so its ids mark changes."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, QuerySet, Sum, Value
from django.utils.translation import gettext_lazy as _

from nuanjia.core import measures
from nuanjia.core.listexport import column

from .models import StationDay


def _days(first: datetime.date, last: datetime.date) -> QuerySet[StationDay]:
    return StationDay.objects.filter(on__range=(first, last), visits__gt=0)


def visits_facts(first: datetime.date, last: datetime.date) -> Any:
    return (
        _days(first, last)
        .values("org_id", day=F("on"), d1=Value(""), d2=Value(""))
        .annotate(value=Sum("visits"))
    )


def visits_rows(
    path: str,
    own: bool,
    first: datetime.date,
    last: datetime.date,
    d1: str | None = None,
    d2: str | None = None,
) -> QuerySet[StationDay]:
    rows = _days(first, last).filter(measures.in_union(path, own=own))
    return rows.select_related("station", "org").annotate(fact_value=F("visits"))


def _first_open_day() -> QuerySet[StationDay]:
    """Each station's first day with visits in a calendar year: the stations serving."""
    return measures.first_in_year(
        StationDay.objects.filter(visits__gt=0), person="station_id", day="on"
    )


ACTIVE = measures.declared(
    "stations.active", _("Rest stations serving"), measures.Unit.COUNT,
    kind=measures.Kind.DISTINCT_PERSONS, source=_first_open_day, day="on", value=Count("id"),
    fact_value=Value(1), related=("station",),
    changes=(measures.ChangeFeed(lambda: StationDay.objects.all(), day="on", stamp="id"),),
    columns=(column(_("Station"), "station.name"), column(_("Union"), "org.name"),
             column(_("First day serving"), "on")),
    order=51,
)  # fmt: skip

MEASURES = (
    ACTIVE,
    measures.Measure(
        code="stations.visits",
        name=_("Rest station visits"),
        unit=measures.Unit.VISITS,
        kind=measures.Kind.ADDITIVE,
        compute=visits_facts,
        rows=visits_rows,
        changes=(measures.ChangeFeed(lambda: StationDay.objects.all(), day="on", stamp="id"),),
        columns=(
            column(_("Station"), "station.name"),
            column(_("Union"), "org.name"),
            column(_("Day"), "on"),
            column(_("Visits"), "visits"),
            column(_("Check-ins"), "checkins"),
            column(_("Tallied"), "tallied"),
        ),
        order=50,
    ),
)
