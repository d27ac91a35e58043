"""The catalogue of facts a rule may ask about, and the registry apps fill.

A fact is whitelisted code: its key and operators are looked up in a dict, its value is
checked against its kind (values.py) and reaches SQL only as a bound parameter of the ORM
expression its `compile` builds. People registers its facts in PeopleConfig.ready(); a
higher app (hardship, campaigns) registers its own in its ready(), so people imports none
of them.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Op(StrEnum):
    """The operators a fact may offer; each takes a value of one shape (values.py)."""

    IS = "is"  # one value
    IN = "in"  # any of a list
    NOT_IN = "not_in"  # none of a list
    GTE = "gte"  # at least
    LTE = "lte"  # at most
    BETWEEN = "between"  # [low, high], both included
    YES = "yes"  # the fact holds (no value)
    NO = "no"  # the fact does not hold (no value)
    WITHIN = "within"  # in the subtree (org code) or region (region code)


OP_LABELS: dict[Op, Promise] = {
    Op.IS: _("is"),
    Op.IN: _("is any of"),
    Op.NOT_IN: _("is none of"),
    Op.GTE: _("at least"),
    Op.LTE: _("at most"),
    Op.BETWEEN: _("between"),
    Op.YES: _("yes"),
    Op.NO: _("no"),
    Op.WITHIN: _("within"),
}
LIST_OPS = frozenset({Op.IN, Op.NOT_IN})
NO_VALUE_OPS = frozenset({Op.YES, Op.NO})


class ValueKind(StrEnum):
    """What a fact's value is, for checking it and for the rule builder's input."""

    CHOICE = "choice"  # one of `choices()` (a string key)
    INT = "int"  # a whole number within [minimum, maximum]
    DATE = "date"  # "YYYY-MM-DD"
    ORG = "org"  # a union's code (orgs.Org.code)
    REGION = "region"  # a six-digit GB/T 2260 region code
    CREDIT_CODE = "credit_code"  # a 统一社会信用代码 (GB 32100)
    BOOL = "bool"  # no value: the fact holds or not (ops yes / no)


@dataclass(frozen=True)
class Context:
    """What a rule is evaluated against: the day (ages, periods) and, for facts that ask
    about a campaign or activity ("helped in this campaign already"), which one."""

    on: datetime.date
    campaign_id: int | None = None
    activity_id: int | None = None


# compile(op, value, context) -> Q on people.Worker. The value is already checked and
# normalized by the fact's kind (values.py): a list for in/not_in, [low, high] for between.
Compiler = Callable[[Op, Any, Context], Q]
Choices = Callable[[], Sequence[tuple[str, str]]]

KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")


@dataclass(frozen=True)
class Fact:
    """One registry fact a rule may test. `choices` lists (value, label) for CHOICE facts
    (and for the builder's select); `minimum`/`maximum` bound INT values."""

    key: str
    label: str | Promise
    ops: tuple[Op, ...]
    kind: ValueKind
    compile: Compiler
    choices: Choices | None = None
    minimum: int | None = None
    maximum: int | None = None
    unit: str | Promise = ""  # shown after a number: 岁, 年
    app: str = "people"  # which app registered it (the API groups by it)
    help_text: str | Promise = field(default="")

    def __post_init__(self) -> None:
        if not KEY.fullmatch(self.key):
            raise ImproperlyConfigured(f"eligibility fact key {self.key!r} is not a plain name")
        if not self.ops or any(not isinstance(op, Op) for op in self.ops):
            raise ImproperlyConfigured(f"eligibility fact {self.key!r}: ops must be Op members")
        if self.kind == ValueKind.CHOICE and self.choices is None:
            raise ImproperlyConfigured(
                f"eligibility fact {self.key!r}: a choice fact needs choices"
            )
        if (self.kind == ValueKind.BOOL) != (set(self.ops) <= NO_VALUE_OPS):
            raise ImproperlyConfigured(f"eligibility fact {self.key!r}: yes/no go with BOOL only")

    def choice_labels(self) -> dict[str, str]:
        return {value: str(label) for value, label in (self.choices() if self.choices else [])}


_FACTS: dict[str, Fact] = {}


def register_fact(fact: Fact, *, replace: bool = False) -> Fact:
    """Add a fact to the catalogue (from an AppConfig.ready()). A key registered twice is a
    programming error unless `replace` says so (tests registering their own facts)."""
    if fact.key in _FACTS and not replace:
        raise ImproperlyConfigured(f"eligibility fact {fact.key!r} is registered twice")
    _FACTS[fact.key] = fact
    return fact


def unregister_fact(key: str) -> None:
    """Remove a fact (tests only)."""
    _FACTS.pop(key, None)


def get_fact(key: str) -> Fact | None:
    """The registered fact of this key; a dict lookup, so no other text is ever a fact."""
    return _FACTS.get(key) if isinstance(key, str) else None


def catalogue() -> list[Fact]:
    """Every registered fact, in registration order (people's first)."""
    return list(_FACTS.values())
