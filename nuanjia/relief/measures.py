"""Relief's measures for the reports (core.measures): grants paid in 元 and the people they
reached (人, each person once a year at the union of their first paid grant)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, QuerySet, Sum, Value
from django.utils.translation import gettext_lazy as _

from nuanjia.core import measures
from nuanjia.core.listexport import column, money
from nuanjia.funds.models import Earmark

from .models import Grant, GrantType
from .rules import Status

DIMENSIONS = ("grant_type__code", "earmark__code")


def _type_name(code: str) -> str:
    return GrantType.objects.filter(code=code).values_list("name", flat=True).first() or code


def _earmark_name(code: str) -> str:
    return Earmark.objects.filter(code=code).values_list("name", flat=True).first() or code


def _paid(first: datetime.date, last: datetime.date) -> QuerySet[Grant]:
    return Grant.objects.filter(status=Status.PAID, paid_on__range=(first, last))


def grants_paid_facts(first: datetime.date, last: datetime.date) -> Any:
    return (
        _paid(first, last)
        .values("org_id", day=F("paid_on"), d1=F("grant_type__code"), d2=F("earmark__code"))
        .annotate(value=Sum("amount_fen"))
    )


def grants_paid_rows(
    path: str,
    own: bool,
    first: datetime.date,
    last: datetime.date,
    d1: str | None = None,
    d2: str | None = None,
) -> QuerySet[Grant]:
    rows = _paid(first, last).filter(measures.in_union(path, own=own))
    rows = measures.of_dimensions(rows, DIMENSIONS, (d1, d2))
    return rows.select_related("worker", "grant_type", "org").annotate(fact_value=F("amount_fen"))


def _first_of_year(first: datetime.date, last: datetime.date) -> QuerySet[Grant]:
    """Paid grants that are their worker's first paid grant of the calendar year."""
    paid = Grant.objects.filter(status=Status.PAID, paid_on__isnull=False)
    return measures.first_in_year(paid, person="worker_id", day="paid_on").filter(
        paid_on__range=(first, last)
    )


def persons_helped_facts(first: datetime.date, last: datetime.date) -> Any:
    return (
        _first_of_year(first, last)
        .values("org_id", day=F("paid_on"), d1=Value(""), d2=Value(""))
        .annotate(value=Count("id"))
    )


def persons_helped_rows(
    path: str,
    own: bool,
    first: datetime.date,
    last: datetime.date,
    d1: str | None = None,
    d2: str | None = None,
) -> QuerySet[Grant]:
    rows = _first_of_year(first, last).filter(measures.in_union(path, own=own))
    return rows.select_related("worker", "grant_type", "org").annotate(fact_value=Value(1))


COLUMNS = (
    column(_("Number"), "number"),
    column(_("Worker"), "worker.name"),
    column(_("Grant type"), "grant_type.name"),
    money(_("Amount (yuan)"), "amount_fen"),
    column(_("Paying union"), "org.name"),
    column(_("Paid on"), "paid_on"),
)
CHANGES = (measures.ChangeFeed(lambda: Grant.objects.all(), day="paid_on"),)

MEASURES = (
    measures.Measure(
        code="relief.grants_paid",
        name=_("Relief grants paid"),
        unit=measures.Unit.FEN,
        kind=measures.Kind.ADDITIVE,
        compute=grants_paid_facts,
        rows=grants_paid_rows,
        changes=CHANGES,
        dimensions=(
            measures.Dimension(_("Grant type"), _type_name),
            measures.Dimension(_("Earmark"), _earmark_name),
        ),
        columns=COLUMNS,
        order=20,
    ),
    measures.Measure(
        code="relief.persons_helped",
        name=_("Workers helped with grants"),
        unit=measures.Unit.PERSONS,
        kind=measures.Kind.DISTINCT_PERSONS,
        compute=persons_helped_facts,
        rows=persons_helped_rows,
        changes=CHANGES,
        columns=COLUMNS,
        order=21,
    ),
)
