"""What the consumption-help pages share."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from nuanjia.core.errors import RuleViolation
from nuanjia.core.money import yuan_to_fen

from ..units import grams_of_jin

PAGE_SIZE = 50


def query_string(request: Any) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def fen(value: Decimal | None, field: str) -> int:
    try:
        return yuan_to_fen(value or 0)
    except (ValueError, ArithmeticError):
        raise RuleViolation("金额有误", field=field) from None


def grams(value: Decimal | None, field: str) -> int:
    try:
        return grams_of_jin(value or 0)
    except (ValueError, ArithmeticError):
        raise RuleViolation("数量有误", field=field) from None
