"""What the gig-job services share: who may manage a corner, and the cleaning of places,
dates, whole numbers and pay."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import acts_for
from nuanjia.standards import regions
from nuanjia.stations.rules import check_coordinates

from ..rules import MANAGER_ROLES


def may_manage(by: Actor | None, org: Org) -> bool:
    return acts_for(by, org, MANAGER_ROLES)


def require_manager(by: Actor | None, org: Org) -> None:
    if not may_manage(by, org):
        raise RuleViolation(
            _("Only a caseworker or approver of this union or a union above may do this."),
            field="org",
            code="forbidden",
        )


def place(lat: Any, lng: Any) -> tuple[float, float]:
    """WGS-84 coordinates, checked as the stations check theirs."""
    try:
        values = (float(lat), float(lng))
    except (TypeError, ValueError):
        raise RuleViolation(_("Enter both latitude and longitude."), field="lat") from None
    return check_coordinates(*values)


def region(code: Any) -> str:
    text = str(code or "").strip()
    if not regions.is_region_code(text):
        raise RuleViolation(_("Enter a 6-digit region code."), field="region_code")
    return text


def day(value: Any, field: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value or "").strip()[:10])
    except ValueError:
        raise RuleViolation(_("Write a date such as 2027-12-31."), field=field) from None


def whole(value: Any, field: str, low: int, high: int, message: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = low - 1
    if not low <= number <= high:
        raise RuleViolation(message, field=field)
    return number
