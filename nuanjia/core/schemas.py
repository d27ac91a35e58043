"""API schemas shared by the apps whose records keep a step-by-step history (hardship
files, grants, hotline tickets): one name each in the OpenAPI document."""

import datetime
from dataclasses import dataclass
from typing import Annotated, Any, Literal, overload

from django.db import models
from ninja import Field, Schema
from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import core_schema


class EventOut(Schema):
    """One step of a record's history: what was done, between which states, by whom, when."""

    action: str
    from_status: str
    to_status: str
    note: str
    changes: dict[str, Any]
    by: str = Field(alias="by_label")
    at: datetime.datetime


class NoteIn(Schema):
    """The note given with a step (a reason, a remark); empty when the step needs none."""

    note: str = ""


class ErrorDetail(Schema):
    field: str | None
    detail: str


class ErrorOut(Schema):
    """Every API error: a machine code, a Chinese message, the field at fault (if any)."""

    code: str
    message: str
    field: str | None = None
    details: list[ErrorDetail] | None = None


@dataclass(frozen=True)
class OneOf:
    """`Annotated[str, OneOf(SomeChoices)]`: one of the choices' values, enumerated in place in
    the OpenAPI document. A TextChoices class used as a type becomes a component named after the
    class, and two apps' "Status" or "Kind" collide as one component with the wrong values."""

    choices: type[models.TextChoices]

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> core_schema.CoreSchema:
        return core_schema.literal_schema([str(value) for value in self.choices.values])


def _date_as_text(value: Any) -> Any:
    """A date in a body is an ISO string, as the document says: 0 is not 1970-01-01."""
    if value is None or isinstance(value, str | datetime.date):
        return value
    raise ValueError("a date is written as a string, YYYY-MM-DD")


# An optional date in a request body, described as one JSON type so clients (and the scoping
# walker) read the default straight from the schema.
OptionalDate = Annotated[
    datetime.date | None,
    BeforeValidator(_date_as_text),
    WithJsonSchema({"type": ["string", "null"], "format": "date", "default": None}),
]


@overload
def parse_day(text: str | None, field: str, *, required: Literal[True] = True) -> datetime.date: ...
@overload
def parse_day(text: str | None, field: str, *, required: bool) -> datetime.date | None: ...
def parse_day(text: str | None, field: str, *, required: bool = True) -> datetime.date | None:
    """A date given in a body as a string (YYYY-MM-DD): a bad one is refused naming the field,
    like every other rule, rather than by the schema (a body's dates are strings)."""
    from django.utils.translation import gettext as _

    from .errors import RuleViolation

    if not text:
        if required:
            raise RuleViolation(_("Give the date."), field=field)
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise RuleViolation(_("Give the date as YYYY-MM-DD."), field=field) from None
