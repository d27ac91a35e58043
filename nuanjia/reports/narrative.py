"""The campaign report's placeholder syntax (issue 20 item 5): {measure|period|unit}.

A template is plain text; a placeholder names a registered measure (or a ratio of two, see
DERIVED), a period and the unit to write the figure in, e.g. `{funds.allocated|2026|万元}`,
`{stations.visits|period|人次/日}`, `{campaigns.health_checks|campaign|万人次}`.

Periods: as reports.periods parses them (2026, 2026-03, 2026-Q1); `period` for the period
the report is rendered for; `campaign` for the template's campaign (its dates, and for the
campaigns' own measures its figures only). Units: those of the measure's kind (元, 万元, 亿元
for money; 斤, 万斤, 吨 for weights; 人, 万人; 人次, 万人次, 人次/日; 件; 个, 家; 天; % for a
rate). A figure is rounded to two decimals, trailing zeros dropped ("6144", "104.11").

A filter may follow the measure in brackets, on one of its registered dimensions by place
(d1, d2) with one value or several separated by commas, e.g.
`{funds.allocated[d1=warmth,hardship]|2026-01-01..2026-11-30|万元}`: the figure adds the
facts of those values only, and its drill-down opens the rows of the same values. A value
must be one the dimension knows (its choices, or a name its label function finds); a
dimension with an open list (no labels) takes any value. Periods may be a range of days.

Our own small parser, never Django template code: braces outside a well-formed placeholder
are refused, and an unknown measure, period or unit is refused at save with a Chinese
message naming the placeholder (RuleViolation on the field "body").
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from nuanjia.core import measures
from nuanjia.core.errors import RuleViolation
from nuanjia.core.measures import Unit

from . import periods

PLACEHOLDER = re.compile(r"\{([^{}|]*)\|([^{}|]*)\|([^{}|]*)\}")
FILTERED = re.compile(r"^([^\[\]]*?)\s*(?:\[\s*(d[0-9]+)\s*=([^\[\]]*)\])?$")
CAMPAIGN = "campaign"
CHOSEN = "period"
PERCENT = "%"
PER_DAY = "人次/日"


@dataclass(frozen=True)
class Ratio:
    """A figure derived on display from two additive measures (never stored)."""

    numerator: str
    denominators: tuple[str, ...]  # the first that is not zero divides
    unit: str  # the display unit family: "%" or "天"
    scale: int = 1  # numerator × scale / denominator


# The execution rate (paid by the subtree over what the union received from above, or for
# the province what it allocated itself) and the mean days from call to payment.
DERIVED: dict[str, Ratio] = {
    "funds.execution_rate": Ratio(
        "funds.paid", ("funds.received", "funds.allocated"), PERCENT, 100
    ),
    "hotline.fast_track_mean_days": Ratio(
        "hotline.fast_track_days", ("hotline.fast_track_paid",), "天"
    ),
}

# Per stored unit: each display unit and how many stored units make one of it.
UNITS: dict[str, dict[str, int]] = {
    Unit.FEN: {"元": 100, "万元": 1_000_000, "亿元": 10_000_000_000},
    Unit.GRAMS: {"斤": 500, "万斤": 5_000_000, "吨": 1_000_000},
    Unit.PERSONS: {"人": 1, "万人": 10_000},
    Unit.VISITS: {"人次": 1, "万人次": 10_000, PER_DAY: 1},
    Unit.ITEMS: {"件": 1, "万件": 10_000},
    Unit.COUNT: {"个": 1, "家": 1},
    Unit.DAYS: {"天": 1},
    PERCENT: {PERCENT: 1},
    "天": {"天": 1},
}


@dataclass(frozen=True)
class Placeholder:
    text: str  # as written, braces included
    measure: str
    period: str
    unit: str
    dimension: int = 0  # the filtered dimension, 1 or 2 (0: no filter)
    values: tuple[str, ...] = ()  # its values the figure adds

    def chosen(self, place: int) -> tuple[str, ...] | None:
        """The values of the dimension at `place` (1 or 2) the figure reads (None: any)."""
        return self.values if self.dimension == place else None

    @property
    def codes(self) -> tuple[str, ...]:
        """The stored measures the figure reads."""
        ratio = DERIVED.get(self.measure)
        return (ratio.numerator, *ratio.denominators) if ratio else (self.measure,)


@dataclass(frozen=True)
class Text:
    text: str


Part = Text | Placeholder


def _refuse(message: str) -> RuleViolation:
    return RuleViolation(message, field="body", code="placeholder")


def _units_of(code: str) -> dict[str, int]:
    ratio = DERIVED.get(code)
    if ratio is not None:
        return UNITS[ratio.unit]
    return UNITS.get(measures.get(code).unit, {})


def _check(found: Placeholder, *, has_campaign: bool) -> None:
    text = found.text
    if found.measure not in DERIVED:
        try:
            measures.get(found.measure)
        except LookupError:
            raise _refuse(
                _("%(placeholder)s: there is no measure “%(measure)s”.")
                % {"placeholder": text, "measure": found.measure}
            ) from None
    if found.period == CAMPAIGN and not has_campaign:
        raise _refuse(
            _("%(placeholder)s: the period “campaign” needs the template's campaign.")
            % {"placeholder": text}
        )
    if found.period not in (CAMPAIGN, CHOSEN):
        try:
            periods.parse(found.period, today=datetime.date(2000, 1, 1))
        except RuleViolation:
            raise _refuse(
                _("%(placeholder)s: “%(period)s” is not a period (2026, 2026-03, 2026-Q1, "
                  "period or campaign).") % {"placeholder": text, "period": found.period}
            ) from None  # fmt: skip
    if found.values:
        _check_filter(found)
    units = _units_of(found.measure)
    if found.unit not in units:
        raise _refuse(
            _(
                "%(placeholder)s: the unit “%(unit)s” does not fit this measure; use one of %(units)s."
            )
            % {"placeholder": text, "unit": found.unit, "units": "、".join(units)}
        )


def _check_filter(found: Placeholder) -> None:
    """The filter names a registered dimension of the measure and values it knows."""
    text = found.text
    if found.measure in DERIVED:
        raise _refuse(
            _("%(placeholder)s: a derived figure takes no filter; filter the measures it is "
              "made of.") % {"placeholder": text}
        )  # fmt: skip
    dimensions = measures.get(found.measure).dimensions
    if not 1 <= found.dimension <= len(dimensions):
        raise _refuse(
            _("%(placeholder)s: the measure “%(measure)s” has no dimension d%(place)s; it has "
              "%(count)s.") % {"placeholder": text, "measure": found.measure,
                               "place": found.dimension, "count": len(dimensions)}
        )  # fmt: skip
    dimension = dimensions[found.dimension - 1]
    for value in found.values:
        if not _known(dimension, value):
            raise _refuse(
                _("%(placeholder)s: “%(value)s” is not a value of the dimension %(name)s.")
                % {"placeholder": text, "value": value, "name": dimension.name}
            )


def _known(dimension: measures.Dimension, value: str) -> bool:
    """A value of the dimension: one of its choices, or one its label function names (an
    open list without labels takes any value)."""
    if callable(dimension.labels):
        return dimension.label(value) != value
    return value in dimension.labels if dimension.labels else True


def _read(found: re.Match[str]) -> Placeholder:
    """The placeholder's parts, with the measure's filter split off (refused when it cannot
    be read)."""
    measure, period, unit = (item.strip() for item in found.groups())
    split = FILTERED.match(measure)
    if split is None:
        raise _refuse(
            _("%(placeholder)s: a filter is written after the measure as [d1=value,value], "
              "e.g. {funds.allocated[d1=warmth,hardship]|2026|万元}.")
            % {"placeholder": found.group(0)}
        )  # fmt: skip
    name, place, listed = split.groups()
    values = tuple(value.strip() for value in (listed or "").split(",") if value.strip())
    if place is not None and not values:
        raise _refuse(
            _("%(placeholder)s: name at least one value after “%(place)s=”.")
            % {"placeholder": found.group(0), "place": place}
        )
    dimension = int(place[1:]) if place else 0
    return Placeholder(found.group(0), name, period, unit, dimension, values)


def parse(body: str, *, has_campaign: bool = False) -> list[Part]:
    """The text split into plain parts and placeholders, each checked; a stray brace or a
    placeholder that cannot be read is refused with the placeholder named."""
    parts: list[Part] = []
    at = 0
    for found in PLACEHOLDER.finditer(body):
        _plain(body[at : found.start()], parts)
        placeholder = _read(found)
        _check(placeholder, has_campaign=has_campaign)
        parts.append(placeholder)
        at = found.end()
    _plain(body[at:], parts)
    return parts


def _plain(text: str, parts: list[Part]) -> None:
    for brace in ("{", "}"):
        where = text.find(brace)
        if where >= 0:
            raise _refuse(
                _("“%(near)s”: a placeholder is written {measure|period|unit}, e.g. "
                  "{funds.allocated|2026|万元}.") % {"near": text[max(0, where - 10) : where + 20]}
            )  # fmt: skip
    if text:
        parts.append(Text(text))


def placeholders(parts: list[Part]) -> Iterator[Placeholder]:
    return (part for part in parts if isinstance(part, Placeholder))


def number_text(value: Decimal) -> str:
    """Two decimals at most, trailing zeros dropped, no grouping ("6144", "104.11")."""
    rounded = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{rounded:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def in_unit(value: int, stored_unit: str, unit: str, *, days: int = 1) -> Decimal:
    """A stored figure in the display unit (`days`: the period's days, for 人次/日)."""
    per = UNITS.get(stored_unit, {}).get(unit, 1)
    result = Decimal(value) / per
    if unit == PER_DAY:
        result /= max(days, 1)
    return result


def ratio_value(ratio: Ratio, numerator: int, *denominators: int) -> Decimal | None:
    """The ratio over the first denominator that is not zero (None when all are)."""
    denominator = next((value for value in denominators if value), 0)
    if not denominator:
        return None
    return Decimal(numerator) * ratio.scale / Decimal(denominator)
