"""The gig-job corners' measures for the reports (core.measures), each by corner: posts and
workers wanted (by the post's local day of entry), matches by status (by the day proposed),
completed matches and the days worked (by the day completed). `corner_figures` gives one
corner's figures, each with the rows behind it, for the corner's page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Count, F, QuerySet, Sum, Value
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from nuanjia.core import measures
from nuanjia.core.listexport import column

from .models import Corner, JobPost, Match
from .rules import MatchStatus


def _corner_name(value: str) -> str:
    corner = Corner.objects.filter(pk=int(value)).only("name").first() if value.isdigit() else None
    return corner.name if corner is not None else value


CORNER = measures.Dimension(_("Corner"), _corner_name)
STATUS = measures.Dimension(_("Status"), dict(MatchStatus.choices))
CORNER_KEY = Cast("corner_id", output_field=CharField())


def _posts(first: datetime.date, last: datetime.date) -> QuerySet[JobPost]:
    return JobPost.objects.annotate(local_day=measures.local_day("created_at"),
                                    corner_key=CORNER_KEY).filter(local_day__range=(first, last))  # fmt: skip


def _matches(first: datetime.date, last: datetime.date) -> QuerySet[Match]:
    return Match.objects.annotate(local_day=measures.local_day("created_at"),
                                  corner_key=CORNER_KEY).filter(local_day__range=(first, last))  # fmt: skip


def _completed(first: datetime.date, last: datetime.date) -> QuerySet[Match]:
    return Match.objects.filter(status=MatchStatus.COMPLETED, completed_on__range=(first, last)
                                ).annotate(local_day=F("completed_on"), corner_key=CORNER_KEY)  # fmt: skip


def post_facts(first: datetime.date, last: datetime.date) -> Any:
    return _posts(first, last).values("org_id", day=F("local_day"), d1=F("corner_key"),
                                      d2=Value("")).annotate(value=Count("id"))  # fmt: skip


def wanted_facts(first: datetime.date, last: datetime.date) -> Any:
    return _posts(first, last).values("org_id", day=F("local_day"), d1=F("corner_key"),
                                      d2=Value("")).annotate(value=Sum("workers_wanted"))  # fmt: skip


def match_facts(first: datetime.date, last: datetime.date) -> Any:
    return _matches(first, last).values("org_id", day=F("local_day"), d1=F("corner_key"),
                                        d2=F("status")).annotate(value=Count("id"))  # fmt: skip


def completed_facts(first: datetime.date, last: datetime.date) -> Any:
    return _completed(first, last).values("org_id", day=F("local_day"), d1=F("corner_key"),
                                          d2=Value("")).annotate(value=Count("id"))  # fmt: skip


def days_facts(first: datetime.date, last: datetime.date) -> Any:
    return _completed(first, last).values("org_id", day=F("local_day"), d1=F("corner_key"),
                                          d2=Value("")).annotate(value=Sum("days_worked"))  # fmt: skip


def _rows(source: Any, value: Any, dims: tuple[str, ...]) -> Any:
    def rows(path: str, own: bool, first: datetime.date, last: datetime.date,
             d1: str | None = None, d2: str | None = None) -> QuerySet[Any]:  # fmt: skip
        found = source(first, last).filter(measures.in_union(path, own=own))
        found = measures.of_dimensions(found, dims, (d1, d2)[: len(dims)])
        if d2 and len(dims) < 2:
            found = found.none()
        return found.select_related("org", "corner").annotate(fact_value=value)

    return rows


POST_COLUMNS = (
    column(_("Corner"), "corner.name"), column(_("Union"), "org.name"),
    column(_("Day"), lambda row: row.local_day), column(_("Employer"), "employer_name"),
    column(_("Work"), "work"), column(_("Workers wanted"), "workers_wanted"),
)  # fmt: skip
MATCH_COLUMNS = (
    column(_("Match"), str), column(_("Corner"), "corner.name"), column(_("Union"), "org.name"),
    column(_("Day"), lambda row: row.local_day), column(_("Status"), "get_status_display"),
    column(_("Days worked"), "days_worked"),
)  # fmt: skip


def _changes(model: Any, day: str) -> tuple[measures.ChangeFeed, ...]:
    return (measures.ChangeFeed(lambda: model.objects.annotate(local_day=measures.local_day(day)),
                                day="local_day"),)  # fmt: skip


def _completed_changes() -> tuple[measures.ChangeFeed, ...]:
    return (measures.ChangeFeed(lambda: Match.objects.filter(completed_on__isnull=False),
                                day="completed_on"),)  # fmt: skip


MEASURES = (
    measures.Measure(
        code="gigjobs.posts", name=_("Gig job posts"), unit=measures.Unit.ITEMS,
        kind=measures.Kind.ADDITIVE, compute=post_facts,
        rows=_rows(_posts, Value(1), ("corner_key",)), changes=_changes(JobPost, "created_at"),
        dimensions=(CORNER,), columns=POST_COLUMNS, order=95,
    ),
    measures.Measure(
        code="gigjobs.workers_wanted", name=_("Gig workers wanted"), unit=measures.Unit.PERSONS,
        kind=measures.Kind.ADDITIVE, compute=wanted_facts,
        rows=_rows(_posts, F("workers_wanted"), ("corner_key",)),
        changes=_changes(JobPost, "created_at"), dimensions=(CORNER,), columns=POST_COLUMNS,
        order=96,
    ),
    measures.Measure(
        code="gigjobs.matches", name=_("Gig job matches"), unit=measures.Unit.ITEMS,
        kind=measures.Kind.ADDITIVE, compute=match_facts,
        rows=_rows(_matches, Value(1), ("corner_key", "status")),
        changes=_changes(Match, "created_at"), dimensions=(CORNER, STATUS),
        columns=MATCH_COLUMNS, order=97,
    ),
    measures.Measure(
        code="gigjobs.completed", name=_("Gig jobs completed"), unit=measures.Unit.ITEMS,
        kind=measures.Kind.ADDITIVE, compute=completed_facts,
        rows=_rows(_completed, Value(1), ("corner_key",)), changes=_completed_changes(),
        dimensions=(CORNER,), columns=MATCH_COLUMNS, order=98,
    ),
    measures.Measure(
        code="gigjobs.days_worked", name=_("Gig job days worked"), unit=measures.Unit.DAYS,
        kind=measures.Kind.ADDITIVE, compute=days_facts,
        rows=_rows(_completed, F("days_worked"), ("corner_key",)), changes=_completed_changes(),
        dimensions=(CORNER,), columns=MATCH_COLUMNS, order=99,
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Figure:
    label: Any
    value: int
    url: str  # the rows behind it


def corner_figures(corner: Corner) -> list[Figure]:
    """One corner's figures from its first day: posts, workers wanted, matches, completed,
    days worked — each opening its rows (the corner's posts or matches filtered)."""
    posts = JobPost.objects.filter(corner=corner).aggregate(
        n=Count("id"), wanted=Sum("workers_wanted")
    )
    matches = Match.objects.filter(corner=corner)
    done = matches.filter(status=MatchStatus.COMPLETED).aggregate(
        n=Count("id"), days=Sum("days_worked")
    )
    post_url = f"{reverse('gigjobs:posts')}?corner={corner.pk}"
    match_url = f"{reverse('gigjobs:matches')}?corner={corner.pk}"
    done_url = f"{match_url}&status={MatchStatus.COMPLETED.value}"
    return [
        Figure(_("Job posts"), posts["n"] or 0, post_url),
        Figure(_("Workers wanted"), posts["wanted"] or 0, post_url),
        Figure(_("Matches"), matches.count(), match_url),
        Figure(_("Completed"), done["n"] or 0, done_url),
        Figure(_("Days worked"), done["days"] or 0, done_url),
    ]
