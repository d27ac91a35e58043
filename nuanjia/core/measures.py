"""The measures registry (issue 20): what the reports count, declared by the apps that own the rows.

A measure is one figure a union reports — grants paid in 元, people helped, visits to rest
stations in 人次 — with its unit, its kind (how it rolls up the union tree), up to two
dimensions (an earmark, a state and a category…) and two functions over the owning app's rows:

- `compute(first, last)`: the daily facts of the days [first, last] as one grouped queryset
  (or any iterable) of dicts with keys `day`, `org_id`, `d1`, `d2`, `value` and, for a FLOW,
  `peer_id` (the receiving union). The GROUP BY runs in the database; nothing loops over rows.
- `rows(path, own, first, last, d1, d2)`: the source rows behind a figure, a queryset of the
  rows of the union at `path` (`own=True`) or its whole subtree, in the days [first, last],
  optionally of one value of each dimension, each row annotated with `fact_value` (what it
  adds to the figure). For a FLOW of a subtree it leaves out the flows inside the subtree.
  The figure shown and the sum of `fact_value` over these rows are equal by construction
  (`reports` tests it for every measure).

How `reports` finds what changed since it last looked: `changes` names the source queryset,
the field giving the fact's day and a stamp that grows with every write (`updated_at`, or
the primary key of an append-only table). Bulk and fast-path writes set those too, so no
write is missed that a signal would not see.

Kinds:
- ADDITIVE (元, 人次, 件, 斤): a union's figure = its own facts + Σ its subtree's;
- DISTINCT_PERSONS (人): each person is counted once a calendar year, on the day and at the
  union of their first row of that year, so the figures of unions and days add up; a year's
  figure is the number of people, a month's the people first reached that month;
- FLOW (money allocated down the tree): facts are kept at the giving union with the
  receiving one; a subtree's figure leaves out the flows between two of its own unions.

`core` imports nothing of ours: the apps register their measures in AppConfig.ready(), the
`reports` app reads them. This module names no app and no model.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, TruncDate, TruncYear
from django.utils.functional import Promise

from .listexport import ExportColumn


class Kind(StrEnum):
    ADDITIVE = "additive"
    DISTINCT_PERSONS = "distinct_persons"
    FLOW = "flow"


class Unit(StrEnum):
    """What a figure counts; money is kept in 分 and shown in 元."""

    FEN = "fen"  # 元 (stored in 分)
    PERSONS = "persons"  # 人
    VISITS = "visits"  # 人次
    ITEMS = "items"  # 件
    GRAMS = "grams"  # 斤 (stored in grams)
    COUNT = "count"  # 个
    DAYS = "days"  # 天 (summed: a mean is two measures, the days over the count)


@dataclass(frozen=True)
class Dimension:
    """One dimension of a measure: its name and the labels of its values (a TextChoices'
    choices, or a function of the stored value for open lists such as earmarks)."""

    name: Promise | str
    labels: Mapping[str, Any] | Callable[[str], str] = field(default_factory=dict)

    def label(self, value: str) -> str:
        if callable(self.labels):
            return str(self.labels(value))
        label = self.labels.get(value)
        return str(label) if label is not None else value


@dataclass(frozen=True)
class ChangeFeed:
    """Where to look for changed rows: `queryset()` the source rows, `day` the field of the
    fact's day (a date field, or an expression's alias the queryset annotates), `stamp` a
    field that grows with every insert or update of a row."""

    queryset: Callable[[], QuerySet[Any]]
    day: str
    stamp: str = "updated_at"


@dataclass(frozen=True)
class Grouped:
    """A compute's grouped values() queryset whose columns are renamed into the facts' keys
    (分组结果改名) — a model's own field cannot be an alias, so a flow kept at the receiving
    union names its `counterpart_org_id` "org_id" here. Iterating gives the renamed dicts;
    `reports` writes it by one INSERT … SELECT as a plain queryset."""

    queryset: QuerySet[Any]
    names: Mapping[str, str]  # column → key of the facts

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for row in self.queryset:
            yield {self.names.get(key, key): value for key, value in row.items()}


Compute = Callable[[datetime.date, datetime.date], Iterable[Mapping[str, Any]]]
Rows = Callable[..., QuerySet[Any]]  # (path, own, first, last, d1=None, d2=None)


@dataclass(frozen=True)
class Measure:
    code: str  # "relief.grants_paid": the app's label, a dot, a name
    name: Promise | str  # what people read, a lazy translation
    unit: Unit
    kind: Kind
    compute: Compute
    rows: Rows
    changes: Sequence[ChangeFeed]
    dimensions: tuple[Dimension, ...] = ()
    columns: Sequence[ExportColumn] = ()  # the rows' table and Excel sheet
    order: int = 100  # place on the dashboard
    # A permission (an orgs Perm value, e.g. "funds.view") needed on top of seeing business
    # data to see the figure and its rows; "" for none.
    permission: str = ""
    description: Promise | str = ""

    def __post_init__(self) -> None:
        if len(self.dimensions) > 2:
            raise ValueError(f"measure {self.code}: at most two dimensions")

    @property
    def title(self) -> str:
        return str(self.name)


_measures: dict[str, Measure] = {}


def register(*measures: Measure) -> None:
    """Add an app's measures (AppConfig.ready); a code registered again replaces its measure."""
    for measure in measures:
        _measures[measure.code] = measure


def unregister(code: str) -> None:
    _measures.pop(code, None)


def get(code: str) -> Measure:
    """The registered measure; LookupError for an unknown code."""
    try:
        return _measures[code]
    except KeyError:
        raise LookupError(f"no measure {code!r} is registered") from None


def registered() -> list[Measure]:
    return sorted(_measures.values(), key=lambda measure: (measure.order, measure.code))


# ---- Helpers for the apps' `compute` and `rows` ------------------------------------------


def in_union(path: str, *, own: bool, field: str = "org") -> Q:
    """Rows of the union at `path` (own) or of its whole subtree: `field` is the lookup to the
    row's union. The subtree is the index-friendly range of orgs.queries.within."""
    if own:
        return Q(**{f"{field}__path": path})
    return Q(**{f"{field}__path__gte": path, f"{field}__path__lt": path[:-1] + "0"})


def local_day(field_name: str) -> TruncDate:
    """The local (Asia/Shanghai) day of a datetime column, computed by the database."""
    return TruncDate(field_name, tzinfo=ZoneInfo(settings.TIME_ZONE))


def local_days(field_name: str, first: datetime.date, last: datetime.date) -> Q:
    """The rows whose datetime column falls on the local days [first, last], as a range of
    instants (本地日期的时间范围) an index on the column serves, unlike `local_day`'s
    expression: from the first day's local midnight to the midnight after the last, so
    exactly the rows whose `local_day` is in [first, last]."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.datetime.combine(first, datetime.time.min, zone)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, zone)
    return Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})


def of_dimensions(
    queryset: QuerySet[Any], lookups: Sequence[str], values: Sequence[str | None]
) -> QuerySet[Any]:
    """Keep the rows of the given dimension values (None: any value of that dimension)."""
    for lookup, value in zip(lookups, values, strict=False):
        if value is not None:
            queryset = queryset.filter(**{lookup: value})
    return queryset


def first_in_year(rows: QuerySet[Any], *, person: str, day: str) -> QuerySet[Any]:
    """The rows that are their person's first of the calendar year among `rows` (the same day:
    the lowest id): a DISTINCT_PERSONS measure counts these, so each person counts once a
    year at one union. Filter the days after this, never before."""
    earlier = rows.filter(
        **{person: OuterRef(person), f"{day}__gte": OuterRef("year_start")}
    ).filter(
        Q(**{f"{day}__lt": OuterRef(day)}) | Q(**{day: OuterRef(day), "pk__lt": OuterRef("pk")})
    )
    first: QuerySet[Any] = rows.annotate(year_start=TruncYear(day)).filter(~Exists(earlier))
    return first


# ---- A declarative measure: the facts and rows functions from one description -----------


def _dimension_value(lookup: str) -> Any:
    """A dimension's value as the facts keep it: text ("" for no dimension)."""
    return Cast(lookup, CharField(max_length=64)) if lookup else Value("")


def declared(
    code: str,
    name: Promise | str,
    unit: Unit,
    *,
    source: Callable[[], QuerySet[Any]],
    day: str,
    value: Any,
    fact_value: Any,
    changes: Sequence[ChangeFeed],
    dimensions: Sequence[tuple[str, Dimension]] = (),
    kind: Kind = Kind.ADDITIVE,
    org: str = "org",
    related: Sequence[str] = (),
    columns: Sequence[ExportColumn] = (),
    order: int = 100,
    permission: str = "",
    description: Promise | str = "",
    instant: str = "",
) -> Measure:
    """A measure over one source queryset whose rows each belong to one union: `day` the field
    (or the alias `source` annotates) of a row's day, `value` the aggregate of a day's facts
    (Count("id"), Sum("amount_fen")), `fact_value` what one row adds (Value(1), F(...)),
    `dimensions` pairs of (the lookup of the value, its Dimension). `compute` and `rows`
    follow from these, as every app's hand-written pair does; they agree by construction.
    `instant`: the datetime column whose local day `day` is (`local_day`), so both functions
    narrow by its indexed range (`local_days`) before the day's expression."""
    lookups = tuple(lookup for lookup, _dimension in dimensions)

    def within(first: datetime.date, last: datetime.date) -> QuerySet[Any]:
        found = source()
        if instant:
            found = found.filter(local_days(instant, first, last))
        return found.filter(**{f"{day}__range": (first, last)})

    def compute(first: datetime.date, last: datetime.date) -> Any:
        d1, d2 = (*lookups, "", "")[:2]
        # A name of the row's own field is taken as it is (Django refuses it as an alias).
        plain = [name for name, field in (("org_id", f"{org}_id"), ("day", day)) if name == field]
        named = {name: F(field) for name, field in (("org_id", f"{org}_id"), ("day", day))
                 if name != field}  # fmt: skip
        return (
            within(first, last)
            .values(*plain, d1=_dimension_value(d1), d2=_dimension_value(d2), **named)
            .annotate(value=value)
        )

    def rows(
        path: str,
        own: bool,
        first: datetime.date,
        last: datetime.date,
        d1: str | None = None,
        d2: str | None = None,
    ) -> QuerySet[Any]:
        found = within(first, last).filter(in_union(path, own=own, field=org))
        # Compared as the facts keep them (text), so any value asked for is only a miss.
        found = found.alias(
            **{f"dimension_{n}": _dimension_value(lookup) for n, lookup in enumerate(lookups)}
        )
        found = of_dimensions(found, [f"dimension_{n}" for n in range(len(lookups))], (d1, d2))
        result: QuerySet[Any] = found.select_related(org, *related).annotate(fact_value=fact_value)
        return result

    return Measure(
        code=code, name=name, unit=unit, kind=kind, compute=compute, rows=rows, changes=changes,
        dimensions=tuple(dimension for _lookup, dimension in dimensions), columns=columns,
        order=order, permission=permission, description=description,
    )  # fmt: skip


# ---- Named periods (a campaign's dates) for the reports' period picker ------------------


@dataclass(frozen=True)
class NamedPeriod:
    """A period an app names, e.g. a campaign's: its key ("campaign-<code>"), name, days and
    the path of the union that runs it (shown to that union's subtree and the unions above)."""

    key: str
    name: str
    first: datetime.date
    last: datetime.date
    path: str


PeriodSource = Callable[[], Iterable[NamedPeriod]]
_period_sources: list[PeriodSource] = []


def register_periods(source: PeriodSource) -> None:
    """Add a source of named periods (AppConfig.ready); registering it again is a no-op."""
    if source not in _period_sources:
        _period_sources.append(source)


def named_periods() -> list[NamedPeriod]:
    """Every registered source's periods (reports copies them into its own table)."""
    return [period for source in _period_sources for period in source()]
