"""The facts hardship adds to people's eligibility catalogue: the family's hardship category
and the state of its file, both read from the household's live file (at most one per
household, 一户一档; rejected and withdrawn applications are not live)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy

from nuanjia.people.eligibility import Context, Fact, Op, ValueKind, register_fact

from . import rules
from .models import HardshipFile


def _live_file(op: Op, **lookup: Any) -> Q:
    """Whether the worker's household has a live file matching `lookup` (in), or has none
    (not_in: no file at all, or one in another state)."""
    files = HardshipFile.objects.filter(
        household__worker_id=OuterRef("pk"), status__in=sorted(rules.LIVE_STATUSES)
    ).filter(**lookup)
    condition = Q(Exists(files))
    return ~condition if op == Op.NOT_IN else condition


def _category(op: Op, value: Any, context: Context) -> Q:
    return _live_file(op, category__in=list(value))


def _status(op: Op, value: Any, context: Context) -> Q:
    return _live_file(op, status__in=list(value))


def _category_choices() -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in rules.Category.choices if value]


def _status_choices() -> list[tuple[str, str]]:
    return [
        (str(value), str(label))
        for value, label in rules.Status.choices
        if value in rules.LIVE_STATUSES
    ]


HARDSHIP_FACTS = (
    Fact(
        "hardship_category",
        gettext_lazy("Hardship category"),
        (Op.IN, Op.NOT_IN),
        ValueKind.CHOICE,
        _category,
        choices=_category_choices,
        app="hardship",
    ),
    Fact(
        "hardship_file_status",
        gettext_lazy("Hardship file"),
        (Op.IN, Op.NOT_IN),
        ValueKind.CHOICE,
        _status,
        choices=_status_choices,
        app="hardship",
        help_text=gettext_lazy("Gradual exit and exited (watched) files count as files."),
    ),
)


def register_hardship_facts() -> None:
    for fact in HARDSHIP_FACTS:
        register_fact(fact)
