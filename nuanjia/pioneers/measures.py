"""The pioneers measures for the reports (core.measures): 工人先锋号 titles awarded and
revoked by level (by the local day of the step, at the team's union), labour competitions by
kind and the teams entered (by the competition's first day, at the organiser), innovation
studios by kind and level (by the day recognised), and their results by kind and savings in
fen (by the result's day, at the studio's union)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db.models import Count, F, QuerySet, Sum, Value
from django.utils.translation import gettext_lazy as _

from nuanjia.core import measures
from nuanjia.core.listexport import column

from .models import Competition, Entry, Result, Studio, Title
from .rules import AwardLevel, CompetitionKind, ResultKind, StudioKind, StudioLevel


def _titles(stamp: str) -> Callable[[], QuerySet[Title]]:
    return lambda: Title.objects.annotate(local_day=measures.local_day(stamp))


def _entries() -> QuerySet[Entry]:
    return Entry.objects.annotate(
        local_day=F("competition__starts_on"), kind=F("competition__kind")
    )


def _by_day(model: Any, field: str, **where: Any) -> Callable[[], QuerySet[Any]]:
    return lambda: model.objects.filter(**where).annotate(local_day=F(field))


class Source:
    """One measure's rows: where they come from, their dimensions and what each counts."""

    def __init__(self, rows: Callable[[], QuerySet[Any]], dims: tuple[str, ...] = (),
                 value: Any = None, fact_value: Any = None) -> None:  # fmt: skip
        self.source, self.dims = rows, dims
        self.value = value if value is not None else Count("id")
        self.fact_value = fact_value if fact_value is not None else Value(1)

    def between(self, first: datetime.date, last: datetime.date) -> QuerySet[Any]:
        return self.source().filter(local_day__range=(first, last))

    def compute(self, first: datetime.date, last: datetime.date) -> Any:
        names = {f"d{n + 1}": F(dim) for n, dim in enumerate(self.dims)}
        blanks = {f"d{n + 1}": Value("") for n in range(len(self.dims), 2)}
        return (
            self.between(first, last)
            .values("org_id", day=F("local_day"), **names, **blanks)
            .annotate(value=self.value)
        )

    def rows(self, path: str, own: bool, first: datetime.date, last: datetime.date,
             d1: str | None = None, d2: str | None = None) -> QuerySet[Any]:  # fmt: skip
        rows = self.between(first, last).filter(measures.in_union(path, own=own))
        if len(self.dims) < 2 and (d1 if not self.dims else d2):
            return rows.none()
        rows = measures.of_dimensions(rows, self.dims, (d1, d2)[: len(self.dims)])
        return rows.select_related("org").annotate(fact_value=self.fact_value)


AWARDED = Source(_titles("awarded_at"), ("level",))
REVOKED = Source(_titles("revoked_at"), ("level",))
COMPETITIONS = Source(_by_day(Competition, "starts_on"), ("kind",))
ENTRIES = Source(_entries, ("kind",))
STUDIOS = Source(_by_day(Studio, "recognised_on"), ("kind", "level"))
RESULTS = Source(_by_day(Result, "achieved_on"), ("kind",))
SAVINGS = Source(_by_day(Result, "achieved_on", savings_fen__gt=0), value=Sum("savings_fen"),
                 fact_value=F("savings_fen"))  # fmt: skip

TITLE_COLUMNS = (
    column(_("Team"), "team.name"), column(_("Union"), "org.name"),
    column(_("Day"), lambda row: row.local_day), column(_("Level"), "get_level_display"),
    column(_("Certificate number"), "certificate_number"),
)  # fmt: skip
COMPETITION_COLUMNS = (
    column(_("Name"), "name"), column(_("Union"), "org.name"),
    column(_("Day"), lambda row: row.local_day), column(_("Kind"), "get_kind_display"),
)  # fmt: skip
ENTRY_COLUMNS = (
    column(_("Team"), "name"), column(_("Union"), "org.name"),
    column(_("Day"), lambda row: row.local_day), column(_("Rank"), "rank"),
    column(_("Award"), "award"),
)  # fmt: skip
STUDIO_COLUMNS = (
    column(_("Name"), "name"), column(_("Union"), "org.name"),
    column(_("Day"), lambda row: row.local_day), column(_("Level"), "get_level_display"),
)  # fmt: skip
RESULT_COLUMNS = (
    column(_("Title"), "title"), column(_("Union"), "org.name"),
    column(_("Day"), lambda row: row.local_day), column(_("Kind"), "get_kind_display"),
    column(_("Savings (yuan)"), lambda row: row.savings_fen / 100),
)  # fmt: skip
LEVEL = measures.Dimension(_("Level"), dict(AwardLevel.choices))


def _feed(source: Source) -> tuple[measures.ChangeFeed, ...]:
    return (measures.ChangeFeed(source.source, day="local_day"),)


def _measure(code: str, name: Any, source: Source, *, unit: measures.Unit,
             dimensions: tuple[measures.Dimension, ...], columns: Any, order: int,
             ) -> measures.Measure:  # fmt: skip
    return measures.Measure(
        code=f"pioneers.{code}", name=name, unit=unit, kind=measures.Kind.ADDITIVE,
        compute=source.compute, rows=source.rows, changes=_feed(source), dimensions=dimensions,
        columns=columns, order=order,
    )  # fmt: skip


MEASURES = (
    _measure("titles_awarded", _("Worker Pioneer titles awarded"), AWARDED,
             unit=measures.Unit.ITEMS, dimensions=(LEVEL,), columns=TITLE_COLUMNS, order=100),
    _measure("titles_revoked", _("Worker Pioneer titles revoked"), REVOKED,
             unit=measures.Unit.ITEMS, dimensions=(LEVEL,), columns=TITLE_COLUMNS, order=101),
    _measure("competitions", _("Labour competitions"), COMPETITIONS, unit=measures.Unit.COUNT,
             dimensions=(measures.Dimension(_("Kind"), dict(CompetitionKind.choices)),),
             columns=COMPETITION_COLUMNS, order=102),
    _measure("competition_teams", _("Teams entered in labour competitions"), ENTRIES,
             unit=measures.Unit.COUNT,
             dimensions=(measures.Dimension(_("Kind"), dict(CompetitionKind.choices)),),
             columns=ENTRY_COLUMNS, order=103),
    _measure("studios", _("Innovation studios recognised"), STUDIOS, unit=measures.Unit.COUNT,
             dimensions=(measures.Dimension(_("Kind"), dict(StudioKind.choices)),
                         measures.Dimension(_("Level"), dict(StudioLevel.choices))),
             columns=STUDIO_COLUMNS, order=104),
    _measure("studio_results", _("Innovation studio results"), RESULTS,
             unit=measures.Unit.ITEMS,
             dimensions=(measures.Dimension(_("Kind"), dict(ResultKind.choices)),),
             columns=RESULT_COLUMNS, order=105),
    _measure("studio_savings", _("Innovation studio savings"), SAVINGS, unit=measures.Unit.FEN,
             dimensions=(), columns=RESULT_COLUMNS, order=106),
)  # fmt: skip
