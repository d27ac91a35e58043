"""What every mutual aid service shares: who may act, the plan version in force on a day,
the city of a union, and the pool's account."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.funds import services as funds
from nuanjia.funds.models import FundAccount
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import acts_for
from nuanjia.orgs.rules import Role
from nuanjia.standards.regions import city_of

from ..models import Plan, PlanVersion

ENROLLER_ROLES = frozenset({Role.CASEWORKER, Role.APPROVER})
PLANNER_ROLES = frozenset({Role.APPROVER})


def require_role(by: Actor | None, org: Org, roles: frozenset[str] = ENROLLER_ROLES) -> None:
    if by is None:
        return
    if not acts_for(by, org, roles):
        raise RuleViolation(
            _("Only a caseworker or approver of this union or a union above may do this."),
            field="org",
            code="forbidden",
        )


def version_on(plan: Plan, day: datetime.date) -> PlanVersion:
    """The plan's version in force on `day` (the latest that began on or before it)."""
    version = plan.versions.filter(valid_from__lte=day).order_by("-valid_from").first()
    if version is None:
        raise RuleViolation(
            _("%(plan)s has no terms in force on %(day)s.") % {"plan": plan, "day": day},
            field="starts_on",
            code="no_version",
        )
    return version


def city_code_of(org: Org) -> str:
    return city_of(org.region_code) if org.region_code else ""


def pool_account(plan: Plan) -> FundAccount:
    return funds.account_for(plan.pool_org, plan.earmark)


def age_on(birth: datetime.date | None, day: datetime.date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
