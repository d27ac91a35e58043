"""Consumption help's measures for the reports (core.measures): buy-to-help orders paid, in 元
and in 斤 (kept in grams), on the day paid at the buying union."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import F, QuerySet, Sum, Value
from django.utils.translation import gettext_lazy as _

from nuanjia.core import measures
from nuanjia.core.listexport import column, money

from .models import HelpOrder
from .rules import OrderStatus


def _paid(first: datetime.date, last: datetime.date) -> QuerySet[HelpOrder]:
    return HelpOrder.objects.filter(status=OrderStatus.PAID, paid_on__range=(first, last))


def _facts(field_name: str) -> measures.Compute:
    def compute(first: datetime.date, last: datetime.date) -> Any:
        return (
            _paid(first, last)
            .values("org_id", day=F("paid_on"), d1=Value(""), d2=Value(""))
            .annotate(value=Sum(field_name))
        )

    return compute


def _rows(field_name: str) -> measures.Rows:
    def rows(
        path: str,
        own: bool,
        first: datetime.date,
        last: datetime.date,
        d1: str | None = None,
        d2: str | None = None,
    ) -> QuerySet[HelpOrder]:
        found = _paid(first, last).filter(measures.in_union(path, own=own))
        return found.select_related("org", "producer").annotate(fact_value=F(field_name))

    return rows


COLUMNS = (
    column(_("Number"), str),
    column(_("Producer"), "producer.name"),
    column(_("Buying union"), "org.name"),
    column(_("Grams"), "grams"),
    money(_("Amount (yuan)"), "amount_fen"),
    column(_("Paid on"), "paid_on"),
)
CHANGES = (measures.ChangeFeed(lambda: HelpOrder.objects.all(), day="paid_on"),)


def _measure(code: str, name: Any, unit: measures.Unit, field_name: str, order: int) -> Any:
    return measures.Measure(
        code=code,
        name=name,
        unit=unit,
        kind=measures.Kind.ADDITIVE,
        compute=_facts(field_name),
        rows=_rows(field_name),
        changes=CHANGES,
        columns=COLUMNS,
        order=order,
    )


MEASURES = (
    _measure("produce.orders_paid", _("Consumption help bought"), measures.Unit.FEN, "amount_fen", 70),
    _measure("produce.grams_paid", _("Consumption help bought (weight)"), measures.Unit.GRAMS, "grams", 71),
)  # fmt: skip
