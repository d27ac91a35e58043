"""Writes built before a lock and run inside it.

Django spends most of a small INSERT's time building the statement (the SQL text, pre_save
and database preparation of each value), and little running it. Where writers queue on one
lock (the 12351 day counter, the audit chain head), `PreparedInsert` builds the statement
before the lock and, inside it, only fills in the few values known there (a number, a
parent's id, a hash) and runs it. The SQL text comes from Django's own insert compiler,
once per model and database; the values from each field's `pre_save` and
`get_db_prep_save`, as `save()` does. The row written is exactly the one
`obj.save(force_insert=True)` would write; no signals are sent (none of our models listen to
their own saves).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db import models as m
from django.db.models import Field, Model
from django.db.models.base import ModelState
from django.db.models.sql import InsertQuery


@dataclass(frozen=True)
class _Statement:
    sql: str
    fields: tuple[Field[Any, Any], ...]
    returning_fields: tuple[Field[Any, Any], ...]
    returning_params: tuple[Any, ...]
    plain: tuple[dict[type, Step], ...]  # per field, the value types it writes without pre_save
    position: dict[str, tuple[int, Field[Any, Any]]]  # by name and attname: (index, field)


# Field classes whose `pre_save` reads the attribute, and for each exact type of value the
# step that gives what their `get_db_prep_save` gives: None (written as it is) or a function
# of the backend's operations and the value (`_MISSING` from it: take the field's own path).
# A str subclass, such as a TextChoices member, still takes the field's own path: checked by
# class, not isinstance, as a subclass may convert (a bool is not an int: IntegerField
# writes True as 1; a datetime is not a date: DateField keeps its day).
_MISSING = object()
Step = Callable[[Any, Any], Any] | None
_AS_IS: dict[type, Step] = {type(None): None}
_TEXT: dict[type, Step] = {str: None, type(None): None}
_AUTO = (m.AutoField, m.BigAutoField, m.SmallAutoField)
_INTEGERS = (m.SmallIntegerField, m.IntegerField, m.BigIntegerField, m.PositiveSmallIntegerField,
             m.PositiveIntegerField, m.PositiveBigIntegerField)  # fmt: skip


def _aware(ops: Any, value: datetime.datetime) -> Any:
    """An aware datetime as the backend takes it; a naive one takes the field's path (made
    aware with a warning)."""
    return ops.adapt_datetimefield_value(value) if value.utcoffset() is not None else _MISSING


def _plain(field: Field[Any, Any]) -> dict[type, Step]:
    """The value types `field` writes without its pre_save and preparation, with the step
    each takes (see above). A foreign key writes None as it is and an int as its target."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return {}
    kind = type(field)
    if kind in (m.ForeignKey, m.OneToOneField):
        target = _plain(field.target_field)  # type: ignore[attr-defined]
        return _AS_IS | ({int: target[int]} if int in target else {})
    if kind in (m.CharField, m.TextField):
        return _TEXT
    if kind is m.BooleanField:
        return {bool: None, type(None): None}
    if kind in _AUTO:  # int(value), checked by validate_autopk_value, not adapted
        return {int: lambda ops, value: ops.validate_autopk_value(value), type(None): None}
    if kind in _INTEGERS:  # int(value), adapted (PostgreSQL: psycopg's Int2/Int4/Int8)
        internal = field.get_internal_type()
        return _AS_IS | {int: lambda ops, value: ops.adapt_integerfield_value(value, internal)}
    if kind is m.DateField:
        return _AS_IS | {datetime.date: lambda ops, value: ops.adapt_datefield_value(value)}
    if kind is m.DateTimeField:
        return _AS_IS | {datetime.datetime: _aware}
    return {}


_statements: dict[tuple[type[Model], str, bool], _Statement] = {}


def _pk_set(obj: Model) -> bool:
    """Model._is_pk_set(), as save() asks it (private Django 5.2 API the stubs lack)."""
    return bool(obj._is_pk_set())  # type: ignore[attr-defined]  # missing from django-stubs 5.2


def _insert_fields(obj: Model) -> tuple[Field[Any, Any], ...]:
    """The columns `save()` inserts (Model._save_table): all but generated ones, and the
    auto primary key only when it is set."""
    meta = obj._meta
    pk_set = _pk_set(obj)
    return tuple(
        field
        for field in meta.local_concrete_fields
        if not field.generated and (pk_set or field is not meta.auto_field)
    )


def _statement(obj: Model, using: str) -> _Statement:
    key = (type(obj), using, _pk_set(obj))
    if key not in _statements:
        fields = _insert_fields(obj)
        query = InsertQuery(type(obj))
        query.insert_values(fields, [obj])
        compiler = query.get_compiler(using=using)
        compiler.returning_fields = list(obj._meta.db_returning_fields)
        [(sql, params)] = compiler.as_sql()
        returning_params = tuple(getattr(compiler, "returning_params", ()))
        if len(params) != len(fields) + len(returning_params):
            raise ValueError(f"{obj._meta.label}: a field is not a plain parameter")
        _statements[key] = _Statement(
            sql,
            fields,
            tuple(compiler.returning_fields),
            returning_params,
            tuple(_plain(field) for field in fields),
            {name: (index, field) for index, field in enumerate(fields)
             for name in (field.name, field.attname)},
        )  # fmt: skip
    return _statements[key]


M = TypeVar("M", bound=Model)


class PreparedInsert(Generic[M]):
    """The INSERT of one unsaved instance, prepared now, run later by `execute(**late)`.

    `late` names fields (by name or attname) whose values are only known at execution: they
    are set on the instance and replace their parameter. Every other value is the one the
    instance had when prepared.
    """

    def __init__(self, obj: M, *, using: str = DEFAULT_DB_ALIAS) -> None:
        self.obj = obj
        self.using = using
        self.connection = connections[using]
        self.statement = _statement(obj, using)
        self.params = self._values(obj)
        self.params.extend(self.statement.returning_params)
        self.position = self.statement.position
        self.returned: tuple[Any, ...] = ()  # the row the last execute returned

    def _values(self, obj: M) -> list[Any]:
        """The row's parameters, as `save()` prepares them; the values of plain fields (a
        text in a CharField…) go as they are, which is what their preparation returns."""
        values = []
        label = obj._meta.label
        ops = self.connection.ops
        for field, plain in zip(self.statement.fields, self.statement.plain, strict=True):
            value = obj.__dict__.get(field.attname, _MISSING) if plain else _MISSING
            step: Any = plain.get(type(value), _MISSING)
            if step is not _MISSING:
                value = value if step is None else step(ops, value)
            if value is _MISSING or step is _MISSING:
                value = field.pre_save(obj, add=True)
                if hasattr(value, "resolve_expression"):
                    raise ValueError(f"{label}.{field.name}: an expression; save() it")
                value = field.get_db_prep_save(value, connection=self.connection)
            values.append(value)
        return values

    def statement_and_params(self, **late: Any) -> tuple[str, list[Any]]:
        """The INSERT and its parameters with the `late` values, for a caller that runs it
        inside a statement of its own (a PostgreSQL `WITH r AS (…)`) and then `mark_saved()`."""
        params = list(self.params)
        for name, value in late.items():
            index, field = self.position[name]
            setattr(self.obj, field.attname, value)
            params[index] = field.get_db_prep_save(value, connection=self.connection)
        return self.statement.sql, params

    def mark_saved(self) -> M:
        """The instance as `save()` leaves it, once the caller's statement has inserted it."""
        self.obj._state.adding = False
        self.obj._state.db = self.using
        return self.obj

    def execute(self, **late: Any) -> M:
        """Run the INSERT with the `late` values; set the returned primary key on the instance."""
        return self.execute_within("{insert}", [], **late)

    def execute_within(self, template: str, extra: list[Any], **late: Any) -> M:
        """Run the INSERT inside a statement of the caller's (`template` with `{insert}` where
        the INSERT goes, e.g. a PostgreSQL `WITH e AS ({insert}) UPDATE … RETURNING (SELECT id
        FROM e)` that saves a round trip), its parameters followed by `extra`."""
        sql, params = self.statement_and_params(**late)
        connection, statement = self.connection, self.statement
        with hot_cursor(self.using) as cursor:
            cursor.execute(template.replace("{insert}", sql), params + extra)
            row: tuple[Any, ...]
            if not statement.returning_fields:
                row = ()
            elif connection.features.can_return_columns_from_insert:
                row = connection.ops.fetch_returned_insert_columns(
                    cursor, statement.returning_params
                )
            else:
                meta = self.obj._meta
                row = (connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column),)
        self.returned = row
        for value, field in zip(row, statement.returning_fields, strict=False):
            setattr(self.obj, field.attname, value)
        return self.mark_saved()


# ---- Instances ---------------------------------------------------------------------------


_blanks: dict[type[Model], tuple[dict[str, Any], tuple[Field[Any, Any], ...]]] = {}


def _blank(model: type[Model]) -> tuple[dict[str, Any], tuple[Field[Any, Any], ...]]:
    """A model's field values when none is given, as `Model()` sets them: the constant ones
    kept once, the fields whose default is a callable (a fresh dict…) to call each time."""
    if model not in _blanks:
        constant, called = {}, []
        for field in model._meta.concrete_fields:
            if field.has_default() and callable(field.default):
                called.append(field)
            else:
                constant[field.attname] = field.get_default()
        _blanks[model] = (constant, tuple(called))
    return _blanks[model]


def unsaved(model: type[M], values: dict[str, Any]) -> M:
    """`model(**values)` for a fast path that reads its rows by hand (`values` keyed by
    attname: `org_id`, not `org`): the same unsaved instance, its other fields at their
    defaults, without `Model.__init__`'s walk over every field (a tenth of a millisecond
    for a model of twenty fields). No pre_init/post_init signal is sent (none of our models
    has a receiver; a model with one must not come here)."""
    constant, called = _blank(model)
    obj = model.__new__(model)
    state = obj.__dict__
    state["_state"] = ModelState()
    state.update(constant)
    for field in called:
        if field.attname not in values:
            state[field.attname] = field.get_default()
    state.update(values)
    return obj


# ---- Reads ------------------------------------------------------------------------------


class ModelColumns(Generic[M]):
    """One model's columns in a hand-written SELECT, read back as the ORM reads them.

    A hot read that joins a few tables in one statement (a token's device with its user and
    partner) writes its SQL once with `select(alias)` and builds each instance with
    `build(row, start)`: the values pass through the backend's and the fields' converters,
    as the query compiler applies them (SQLite's dates and booleans, JSON, decimals), then
    `Model.from_db`. No SQL is compiled per call."""

    def __init__(
        self, model: type[M], alias: str, *, fields: tuple[str, ...] = (),
        using: str = DEFAULT_DB_ALIAS,
    ) -> None:  # fmt: skip
        """`fields` (names) reads only those columns (`convert` them; `build` needs all)."""
        self.model = model
        self.alias = alias
        self.using = using
        meta = model._meta
        self.fields: tuple[Field[Any, Any], ...] = (
            tuple(meta.get_field(name) for name in fields)  # type: ignore[misc]
            if fields
            else tuple(meta.concrete_fields)
        )
        self.names = [field.attname for field in self.fields]
        self._converters: list[tuple[int, list[Any], Any]] | None = None

    @property
    def width(self) -> int:
        return len(self.fields)

    def select(self) -> str:
        """`alias."column", …` of every concrete field, in the model's order."""
        quote = connections[self.using].ops.quote_name
        return ", ".join(f"{self.alias}.{quote(str(field.column))}" for field in self.fields)

    def converters(self) -> list[tuple[int, list[Any], Any]]:
        if self._converters is None:
            connection = connections[self.using]
            found = []
            for index, field in enumerate(self.fields):
                column = field.get_col(self.alias)
                chain = connection.ops.get_db_converters(column) + column.get_db_converters(
                    connection
                )
                if chain:
                    found.append((index, chain, column))
            self._converters = found
        return self._converters

    def convert(self, row: tuple[Any, ...] | list[Any], start: int = 0) -> list[Any]:
        """The values of the columns starting at `row[start]`, converted."""
        values = list(row[start : start + self.width])
        connection = connections[self.using]
        for index, chain, column in self.converters():
            value = values[index]
            for converter in chain:
                value = converter(value, column, connection)
            values[index] = value
        return values

    def build(self, row: tuple[Any, ...] | list[Any], start: int = 0) -> M:
        """The instance whose columns start at `row[start]`."""
        return self.model.from_db(self.using, self.names, self.convert(row, start))


# ---- Statements the server keeps parsed and planned -------------------------------------------


def hot_cursor(using: str = DEFAULT_DB_ALIAS) -> Any:
    """A cursor for a fast path's few statements, run thousands of times a minute with the
    same text: on PostgreSQL each is prepared on the server the first time a connection runs
    it (parameters bound server-side, parsed and planned once per connection), where Django's
    cursors send each statement as new text. Elsewhere, and with
    `NUANJIA_DB_PREPARED_STATEMENTS` off (a pooler that cannot keep them), Django's cursor.

    Django's wrapper is kept, so query logging and counting see these statements as any other.
    A statement for it is written with `%s` placeholders only (no literal `%`)."""
    from django.conf import settings

    connection = connections[using]
    if connection.vendor != "postgresql" or not getattr(
        settings, "NUANJIA_DB_PREPARED_STATEMENTS", True
    ):
        return connection.cursor()
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        # Django turns preparing off (None) for every statement; our cursor prepares its own
        # (`prepare=True`), and a threshold no other statement reaches keeps the rest as before.
        connection.connection.prepare_threshold = _NEVER
    cursor_class, debug_wrapper = _prepared_classes()
    raw = cursor_class(connection.connection)
    if connection.queries_logged:
        return debug_wrapper(raw, connection)
    return connection.make_cursor(raw)


_NEVER = 2**31 - 1
_CLASSES: list[tuple[type, type]] = []
_NUMBERED: dict[str, str] = {}


def _numbered(sql: str) -> str:
    """`sql` with its `%s` placeholders as PostgreSQL's `$1`, `$2`…, remembered by text (the
    fast paths run a few statements, each with the same text every time)."""
    found = _NUMBERED.get(sql)
    if found is None:
        parts = sql.split("%s")
        found = parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], 1))
        if len(_NUMBERED) > 1000:  # not a fast path's: a caller building texts as it goes
            _NUMBERED.clear()
        _NUMBERED[sql] = found
    return found


def _prepared_classes() -> tuple[type, type]:
    """psycopg's server-binding cursor (as Django's own, with its mixin) preparing every
    statement, and Django's debug wrapper logging such a statement's text (Django reads it
    back from the cursor, where a prepared statement leaves none)."""
    if not _CLASSES:
        from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]
            CursorDebugWrapper,
            CursorMixin,
        )
        from django.db.backends.utils import CursorWrapper
        from psycopg import RawCursor

        class PreparingCursor(CursorMixin, RawCursor):  # type: ignore[misc]
            """Takes the statement with `$n` placeholders (converted once per text here):
            psycopg's own conversion of `%s` is cached only for short statements with few
            parameters, and the fast paths' INSERTs inside one WITH are neither."""

            def execute(self, query: Any, params: Any = None, **options: Any) -> Any:
                if params is not None:
                    query = _numbered(query)
                return super().execute(query, params, prepare=True, **options)

        class PreparedDebugWrapper(CursorDebugWrapper):
            def execute(self, sql: Any, params: Any = None) -> Any:
                with self.debug_sql(sql, params, use_last_executed_query=False):
                    return CursorWrapper.execute(self, sql, params)

        _CLASSES.append((PreparingCursor, PreparedDebugWrapper))
    return _CLASSES[0]
