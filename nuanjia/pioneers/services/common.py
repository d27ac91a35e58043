"""What the pioneers services share: who may manage a union's records, and the checks of
years, dates and amounts that forms, the API and sheets all pass through."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import acts_for

from ..rules import FIRST_YEAR, MANAGER_ROLES


def may_manage(by: Actor | None, org: Org) -> bool:
    return acts_for(by, org, MANAGER_ROLES)


def require_manager(by: Actor | None, org: Org) -> None:
    if not may_manage(by, org):
        raise RuleViolation(
            _(
                "Only a caseworker, reviewer or approver of this union or a union above may do this."
            ),
            field="org",
            code="forbidden",
        )


def year(value: Any, field: str = "year") -> int:
    """A year from 1950 to next year."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    last = timezone.localdate().year + 1
    if not FIRST_YEAR <= number <= last:
        raise RuleViolation(
            _("Enter a year between %(first)d and %(last)d.") % {"first": FIRST_YEAR, "last": last},
            field=field,
        )
    return number


def day(value: Any, field: str) -> datetime.date:
    """A date from a form (a date) or a body (ISO text)."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value or "").strip()[:10])
    except ValueError:
        raise RuleViolation(_("Write a date such as 2027-12-31."), field=field) from None


def count(value: Any, field: str, *, most: int = 1_000_000) -> int:
    """A whole number from 0 to `most`."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if not 0 <= number <= most:
        raise RuleViolation(
            _("Enter a whole number from %(low)d to %(high)d.") % {"low": 0, "high": most},
            field=field,
        )
    return number
