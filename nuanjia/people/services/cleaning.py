"""Cleaning input as the services accept it: text, dates, ID, phone and bank numbers, money."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from nuanjia.core.errors import RuleViolation
from nuanjia.core.idnumbers import (
    EARLIEST_BIRTH_DATE,
    IdNumber,
    is_known_region_code,
    validate_id_number,
)
from nuanjia.core.phones import validate_phone
from nuanjia.core.text import one_line

from ..models import (
    Gender,
)

_text = one_line  # the name the registry services know it by


def _date(
    value: Any, field: str, *, not_after: datetime.date | None = None
) -> datetime.date | None:
    if value in (None, ""):
        return None
    day = _as_date(value, field)
    if day < EARLIEST_BIRTH_DATE:
        raise RuleViolation(_("The date cannot be before 1900."), field=field)
    if not_after is not None and day > not_after:
        raise RuleViolation(_("The date cannot be in the future."), field=field)
    return day


def _as_date(value: object, field: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise RuleViolation(_("Enter a date such as 2024-03-01."), field=field) from None


def _id_number(value: Any, field: str = "id_number") -> IdNumber | None:
    if not str(value or "").strip():
        return None
    try:
        return validate_id_number(str(value))
    except ValidationError as error:
        raise RuleViolation(error.messages[0], field=field) from None


def parse_id_number(value: Any, field: str = "id_number") -> IdNumber:
    """A required, valid ID number, or RuleViolation naming what is wrong with it."""
    parsed = _id_number(value, field)
    if parsed is None:
        raise RuleViolation(_("Please enter the ID number."), field=field)
    return parsed


def _phone(value: Any) -> str:
    if not str(value or "").strip():
        return ""
    try:
        return validate_phone(str(value))
    except ValidationError as error:
        raise RuleViolation(error.messages[0], field="phone") from None


def parse_bank_account(value: Any, field: str = "bank_account") -> str:
    """The account's digits (spaces and dashes dropped), "" when empty, or RuleViolation."""
    digits = "".join(str(value or "").split()).replace("-", "")
    if not digits:
        return ""
    if not (digits.isascii() and digits.isdigit()) or not 8 <= len(digits) <= 30:
        raise RuleViolation(_("The bank account number has 8 to 30 digits."), field=field)
    return digits


_bank_account = parse_bank_account


def _region_code(value: Any, default: str) -> str:
    code = str(value or "").strip() or default
    if code and not is_known_region_code(code):
        raise RuleViolation(_("Enter a 6-digit region code such as 410108."), field="region_code")
    return code


def _gender(value: Any) -> str:
    gender = str(value or "")
    if gender not in ("", *Gender.values):
        raise RuleViolation(_("Choose male or female."), field="gender")
    return gender


def _fen(value: Any, field: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise RuleViolation(_("Enter an amount that is not negative."), field=field)
