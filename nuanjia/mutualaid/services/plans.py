"""Plans and their dated versions: the terms are data, checked before they are kept."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.text import one_line
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of

from ..benefits import parse_rules
from ..models import Plan, PlanVersion
from ..rules import EARMARK_CODE, PlanKind, PoolLevel
from .common import PLANNER_ROLES, require_role

VERSION_FIELDS = (
    "contribution_fen", "union_share_fen", "member_share_fen", "employer_share_fen",
    "term_months", "min_age", "max_age", "waiting_days", "cap_claim_fen", "cap_episode_fen",
    "cap_year_fen", "sample_percent", "review_above_fen",
)  # fmt: skip


@transaction.atomic
def create_plan(
    *, code: str, name: str, kind: str, pool_org: Org, by: Actor | None, grace_days: int = 30
) -> Plan:
    """A plan run by a city federation or the province (its pool)."""
    require_role(by, pool_org, PLANNER_ROLES)
    if kind not in PlanKind.values:
        raise RuleViolation(_("Choose the kind of plan."), field="kind")
    if pool_org.kind not in (Org.Kind.CITY, Org.Kind.PROVINCE):
        raise RuleViolation(
            _("A plan's pool is a city federation or the province."), field="pool_org"
        )
    level = PoolLevel.CITY if pool_org.kind == Org.Kind.CITY else PoolLevel.PROVINCE
    if not 0 <= grace_days <= 366:
        raise RuleViolation(_("The grace period is 0 to 366 days."), field="grace_days")
    try:
        with transaction.atomic():
            plan = Plan.objects.create(
                code=one_line(code, "code", 32), name=one_line(name, "name", 60), kind=kind,
                pool_level=level, pool_org=pool_org, grace_days=grace_days,
                earmark=Earmark.objects.get(code=EARMARK_CODE), created_by=staff_of(by),
            )  # fmt: skip
    except IntegrityError:
        raise RuleViolation(_("A plan with this code exists."), field="code") from None
    record_event(plan, "mutualaid.plan_created", by=by, org=pool_org, changes={"kind": kind})
    return plan


def _check_terms(plan: Plan, terms: dict[str, Any]) -> dict[str, int]:
    clean: dict[str, int] = {}
    for name in VERSION_FIELDS:
        value = terms.get(name, getattr(PlanVersion._meta.get_field(name), "default", 0))
        if type(value) is not int or value < 0:
            raise RuleViolation(_("Enter a whole number of 0 or more."), field=name)
        clean[name] = value
    shares = clean["union_share_fen"] + clean["member_share_fen"] + clean["employer_share_fen"]
    if shares != clean["contribution_fen"] or not clean["contribution_fen"]:
        raise RuleViolation(
            _("The union, member and employer shares must add up to the contribution."),
            field="contribution_fen",
        )
    if not 1 <= clean["term_months"] <= 36:
        raise RuleViolation(_("A term is 1 to 36 months."), field="term_months")
    if clean["min_age"] > clean["max_age"]:
        raise RuleViolation(_("The minimum age is above the maximum."), field="min_age")
    if not clean["cap_claim_fen"] <= clean["cap_episode_fen"] <= clean["cap_year_fen"]:
        raise RuleViolation(
            _("Caps go up: per claim ≤ per episode ≤ per member and year."), field="cap_claim_fen"
        )
    if clean["sample_percent"] > 100:
        raise RuleViolation(_("The sample is 0 to 100 per cent."), field="sample_percent")
    return clean


@transaction.atomic
def add_version(
    plan: Plan, valid_from: datetime.date, *, rules: Any, by: Actor | None, **terms: Any
) -> PlanVersion:
    """New terms of the plan from `valid_from`; the rules are checked with the bad part named."""
    require_role(by, plan.pool_org, PLANNER_ROLES)
    clean = _check_terms(plan, terms)
    parse_rules(plan.kind, rules)
    try:
        with transaction.atomic():
            version = PlanVersion.objects.create(
                plan=plan, valid_from=valid_from, rules=rules, created_by=staff_of(by), **clean
            )
    except IntegrityError:
        raise RuleViolation(
            _("The plan already has terms from this day."), field="valid_from"
        ) from None
    record_event(
        plan, "mutualaid.version_added", by=by, org=plan.pool_org,
        changes={"valid_from": valid_from.isoformat(), **clean, "rules": rules},
    )  # fmt: skip
    return version
