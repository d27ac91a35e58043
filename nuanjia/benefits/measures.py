"""Member-card benefits' measures for the reports (core.measures): uses taken (人次) and the
union's subsidy of them (元), on the day of the use at the member's union; a use reversed the
same day counts for nothing."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, QuerySet, Sum, Value
from django.utils.translation import gettext_lazy as _

from nuanjia.core import measures
from nuanjia.core.listexport import column, money

from .models import Redemption, Reversal


def _uses(first: datetime.date, last: datetime.date) -> QuerySet[Redemption]:
    return Redemption.objects.filter(reversed=False, day__range=(first, last))


def _facts(total: Any) -> measures.Compute:
    def compute(first: datetime.date, last: datetime.date) -> Any:
        return (
            _uses(first, last)
            .values("org_id", "day", d1=Value(""), d2=Value(""))
            .annotate(value=total)
        )

    return compute


def _rows(value: Any) -> measures.Rows:
    def rows(
        path: str,
        own: bool,
        first: datetime.date,
        last: datetime.date,
        d1: str | None = None,
        d2: str | None = None,
    ) -> QuerySet[Redemption]:
        found = _uses(first, last).filter(measures.in_union(path, own=own))
        return found.select_related("org", "partner", "worker").annotate(fact_value=value)

    return rows


COLUMNS = (
    column(_("Number"), str),
    column(_("Merchant"), "partner.name"),
    column(_("Worker"), "worker.name"),
    column(_("Union"), "org.name"),
    money(_("Subsidy (yuan)"), "subsidy_fen"),
    column(_("Day"), "day"),
)
CHANGES = (
    measures.ChangeFeed(lambda: Redemption.objects.all(), day="day", stamp="id"),
    measures.ChangeFeed(lambda: Reversal.objects.all(), day="day", stamp="id"),
)
MEASURES = (
    measures.Measure(
        code="benefits.uses",
        name=_("Member benefit uses"),
        unit=measures.Unit.VISITS,
        kind=measures.Kind.ADDITIVE,
        compute=_facts(Count("id")),
        rows=_rows(Value(1)),
        changes=CHANGES,
        columns=COLUMNS,
        order=80,
    ),
    measures.Measure(
        code="benefits.subsidy",
        name=_("Member benefit subsidies"),
        unit=measures.Unit.FEN,
        kind=measures.Kind.ADDITIVE,
        compute=_facts(Sum("subsidy_fen")),
        rows=_rows(F("subsidy_fen")),
        changes=CHANGES,
        columns=COLUMNS,
        order=81,
    ),
)
