"""Rent-relief policies as data (the campaign's 3 + 12, Henan's 2022 rule of 3 + 6, any other
mix and fraction), written by the province's or a city's caseworkers."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.text import one_line
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org

from ..models import ReliefPolicy
from .common import CASEWORKERS, require_role


@transaction.atomic
def create_policy(
    org: Org,
    *,
    code: str,
    name: str,
    free_months: int,
    reduced_months: int,
    window_starts_on: datetime.date,
    window_ends_on: datetime.date,
    by: Actor,
    reduced_num: int = 1,
    reduced_den: int = 2,
    small_and_micro: bool = True,
    individual_businesses: bool = True,
    earmark: Earmark | None = None,
) -> ReliefPolicy:
    require_role(by, org, CASEWORKERS)
    code = one_line(code, "code", 32, required_message=_("Enter the policy's code."))
    name = one_line(name, "name", 100, required_message=_("Enter the policy's name."))
    if free_months < 0 or reduced_months < 0 or free_months + reduced_months == 0:
        raise RuleViolation(
            _("Give at least one rent-free or reduced-rent month."), field="free_months"
        )
    if free_months + reduced_months > 60:
        raise RuleViolation(_("A policy relieves 60 months at most."), field="reduced_months")
    if reduced_den <= 0 or not 0 < reduced_num <= reduced_den:
        raise RuleViolation(
            _("The share relieved is a fraction between 0 and 1, e.g. 1/2."), field="reduced_num"
        )
    if window_ends_on < window_starts_on:
        raise RuleViolation(_("The window cannot end before it starts."), field="window_ends_on")
    if not (small_and_micro or individual_businesses):
        raise RuleViolation(_("Say who qualifies."), field="small_and_micro")
    if ReliefPolicy.objects.filter(code=code).exists():
        raise RuleViolation(_("A policy of this code exists already."), field="code")
    policy = ReliefPolicy.objects.create(
        org=org, code=code, name=name, free_months=free_months, reduced_months=reduced_months,
        reduced_num=reduced_num, reduced_den=reduced_den, small_and_micro=small_and_micro,
        individual_businesses=individual_businesses, window_starts_on=window_starts_on,
        window_ends_on=window_ends_on,
        earmark=earmark or Earmark.objects.get(code="rent-relief"),
    )  # fmt: skip
    record_event(
        policy, "enterprises.policy_created", by=by, org=org,
        changes={"code": code, "free": free_months, "reduced": reduced_months,
                 "share": f"{reduced_num}/{reduced_den}",
                 "window": [window_starts_on.isoformat(), window_ends_on.isoformat()]},
    )  # fmt: skip
    return policy
