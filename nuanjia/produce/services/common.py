"""What the consumption-help services share: who may act for a union, the region digits of
the figures, the month of a day."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import acts_for
from nuanjia.standards.regions import city_of, is_region_code, level

from ..rules import PRODUCER_ROLES


def may_act_for(by: Actor | None, org: Org, roles: frozenset[str] = PRODUCER_ROLES) -> bool:
    return acts_for(by, org, roles)


def require_role(by: Actor | None, org: Org, roles: frozenset[str] = PRODUCER_ROLES) -> None:
    if not may_act_for(by, org, roles):
        raise RuleViolation(
            _("Only a caseworker or approver of this union or a union above may do this."),
            field="org",
            code="forbidden",
        )


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def city_code(org: Org) -> str:
    """The city (region code) a union belongs to, for the figures."""
    return city_of(org.region_code) if is_region_code(org.region_code) else org.region_code


def check_county(code: str, field: str = "region_code") -> str:
    code = (code or "").strip()
    if not is_region_code(code) or level(code) != "county":
        raise RuleViolation(
            _("Enter the six-digit code of a county (e.g. 411625)."), field=field, code="county"
        )
    return code
