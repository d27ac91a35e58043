"""Checking a rule's values against their fact: type, choices, bounds and list length.

Each check answers the normalized value (lists sorted and without repeats, dates as ISO
text, credit codes upper-cased) or raises RuleViolation with a Chinese message; the parser
adds where in the rule the value stands.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from nuanjia.core.codes import validate_credit_code
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.standards import regions

from .registry import LIST_OPS, NO_VALUE_OPS, Fact, Op, ValueKind

MAX_LIST = 200  # values in one in / not_in list
EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def _shown(value: Any) -> str:
    """A refused value as the message quotes it: short, one line."""
    text = " ".join(str(value).split())
    return text if len(text) <= 30 else text[:29] + "…"


def _refuse(message: str) -> RuleViolation:
    return RuleViolation(message, field="value")


def check_value(fact: Fact, op: Op, value: Any) -> Any:
    """The normalized value of `fact op value`, or RuleViolation."""
    if op in NO_VALUE_OPS:
        if value is not None:
            raise _refuse(_("“%(fact)s” takes no value.") % {"fact": fact.label})
        return None
    if op in LIST_OPS:
        if not isinstance(value, list) or not value:
            raise _refuse(_("Choose at least one value."))
        if len(value) > MAX_LIST:
            raise _refuse(_("At most %(count)d values in one condition.") % {"count": MAX_LIST})
        labels = fact.choice_labels() if fact.kind == ValueKind.CHOICE else None
        return sorted({one_value(fact, item, labels) for item in value})
    if op == Op.BETWEEN:
        if not isinstance(value, list) or len(value) != 2:
            raise _refuse(_("“Between” takes two values: the lowest and the highest."))
        low, high = one_value(fact, value[0]), one_value(fact, value[1])
        if low > high:
            raise _refuse(_("The first value of “between” must not be above the second."))
        return [low, high]
    return one_value(fact, value)


def one_value(fact: Fact, value: Any, labels: dict[str, str] | None = None) -> Any:
    """One value of `fact`'s kind, normalized (`labels`: the choices, when already read)."""
    if value is None or value == "":
        raise _refuse(_("Enter a value."))
    if fact.kind == ValueKind.INT:
        return _integer(fact, value)
    if not isinstance(value, str):
        raise _refuse(_("“%(value)s” is not a valid value.") % {"value": _shown(value)})
    if fact.kind == ValueKind.CHOICE:
        if value not in (fact.choice_labels() if labels is None else labels):
            raise _refuse(
                _("“%(value)s” is not one of the choices of “%(fact)s”.")
                % {"value": _shown(value), "fact": fact.label}
            )
        return value
    if fact.kind == ValueKind.DATE:
        return _date(value)
    if fact.kind == ValueKind.ORG:
        if len(value) > 32 or not Org.objects.filter(code=value).exists():
            raise _refuse(_("No union has the code “%(value)s”.") % {"value": _shown(value)})
        return value
    if fact.kind == ValueKind.REGION:
        if not regions.is_region_code(value):
            raise _refuse(_("A region code has six digits, such as 410100."))
        return value
    if fact.kind == ValueKind.CREDIT_CODE:
        try:
            return validate_credit_code(value)
        except ValidationError as error:
            raise _refuse(" ".join(error.messages)) from error
    raise _refuse(_("“%(fact)s” takes no value.") % {"fact": fact.label})


def _integer(fact: Fact, value: Any) -> int:
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool):
        raise _refuse(_("“%(value)s” is not a whole number.") % {"value": _shown(value)})
    low = fact.minimum if fact.minimum is not None else 0
    high = fact.maximum if fact.maximum is not None else 1_000_000
    if not low <= value <= high:
        raise _refuse(_("Enter a number from %(low)d to %(high)d.") % {"low": low, "high": high})
    return value


def _date(value: str) -> str:
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise _refuse(_("Enter a date as 2025-01-31.")) from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise _refuse(_("Enter a date between 1900 and 2100."))
    return day.isoformat()
