"""The skills app's measures for the reports (core.measures), counts and money only — no
personal data: trainees enrolled (人次, by the local day of enrolment at the course's union),
certificates issued (by level and kind, by the day issued at the recording union), training
subsidy paid (元, by the day the bank paid, at the paying union) and contest entrants (人次,
by the contest's day). The rows behind them name the course, contest or union, never a
worker or a certificate number."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, QuerySet, Sum, Value
from django.utils.translation import gettext_lazy as _

from nuanjia.core import measures
from nuanjia.core.listexport import column

from .models import Certificate, Enrolment, Entrant, Settlement
from .rules import CertificateKind, Level, SettlementStatus


def _enrolments() -> QuerySet[Enrolment]:
    return Enrolment.objects.annotate(local_day=measures.local_day("created_at"))


def _paid() -> QuerySet[Settlement]:
    return Settlement.objects.filter(status=SettlementStatus.PAID, paid_on__isnull=False)


def _entrants() -> QuerySet[Entrant]:
    return Entrant.objects.annotate(held_on=F("contest__held_on"))


def _level(value: str) -> Any:
    return dict(Level.choices).get(value, value)


MEASURES = (
    measures.declared(
        "skills.trainees", _("Trainees enrolled on training courses"), measures.Unit.VISITS,
        source=_enrolments, day="local_day", value=Count("id"), fact_value=Value(1),
        related=("course",),
        changes=(measures.ChangeFeed(_enrolments, day="local_day"),),
        columns=(column(_("Course"), "course.name"), column(_("Union"), "org.name"),
                 column(_("Day"), lambda row: row.local_day)),
        order=95,
    ),
    measures.declared(
        "skills.certificates", _("Skill certificates issued"), measures.Unit.ITEMS,
        source=lambda: Certificate.objects.all(), day="issued_on", value=Count("id"),
        fact_value=Value(1),
        dimensions=(("level", measures.Dimension(_("Level"), _level)),
                    ("kind", measures.Dimension(_("Kind"), dict(CertificateKind.choices)))),
        changes=(measures.ChangeFeed(lambda: Certificate.objects.all(), day="issued_on", stamp="id"),),
        columns=(column(_("Kind"), "get_kind_display"), column(_("Level"), "get_level_display"),
                 column(_("Occupation or skill"), "occupation"), column(_("Union"), "org.name"),
                 column(_("Issued on"), "issued_on")),
        order=96,
    ),
    measures.declared(
        "skills.subsidy_paid", _("Training subsidy paid"), measures.Unit.FEN,
        source=_paid, day="paid_on", value=Sum("amount_fen"), fact_value=F("amount_fen"),
        related=("course",),
        changes=(measures.ChangeFeed(lambda: Settlement.objects.all(), day="paid_on"),),
        columns=(column(_("Course"), "course.name"), column(_("Union"), "org.name"),
                 column(_("Trainees counted"), "trainees"), column(_("Paid on"), "paid_on")),
        order=97,
    ),
    measures.declared(
        "skills.contest_entrants", _("Skill contest entrants"), measures.Unit.VISITS,
        source=_entrants, day="held_on", value=Count("id"), fact_value=Value(1),
        related=("contest",),
        changes=(measures.ChangeFeed(_entrants, day="held_on", stamp="id"),),
        columns=(column(_("Contest"), "contest.name"), column(_("Union"), "org.name"),
                 column(_("Day"), lambda row: row.held_on)),
        order=98,
    ),
)  # fmt: skip
