"""Rendering a report template (issue 20 item 5): the narrative with every placeholder filled
from the facts of the union's subtree (reports.queries, never the business tables), each
figure numbered for its footnote with its drill-down link, and the tables behind the text:
each figure per child union (a province's report lists every city).

A campaign's own measures (the campaigns app's, whose first dimension is the campaign) are read for the
template's campaign only when the period is `campaign`; other measures read its dates."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from nuanjia.core import clock, measures
from nuanjia.orgs.models import Org

from . import narrative, periods, queries
from .models_report import ReportTemplate

DASH = "—"


@dataclass(frozen=True)
class Span:
    """Where a placeholder reads: its days, its period's key for links, the campaign's id."""

    first: datetime.date
    last: datetime.date
    key: str
    label: str
    campaign: str | None = None

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass
class Filled:
    number: int  # the footnote's number
    placeholder: narrative.Placeholder
    text: str  # the figure as written, without its unit
    name: str  # the measure's name
    span: Span
    url: str = ""  # the drill-down ("" for a figure the reader may not see)


@dataclass
class Table:
    title: str
    unit: str
    rows: list[tuple[str, str]]  # (union, figure)
    total: str


@dataclass
class Rendered:
    template: ReportTemplate
    org: Org
    period: periods.Period
    paragraphs: list[list[narrative.Text | Filled]] = field(default_factory=list)
    notes: list[Filled] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.template.title

    def text(self) -> str:
        """The narrative as plain text, figures and units in place (for tests and documents)."""
        return "\n".join(paragraph_text(paragraph) for paragraph in self.paragraphs)


def paragraph_text(paragraph: list[narrative.Text | Filled]) -> str:
    return "".join(
        part.text if isinstance(part, narrative.Text) else figure_text(part) for part in paragraph
    )


def figure_text(filled: Filled) -> str:
    """The figure as it stands in the text: the template writes the unit after it."""
    return filled.text


def _span(
    placeholder: narrative.Placeholder, template: ReportTemplate, chosen: periods.Period
) -> Span:
    if placeholder.period == narrative.CAMPAIGN and template.campaign is not None:
        campaign = template.campaign
        return Span(
            campaign.starts_on, campaign.ends_on, str(campaign.starts_on.year), campaign.name,
            str(campaign.pk),
        )  # fmt: skip
    if placeholder.period == narrative.CHOSEN:
        period = chosen
    else:
        period = periods.parse(placeholder.period, today=clock.today())
    return Span(period.first, period.last, period.key, str(period.label))


def _d1(code: str, span: Span) -> str | None:
    """The campaign's id for a campaign's own measure read over the campaign."""
    own = code.split(".", 1)[0] == "campaigns" and measures.get(code).dimensions
    return span.campaign if span.campaign and own else None


Choice = tuple[str, ...] | None  # the values of a dimension read (None: any value)


def _choices(placeholder: narrative.Placeholder, code: str, span: Span) -> tuple[Choice, Choice]:
    """The values of each dimension the figure reads: the placeholder's filter, and for a
    campaign's own measure over the campaign only that campaign (within the filter)."""
    first = placeholder.chosen(1)
    campaign = _d1(code, span)
    if campaign is not None:
        first = (campaign,) if first is None or campaign in first else ()
    return first, placeholder.chosen(2)


def _pairs(chosen: tuple[Choice, Choice]) -> list[tuple[str | None, str | None]]:
    first, second = (values if values is not None else (None,) for values in chosen)
    return [(d1, d2) for d1 in first for d2 in second]


def _part(code: str, figure: queries.Figure) -> int:
    """A FLOW reads the union's own part (what it passed down itself: inside its subtree the
    flows net out), every other kind its subtree's total."""
    return figure.own if measures.get(code).kind == measures.Kind.FLOW else figure.total


def _total(org: Org, placeholder: narrative.Placeholder, code: str, span: Span) -> int:
    return sum(
        _part(code, queries.figure(org, code, span.first, span.last, d1, d2))
        for d1, d2 in _pairs(_choices(placeholder, code, span))
    )


def _value_text(placeholder: narrative.Placeholder, values: list[int], span: Span) -> str:
    ratio = narrative.DERIVED.get(placeholder.measure)
    if ratio is not None:
        found = narrative.ratio_value(ratio, values[0], *values[1:])
        return DASH if found is None else narrative.number_text(found)
    unit = measures.get(placeholder.measure).unit
    return narrative.number_text(
        narrative.in_unit(values[0], unit, placeholder.unit, days=span.days)
    )


def _url(org: Org, placeholder: narrative.Placeholder, code: str, span: Span) -> str:
    """The measure's page, or for a filtered figure the rows of the same values (the union's
    own for a FLOW, as the figure): their sum is the figure."""
    d1, d2 = _choices(placeholder, code, span)
    params = {"measure": code, "org": org.code, "period": span.key}
    if d1 is None and d2 is None:
        return reverse("reports:measure") + "?" + urlencode(params)
    own = "1" if measures.get(code).kind == measures.Kind.FLOW else "0"
    chosen = {f"d{place}": ",".join(values) for place, values in ((1, d1), (2, d2)) if values}
    return reverse("reports:rows") + "?" + urlencode({**params, "own": own, **chosen})


def _fill(
    placeholder: narrative.Placeholder, number: int, at: Org, rendered: Rendered, visible: set[str]
) -> Filled:
    span = _span(placeholder, rendered.template, rendered.period)
    name = _measure_name(placeholder.measure)
    if not all(code in visible for code in placeholder.codes):
        return Filled(number, placeholder, DASH, name, span)
    values = [_total(at, placeholder, code, span) for code in placeholder.codes]
    text = _value_text(placeholder, values, span)
    url = _url(at, placeholder, placeholder.codes[0], span)
    return Filled(number, placeholder, text, name, span, url)


def _measure_name(code: str) -> str:
    if code in narrative.DERIVED:
        return {
            "funds.execution_rate": _("Execution rate (paid over received)"),
            "hotline.fast_track_mean_days": _("Mean working days from call to payment"),
        }.get(code, code)
    return str(measures.get(code).name)


def render(template: ReportTemplate, user: Any, org: Org, period: periods.Period) -> Rendered:
    """The template filled for `org`'s subtree (in the user's; the caller checks) and `period`."""
    visible = {measure.code for measure in queries.visible_measures(user)}
    rendered = Rendered(template, org, period)
    parts = narrative.parse(template.body, has_campaign=template.campaign_id is not None)
    paragraph: list[narrative.Text | Filled] = []
    for part in parts:
        if isinstance(part, narrative.Placeholder):
            filled = _fill(part, len(rendered.notes) + 1, org, rendered, visible)
            rendered.notes.append(filled)
            paragraph.append(filled)
            continue
        lines = part.text.split("\n")
        for number, line in enumerate(lines):
            if number:
                _close(paragraph, rendered)
                paragraph = []
            if line:
                paragraph.append(narrative.Text(line))
    _close(paragraph, rendered)
    rendered.tables = _tables(rendered, visible)
    return rendered


def _close(paragraph: list[narrative.Text | Filled], rendered: Rendered) -> None:
    if any(not isinstance(part, narrative.Text) or part.text.strip() for part in paragraph):
        rendered.paragraphs.append(paragraph)


def _child_values(
    org: Org, placeholder: narrative.Placeholder, code: str, span: Span
) -> dict[int, int]:
    values: dict[int, int] = {}
    for d1, d2 in _pairs(_choices(placeholder, code, span)):
        for child, figure in queries.children_figures(org, code, span.first, span.last, d1, d2):
            values[child.pk] = values.get(child.pk, 0) + _part(code, figure)
    return values


def _tables(rendered: Rendered, visible: set[str]) -> list[Table]:
    """Each distinct figure of the text per child union, beside the union's total."""
    children = list(Org.objects.filter(parent=rendered.org, is_active=True).order_by("path"))
    tables, seen = [], set()
    for filled in rendered.notes:
        found = filled.placeholder
        key = (found.measure, found.dimension, found.values, found.period, found.unit)
        if key in seen or not filled.url:
            continue
        seen.add(key)
        per_code = [_child_values(rendered.org, found, c, filled.span) for c in found.codes]
        rows = []
        for child in children:
            values = [found.get(child.pk, 0) for found in per_code]
            rows.append((child.name, _value_text(filled.placeholder, values, filled.span)))
        tables.append(Table(
            f"{filled.name}（{filled.span.label}）", filled.placeholder.unit, rows, filled.text,
        ))  # fmt: skip
    return tables
