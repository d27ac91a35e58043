"""Model workers' measures for the reports (core.measures): model workers on the register
(人, by the day their honour was recorded, each once a year at their union), village bases
and the money they brought (by the base's start), help paid to model workers in difficulty
(元, by the paid day) and the people it reached (人, once a year)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, QuerySet, Sum, Value
from django.utils.translation import gettext_lazy as _

from nuanjia.core import measures
from nuanjia.core.listexport import column, money
from nuanjia.people.honour_models import Honour

from .models import Base, HelpPayment
from .rules import REGISTER_KINDS, PaymentStatus


def _register() -> QuerySet[Honour]:
    honours = Honour.objects.filter(kind__in=[str(k) for k in REGISTER_KINDS]).annotate(
        on=measures.local_day("created_at")
    )
    return measures.first_in_year(honours, person="worker_id", day="on")


def _paid() -> QuerySet[HelpPayment]:
    return HelpPayment.objects.filter(status=PaymentStatus.PAID, paid_on__isnull=False)


def _first_paid() -> QuerySet[HelpPayment]:
    return measures.first_in_year(_paid(), person="worker_id", day="paid_on")


BASE_COLUMNS = (
    column(_("Village"), "village"), column(_("County"), "region_code"),
    column(_("Model worker"), "worker.name"), money(_("Money brought (yuan)"), "money_fen"),
    column(_("Union"), "org.name"), column(_("Started on"), "started_on"),
)  # fmt: skip
PAYMENT_COLUMNS = (
    column(_("Number"), lambda row: str(row)), column(_("Model worker"), "worker.name"),
    column(_("Period"), "period"), money(_("Amount (yuan)"), "amount_fen"),
    column(_("Union"), "org.name"), column(_("Paid on"), "paid_on"),
)  # fmt: skip
HONOUR_COLUMNS = (
    column(_("Model worker"), "worker.name"), column(_("Honour"), "get_kind_display"),
    column(_("Level"), "get_level_display"), column(_("Year awarded"), "year"),
)  # fmt: skip


def _feed(source: Any, day: str, stamp: str = "updated_at") -> tuple[measures.ChangeFeed, ...]:
    return (measures.ChangeFeed(source, day=day, stamp=stamp),)


MEASURES = (
    measures.declared(
        "modelworkers.on_register", _("Model workers on the register"), measures.Unit.PERSONS,
        kind=measures.Kind.DISTINCT_PERSONS, source=_register, day="on", value=Count("id"),
        fact_value=Value(1), org="worker__org", related=("worker",),
        changes=_feed(lambda: Honour.objects.annotate(on=measures.local_day("created_at")), "on",
                      stamp="id"),
        columns=HONOUR_COLUMNS, order=100,
    ),
    measures.declared(
        "modelworkers.bases", _("Model worker village bases"), measures.Unit.COUNT,
        source=lambda: Base.objects.all(), day="started_on", value=Count("id"),
        fact_value=Value(1), related=("worker",), changes=_feed(lambda: Base.objects.all(),
                                                                 "started_on"),
        columns=BASE_COLUMNS, order=101,
    ),
    measures.declared(
        "modelworkers.money_brought", _("Money brought to villages by model workers"),
        measures.Unit.FEN, source=lambda: Base.objects.all(), day="started_on",
        value=Sum("money_fen"), fact_value=F("money_fen"), related=("worker",),
        changes=_feed(lambda: Base.objects.all(), "started_on"), columns=BASE_COLUMNS,
        order=102,
    ),
    measures.declared(
        "modelworkers.help_paid", _("Help paid to model workers in difficulty"),
        measures.Unit.FEN, source=_paid, day="paid_on", value=Sum("amount_fen"),
        fact_value=F("amount_fen"), related=("worker",),
        changes=_feed(lambda: HelpPayment.objects.all(), "paid_on"), columns=PAYMENT_COLUMNS,
        order=103,
    ),
    measures.declared(
        "modelworkers.help_persons", _("Model workers in difficulty helped"),
        measures.Unit.PERSONS, kind=measures.Kind.DISTINCT_PERSONS, source=_first_paid,
        day="paid_on", value=Count("id"), fact_value=Value(1), related=("worker",),
        changes=_feed(lambda: HelpPayment.objects.all(), "paid_on"), columns=PAYMENT_COLUMNS,
        order=104,
    ),
)  # fmt: skip
