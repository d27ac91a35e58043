"""One list helper for every staff list, page and API (issue 25): a sort whitelist, keyset
("seek") pagination and a count that never walks millions of rows.

An app builds its filtered, scoped queryset once (the same function feeds the page, the API
and the 导出 Excel of `core.listexport`), and a `ListSpec` says which orders the list offers.
`ListSpec.page` then reads the request's `sort`, `cursor` (or a shallow `page` number) and
answers one `ListPage`:

- **Keyset pagination.** The order is the sort's fields plus the primary key as tiebreaker;
  the next page starts strictly after the last row's key (`WHERE (k, id) > (…)`, written as
  a range on the first field plus the OR-expansion so both databases seek in the index).
  A row inserted between two loads never shifts or repeats a row. Sort fields must be NOT
  NULL (checked; or kept non-NULL by the list's own filter, `Sort.filtered_non_null`).
  Cursors are opaque, signed for this list (`django.core.signing`); a tampered, foreign or
  stale cursor is a `BadCursor` with a Chinese message: the page shows
  it above the first page, the API answers 400.
- **Page numbers only where cheap**: `?page=N` is an OFFSET while it stays under MAX_OFFSET
  rows; the page number is carried in the cursor for the label.
- **Counts**: exact while below `exact_below` (a COUNT over a LIMITed subquery, so at most
  that many index entries are touched); above, PostgreSQL's planner estimate (EXPLAIN) or,
  on other databases, the cap itself as a lower bound. The page shows 约 / 以上.
- **Branches**: a scope that is an OR no one index serves (a transaction's own union or its
  counterpart in the subtree) is declared with `branched`; the page then reads each
  condition's rows by its own index seek, ordered and limited, merged by UNION ALL (an id
  IN the union, so a row of both is shown once), and the capped count and the export read
  the same union.

The API side is `Seek`, a django-ninja pagination class: `@paginate(Seek, spec=SPEC)`.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import urlencode

from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import connections
from django.db.models import Field as ModelField
from django.db.models import Model, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.sql.where import WhereNode
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from ninja import Field
from ninja.pagination import PaginationBase

from .errors import RuleViolation

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
# Below this many rows the count is exact; the capped COUNT touches at most this many rows.
EXACT_BELOW = 10_000
# `?page=N` (an OFFSET) only while the rows skipped stay this few; deeper, follow cursors.
MAX_OFFSET = 5_000
CURSOR_SALT = "nuanjia.core.lists"
CURSOR_LIMIT = 2000  # characters: a cursor is a handful of keys, never more
LIST_PARAMS = ("cursor", "page", "page_size")

CountKind = Literal["exact", "estimate", "at_least"]


class BadCursor(RuleViolation):
    """The cursor or page asked for cannot be read; the list starts again at its first page."""

    def __init__(self, message: str, field: str = "cursor") -> None:
        super().__init__(message, field=field, code="bad_cursor")


@dataclass(frozen=True)
class Sort:
    """One order a list offers: its fields ("-created_at"); the primary key breaks ties."""

    fields: tuple[str, ...]
    label: Promise | str = ""
    # Nullable fields the list's own filter keeps non-NULL (`next_review_on__lte=…`).
    filtered_non_null: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowCount:
    """How many rows the filters select: exact, the planner's estimate, or at least `value`."""

    value: int
    kind: CountKind = "exact"

    @property
    def is_exact(self) -> bool:
        return self.kind == "exact"


@dataclass(frozen=True)
class Key:
    """One field of the keyset order."""

    path: str  # the ORM lookup path ("name_pinyin", "org__path", "pk")
    descending: bool

    @property
    def order(self) -> str:
        return f"-{self.path}" if self.descending else self.path

    def reversed(self) -> Key:
        return Key(self.path, not self.descending)


@dataclass
class ListPage:
    """One page of a list: its rows, the count and the links to the pages around it."""

    rows: list[Any]
    count: RowCount
    sort: str
    number: int | None = None
    next_cursor: str | None = None
    previous_cursor: str | None = None
    error: str = ""
    query: str = ""  # the list's other parameters (filters, sort), urlencoded
    page_size: int = PAGE_SIZE
    sorts: Sequence[tuple[str, str]] = field(default_factory=tuple)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def object_list(self) -> list[Any]:
        return self.rows

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def _link(self, cursor: str) -> str:
        params = f"{self.query}&" if self.query else ""
        return "?" + params + urlencode({"cursor": cursor})

    @property
    def next_url(self) -> str:
        return self._link(self.next_cursor) if self.next_cursor else ""

    @property
    def previous_url(self) -> str:
        return self._link(self.previous_cursor) if self.previous_cursor else ""


@dataclass(frozen=True)
class ListSpec:
    """A list's name (cursors are signed for it), its sorts (the first is the default) and
    its page size and count threshold."""

    name: str
    sorts: Mapping[str, Sort]
    page_size: int = PAGE_SIZE
    exact_below: int = EXACT_BELOW

    @property
    def default_sort(self) -> str:
        return next(iter(self.sorts))

    def sort_name(self, value: str | None) -> str:
        """The sort asked for when the whitelist has it, else the default."""
        return value if value is not None and value in self.sorts else self.default_sort

    def keys(self, model: type[Model], sort: str) -> list[Key]:
        chosen = self.sorts[self.sort_name(sort)]
        keys = [Key(name.lstrip("-"), name.startswith("-")) for name in chosen.fields]
        for key in keys:
            if _model_field(model, key.path).null and key.path not in chosen.filtered_non_null:
                raise ImproperlyConfigured(f"{self.name}: sort field {key.path} may be NULL")
        if keys and keys[-1].path in ("pk", model._meta.pk.name if model._meta.pk else "pk"):
            return keys  # already unique: the primary key is the order
        last_descending = keys[-1].descending if keys else False
        return [*keys, Key("pk", last_descending)]

    def ordered(self, queryset: QuerySet[Any], sort: str | None = None) -> QuerySet[Any]:
        """The list in its full order (for the export: same rows, same order; a branched
        queryset read as the union of its branches)."""
        keys = self.keys(queryset.model, self.sort_name(sort))
        ordered = queryset.order_by(*(key.order for key in keys))
        return _merged(ordered, None) if list_branches(ordered) else ordered

    def page(self, queryset: QuerySet[Any], params: Mapping[str, Any]) -> ListPage:
        """The page `params` ask for (`sort`, `cursor` or `page`, `page_size`); a bad cursor
        shows its message above the first page instead of failing."""
        try:
            return self.seek(queryset, params)
        except BadCursor as error:
            fresh = {k: v for k, v in params.items() if k not in LIST_PARAMS}
            answer = self.seek(queryset, fresh)
            answer.error = error.message
            return answer

    def seek(self, queryset: QuerySet[Any], params: Mapping[str, Any]) -> ListPage:
        """The page `params` ask for; a bad cursor or too deep a page raises BadCursor."""
        size = _page_size(params.get("page_size"), self.page_size)
        cursor = params.get("cursor") or ""
        if cursor:
            position = self.read_cursor(str(cursor))
            sort = position.sort
        else:
            sort = self.sort_name(params.get("sort"))
            position = _Position(sort, (), "next", _page_number(params.get("page"), size))
        keys = self.keys(queryset.model, sort)
        rows, before, after = _fetch(queryset, keys, position, size)
        answer = ListPage(
            rows=rows,
            count=count_rows(queryset, self.exact_below),
            sort=sort,
            number=position.number,
            query=_other_params(params, sort, self.default_sort),
            page_size=size,
            sorts=[(name, str(item.label)) for name, item in self.sorts.items()],
        )
        if rows and after:
            answer.next_cursor = self.cursor(sort, keys, rows[-1], "next", position.number + 1)
        if rows and before:
            answer.previous_cursor = self.cursor(
                sort, keys, rows[0], "previous", position.number - 1
            )
        return answer

    def cursor(self, sort: str, keys: list[Key], row: Any, way: str, number: int) -> str:
        values = [_plain(_read(row, key.path)) for key in keys]
        payload = {"s": sort, "k": values, "w": way[0], "n": max(number, 1)}
        return signing.dumps(payload, salt=f"{CURSOR_SALT}:{self.name}", compress=True)

    def read_cursor(self, text: str) -> _Position:
        stale = _("This page link is no longer valid; the list starts again at its first page.")
        if len(text) > CURSOR_LIMIT:
            raise BadCursor(stale)
        try:
            payload = signing.loads(text, salt=f"{CURSOR_SALT}:{self.name}")
            sort, values, way, number = payload["s"], payload["k"], payload["w"], payload["n"]
        except (signing.BadSignature, KeyError, TypeError, ValueError, json.JSONDecodeError):
            raise BadCursor(stale) from None
        if sort not in self.sorts or way not in ("n", "p") or not isinstance(values, list):
            raise BadCursor(stale)
        if not isinstance(number, int) or number < 1:
            raise BadCursor(stale)
        return _Position(sort, tuple(values), "next" if way == "n" else "previous", number)


@dataclass(frozen=True)
class _Position:
    sort: str
    values: tuple[Any, ...]  # the key of the row the page starts after (or ends before)
    way: Literal["next", "previous"]
    number: int


def _page_size(value: Any, default: int) -> int:
    try:
        size = int(value) if value not in (None, "") else default
    except (TypeError, ValueError):
        return default
    return min(max(size, 1), MAX_PAGE_SIZE)


def _page_number(value: Any, size: int) -> int:
    if value in (None, ""):
        return 1
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise BadCursor(_("The page number must be a whole number."), field="page") from None
    if number < 1:
        raise BadCursor(_("The page number must be a whole number."), field="page")
    if (number - 1) * size > MAX_OFFSET:
        raise BadCursor(
            _("Pages this deep are reached with 'Next page'; or narrow the filters."),
            field="page",
        )
    return number


def _other_params(params: Mapping[str, Any], sort: str, default_sort: str) -> str:
    """The list's other parameters for its links: filters kept, the cursor and page dropped."""
    kept: list[tuple[str, str]] = []
    getlist = getattr(params, "getlist", None)
    for name in params:
        if name in LIST_PARAMS or name == "sort":
            continue
        values = getlist(name) if getlist else [params[name]]
        kept.extend((name, str(value)) for value in values if value not in (None, ""))
    if sort != default_sort:
        kept.append(("sort", sort))
    return urlencode(kept)


def _model_field(model: type[Model], path: str) -> ModelField[Any, Any]:
    """The model field at the end of a lookup path ("org__path")."""
    current: type[Model] = model
    names = path.split("__")
    for index, name in enumerate(names):
        try:
            found = current._meta.pk if name == "pk" else current._meta.get_field(name)
        except FieldDoesNotExist as error:
            raise ImproperlyConfigured(f"{model.__name__}: no sort field {path}") from error
        assert isinstance(found, ModelField)
        if index < len(names) - 1:
            related = found.related_model
            if not isinstance(related, type):
                raise ImproperlyConfigured(f"{model.__name__}: {path} is not a relation")
            current = related
        else:
            return found
    raise ImproperlyConfigured(f"{model.__name__}: empty sort field")


def _read(row: Any, path: str) -> Any:
    if isinstance(row, dict):
        return row[path]
    for name in path.split("__"):
        row = getattr(row, name)
    return row


def _plain(value: Any) -> Any:
    """A key value as JSON keeps it (read back with the model field's `to_python`)."""
    if isinstance(value, datetime.date | datetime.time | datetime.timedelta):
        return value.isoformat() if not isinstance(value, datetime.timedelta) else str(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


def _typed(model: type[Model], keys: list[Key], values: Sequence[Any]) -> list[Any]:
    stale = _("This page link is no longer valid; the list starts again at its first page.")
    if len(values) != len(keys):
        raise BadCursor(stale)
    try:
        return [
            _model_field(model, key.path).to_python(value)
            for key, value in zip(keys, values, strict=True)
        ]
    except Exception:  # a forged value the field cannot read (ValidationError and kin)
        raise BadCursor(stale) from None


def after(keys: list[Key], values: Sequence[Any]) -> Q:
    """Rows strictly after `values` in the order of `keys`: a range on the first field (the
    index seek) and the OR-expansion of the row comparison (the exact boundary)."""
    first = keys[0]
    condition = Q(**{f"{first.path}__{'lte' if first.descending else 'gte'}": values[0]})
    expansion = Q(pk__in=[])
    equal = Q()
    for key, value in zip(keys, values, strict=True):
        step = Q(**{f"{key.path}__{'lt' if key.descending else 'gt'}": value})
        expansion |= equal & step
        equal &= Q(**{key.path: value})
    return condition & expansion


def _fetch(
    queryset: QuerySet[Any], keys: list[Key], position: _Position, size: int
) -> tuple[list[Any], bool, bool]:
    """The page's rows in list order, whether rows come before them and whether after."""
    if position.way == "previous":
        order = [key.reversed() for key in keys]
        rows = _slice(queryset, order, position, size)
        more = len(rows) > size
        return list(reversed(rows[:size])), more, True
    rows = _slice(queryset, keys, position, size)
    started = bool(position.values) or position.number > 1
    return rows[:size], started, len(rows) > size


def _slice(queryset: QuerySet[Any], keys: list[Key], position: _Position, size: int) -> list[Any]:
    values = _typed(queryset.model, keys, position.values) if position.values else []
    offset = 0 if values else (position.number - 1) * size
    return list(seek_query(queryset, keys, values, offset, size + 1))


def seek_query(
    queryset: QuerySet[Any], keys: list[Key], values: Sequence[Any], offset: int, limit: int
) -> QuerySet[Any]:
    """The query of one page: `limit` rows from `offset` in the order of `keys`, after the
    row whose key is `values` (none: from the start). A branched queryset reads each branch
    by its own seek (`branched`)."""
    ordered = queryset.order_by(*(key.order for key in keys))
    if values:
        ordered = ordered.filter(after(keys, values))
    if list_branches(ordered):
        ordered = _merged(ordered, offset + limit)
    return ordered[offset : offset + limit]


# ---- Branches: an OR scope read as a UNION ALL of index seeks ------------------------------

BRANCHES = "nuanjia.core.lists.branches"  # the queryset's hint (kept by every clone)


def branched(queryset: QuerySet[Any], *conditions: Q, either: Q | None = None) -> QuerySet[Any]:
    """The rows of `queryset` meeting any of `conditions`, marked so that list pages read
    each condition by its own index seek. The OR is applied here as for any queryset
    (counts, single rows, iteration see exactly these rows); the list helper adds each
    condition once more to its branch (a subset of the same rows). The mark is a hint, which
    every `filter`, `order_by`… clone carries on, so the app's later filters apply to every
    branch. `either`, when given, is the OR as the queryset applies it: the same rows as
    the conditions' OR, written the way the database reads best outside a list page."""
    if either is None:
        either = Q()
        for condition in conditions:
            either |= condition
    marked = queryset.filter(either)
    marked._hints = {**marked._hints, BRANCHES: tuple(conditions)}  # type: ignore[attr-defined]
    return marked


def list_branches(queryset: QuerySet[Any]) -> tuple[Q, ...]:
    return tuple(queryset._hints.get(BRANCHES, ()))  # type: ignore[attr-defined]


def _unmarked(queryset: QuerySet[Any]) -> QuerySet[Any]:
    plain = queryset.all()
    hints = plain._hints.items()  # type: ignore[attr-defined]
    plain._hints = {name: hint for name, hint in hints if name != BRANCHES}  # type: ignore[attr-defined]
    return plain


def _branch_sql(queryset: QuerySet[Any], limit: int | None, *, ordered: bool) -> list[Any]:
    """Each branch's ids (in the list's order and LIMITed when `limit`): (sql, params)."""
    plain = _unmarked(queryset)
    parts = []
    for condition in list_branches(queryset):
        ids = plain.filter(condition).values("pk")
        ids = ids if ordered else ids.order_by()
        if limit is not None:
            ids = ids[:limit]
        parts.append(ids.query.get_compiler(using=queryset.db).as_sql())
    return parts


def _union(parts: list[Any], combinator: str = "UNION ALL") -> tuple[str, list[Any]]:
    sql = f" {combinator} ".join(
        # each part compiled by Django from the list's queryset, its values as parameters
        f"SELECT * FROM ({part}) AS branch{n}"  # noqa: S608
        for n, (part, _params) in enumerate(parts)
    )
    return sql, [param for _part, params in parts for param in params]


def _merged(ordered: QuerySet[Any], limit: int | None) -> QuerySet[Any]:
    """`ordered`'s rows as those whose id is IN the UNION ALL of each branch's first `limit`
    ids in the list's order (every branch: None): the first `limit` rows of the OR are
    among them, and a row two branches hold is one row of the IN. Every branch applied all
    of `ordered`'s conditions, so the outer query keeps only its order, joins and columns:
    with its OR repeated, PostgreSQL read the whole table to meet the IN's few ids."""
    sql, params = _union(_branch_sql(ordered, limit, ordered=limit is not None))
    pk = ordered.model._meta.pk
    assert pk is not None
    outer = _unmarked(ordered)
    outer.query.where = WhereNode()
    return outer.filter(pk__in=RawSQL(sql, params, output_field=pk))  # noqa: S611


COUNTED_BY = "nuanjia.core.lists.counted_by"


def counted_by(queryset: QuerySet[Any], condition: Q) -> QuerySet[Any]:
    """`queryset`, whose rows all meet `condition` too (an index range the page does not
    use, walking the list's order instead): the capped count adds it to seek that range."""
    marked = queryset.all()
    marked._hints = {**marked._hints, COUNTED_BY: condition}  # type: ignore[attr-defined]
    return marked


def _capped_count(queryset: QuerySet[Any], cap: int) -> int:
    """How many rows, counting at most `cap` (more: cap + 1); a branched queryset counts the
    UNION (duplicates removed) of each branch's first cap + 1 ids, each by its index."""
    if (condition := queryset._hints.get(COUNTED_BY)) is not None:  # type: ignore[attr-defined]
        queryset = queryset.filter(condition)
    if not list_branches(queryset):
        return queryset.order_by()[:cap].count()
    sql, params = _union(_branch_sql(queryset, cap, ordered=False), "UNION")
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) AS ids", params)  # noqa: S608
        return min(int(cursor.fetchone()[0]), cap)


def count_rows(queryset: QuerySet[Any], exact_below: int = EXACT_BELOW) -> RowCount:
    """Exact below the threshold (COUNT over a LIMITed subquery), else an estimate."""
    capped = _capped_count(queryset, exact_below + 1)
    if capped <= exact_below:
        return RowCount(capped, "exact")
    estimate = planner_estimate(queryset)
    if estimate is not None and estimate > exact_below:
        return RowCount(estimate, "estimate")
    return RowCount(exact_below, "at_least")


def planner_estimate(queryset: QuerySet[Any]) -> int | None:
    """PostgreSQL's estimate of the rows the query selects (EXPLAIN, nothing read); None on
    databases without one."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


# ---- API ----------------------------------------------------------------------------------


class Seek(PaginationBase):
    """django-ninja pagination by the list helper: `?sort=&cursor=` (or `?page=N` while
    shallow) and `page_size`; the answer carries the count, its kind and the cursors."""

    class SeekInput(PaginationBase.Input):
        sort: str = Field("", max_length=40, description="One of the list's sorts; blank: default")
        cursor: str = Field(
            "", max_length=CURSOR_LIMIT, description="`next` or `previous` of an earlier answer"
        )
        page: int | None = Field(None, ge=1, le=1_000_000, description="Shallow pages only")
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)

    class SeekOutput(PaginationBase.Output):
        items: list[Any]
        count: int
        count_kind: str = Field(description="exact, estimate (PostgreSQL's planner) or at_least")
        next: str | None = None
        previous: str | None = None
        page: int | None = None

    # Named apart from core.pagination's (one schema name, one class: tests/test_openapi_names).
    Input = SeekInput  # type: ignore[assignment]  # nested classes: a subclass of Input
    Output = SeekOutput  # type: ignore[assignment]  # a subclass of Output

    def __init__(self, *, spec: ListSpec, **kwargs: Any) -> None:
        self.spec = spec
        super().__init__(**kwargs)

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        if pagination.sort and pagination.sort not in self.spec.sorts:
            choices = "、".join(self.spec.sorts)
            raise RuleViolation(
                _("Sort by one of: %(choices)s.") % {"choices": choices}, field="sort"
            )
        asked = {
            "sort": pagination.sort,
            "cursor": pagination.cursor,
            "page": pagination.page,
            "page_size": pagination.page_size,
        }
        page = self.spec.seek(queryset, asked)
        return {
            "items": page.rows,
            "count": page.count.value,
            "count_kind": page.count.kind,
            "next": page.next_cursor,
            "previous": page.previous_cursor,
            "page": page.number,
        }
