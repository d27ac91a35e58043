"""API schemas shared by the apps whose records keep a step-by-step history (hardship
files, grants, hotline tickets): one name each in the OpenAPI document."""

import datetime
from typing import Any

from ninja import Field, Schema


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
