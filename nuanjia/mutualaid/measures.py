"""Mutual aid's measures for the reports (core.measures): claims paid (元, by illness
category) and the members they reached (人, once a year at the enrolling union), counted on
the day paid at the enrolling union."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, QuerySet, Sum, Value
from django.utils.translation import gettext_lazy as _

from nuanjia.core import measures
from nuanjia.core.listexport import column, money

from .models_claims import Claim
from .rules import ClaimStatus


def _paid() -> QuerySet[Claim]:
    return Claim.objects.filter(status=ClaimStatus.PAID, paid_on__isnull=False)


def claims_paid_facts(first: datetime.date, last: datetime.date) -> Any:
    return (
        _paid()
        .filter(paid_on__range=(first, last))
        .values("org_id", day=F("paid_on"), d1=F("illness"), d2=Value(""))
        .annotate(value=Sum("approved_fen"))
    )


def claims_paid_rows(
    path: str,
    own: bool,
    first: datetime.date,
    last: datetime.date,
    d1: str | None = None,
    d2: str | None = None,
) -> QuerySet[Claim]:
    rows = _paid().filter(measures.in_union(path, own=own), paid_on__range=(first, last))
    rows = measures.of_dimensions(rows, ("illness",), (d1,))
    return rows.select_related("worker", "org").annotate(fact_value=F("approved_fen"))


def _first_paid(first: datetime.date, last: datetime.date) -> QuerySet[Claim]:
    return measures.first_in_year(_paid(), person="worker_id", day="paid_on").filter(
        paid_on__range=(first, last)
    )


def members_paid_facts(first: datetime.date, last: datetime.date) -> Any:
    return (
        _first_paid(first, last)
        .values("org_id", day=F("paid_on"), d1=Value(""), d2=Value(""))
        .annotate(value=Count("id"))
    )


def members_paid_rows(
    path: str,
    own: bool,
    first: datetime.date,
    last: datetime.date,
    d1: str | None = None,
    d2: str | None = None,
) -> QuerySet[Claim]:
    rows = _first_paid(first, last).filter(measures.in_union(path, own=own))
    return rows.select_related("worker", "org").annotate(fact_value=Value(1))


CLAIM_COLUMNS = (
    column(_("Number"), str),
    column(_("Worker"), "worker.name"),
    column(_("Illness category"), "illness"),
    money(_("Amount (yuan)"), "approved_fen"),
    column(_("Union"), "org.name"),
    column(_("Paid on"), "paid_on"),
)
CLAIM_CHANGES = (measures.ChangeFeed(lambda: Claim.objects.all(), day="paid_on"),)

MEASURES = (
    measures.Measure(
        code="mutualaid.claims_paid",
        name=_("Mutual aid paid"),
        unit=measures.Unit.FEN,
        kind=measures.Kind.ADDITIVE,
        compute=claims_paid_facts,
        rows=claims_paid_rows,
        changes=CLAIM_CHANGES,
        dimensions=(measures.Dimension(_("Illness category")),),
        columns=CLAIM_COLUMNS,
        order=60,
    ),
    measures.Measure(
        code="mutualaid.members_paid",
        name=_("Members paid mutual aid"),
        unit=measures.Unit.PERSONS,
        kind=measures.Kind.DISTINCT_PERSONS,
        compute=members_paid_facts,
        rows=members_paid_rows,
        changes=CLAIM_CHANGES,
        columns=CLAIM_COLUMNS,
        order=61,
    ),
)
