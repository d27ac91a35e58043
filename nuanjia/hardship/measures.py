"""Hardship's measures for the reports (core.measures): files opened, by their state and
category today. A file counts on the day it was opened (Asia/Shanghai) at its union; a step
that moves it changes its state there, so the figures of a period say where the files opened
in it stand now."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, F, QuerySet, Value
from django.utils.translation import gettext_lazy as _

from nuanjia.core import measures
from nuanjia.core.listexport import column

from .models import HardshipFile
from .rules import Category, Status

DIMENSIONS = ("status", "category")


def _opened(first: datetime.date, last: datetime.date) -> QuerySet[HardshipFile]:
    return (
        HardshipFile.objects.filter(measures.local_days("created_at", first, last))
        .annotate(opened_on=measures.local_day("created_at"))
        .filter(opened_on__range=(first, last))
    )


def files_facts(first: datetime.date, last: datetime.date) -> Any:
    return (
        _opened(first, last)
        .values("org_id", day=F("opened_on"), d1=F("status"), d2=F("category"))
        .annotate(value=Count("id"))
    )


def files_rows(
    path: str,
    own: bool,
    first: datetime.date,
    last: datetime.date,
    d1: str | None = None,
    d2: str | None = None,
) -> QuerySet[HardshipFile]:
    rows = _opened(first, last).filter(measures.in_union(path, own=own))
    rows = measures.of_dimensions(rows, DIMENSIONS, (d1, d2))
    return rows.select_related("household__worker", "org").annotate(fact_value=Value(1))


MEASURES = (
    measures.Measure(
        code="hardship.files",
        name=_("Hardship files opened"),
        unit=measures.Unit.ITEMS,
        kind=measures.Kind.ADDITIVE,
        compute=files_facts,
        rows=files_rows,
        changes=(
            measures.ChangeFeed(
                lambda: HardshipFile.objects.annotate(opened_on=measures.local_day("created_at")),
                day="opened_on",
            ),
        ),
        dimensions=(
            measures.Dimension(_("Status"), dict(Status.choices)),
            measures.Dimension(_("Category"), dict(Category.choices)),
        ),
        columns=(
            column(_("Number"), "number"),
            column(_("Worker"), "household.worker.name"),
            column(_("Union"), "org.name"),
            column(_("Status"), "get_status_display"),
            column(_("Category"), "category_label"),
            column(_("Opened on"), lambda row: row.opened_on),
        ),
        order=10,
    ),
)
