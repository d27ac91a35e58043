"""Rent-relief policies as data (the campaign's 3 + 12, Henan's 2022 rule of 3 + 6, any other
mix and fraction), written by the province's or a city's caseworkers."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.text import one_line
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org

from ..models import RebatePolicy, ReliefPolicy
from .common import CASEWORKERS, FINANCE, require_role


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


@transaction.atomic
def create_rebate_policy(
    *,
    code: str,
    name: str,
    shares: tuple[int, int, int, int],
    returned_permille: int,
    effective_from: datetime.date,
    effective_to: datetime.date | None,
    by: Actor,
) -> RebatePolicy:
    """The provincial split of the union fee (grassroots, county, city, province, in ‰) and
    the share returned to small and micro firms' unions; periods may not overlap."""
    province = Org.objects.get(kind=Org.Kind.PROVINCE)
    require_role(by, province, FINANCE)
    code = one_line(code, "code", 32, required_message=_("Enter the policy's code."))
    name = one_line(name, "name", 100, required_message=_("Enter the policy's name."))
    if any(share < 0 for share in shares) or sum(shares) != 1000:
        raise RuleViolation(_("The shares must add up to 1000‰."), field="shares")
    if not 0 <= returned_permille <= 1000 - shares[0]:
        raise RuleViolation(
            _("Only the upper levels' share can be returned (at most %(most)s‰).")
            % {"most": 1000 - shares[0]},
            field="returned_permille",
        )
    if effective_to is not None and effective_to < effective_from:
        raise RuleViolation(_("The policy cannot end before it starts."), field="effective_to")
    overlapping = RebatePolicy.objects.filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=effective_from)
    )
    if effective_to is not None:
        overlapping = overlapping.filter(effective_from__lte=effective_to)
    if overlapping.exists():
        raise RuleViolation(
            _("Another rebate policy is in force in this time."), field="effective_from"
        )
    grassroots, county, city, top = shares
    policy = RebatePolicy.objects.create(
        code=code, name=name, grassroots_permille=grassroots, county_permille=county,
        city_permille=city, province_permille=top, returned_permille=returned_permille,
        effective_from=effective_from, effective_to=effective_to,
        earmark=Earmark.objects.get(code="fee-rebate"),
    )  # fmt: skip
    record_event(
        policy, "enterprises.rebate_policy_created", by=by, org=province,
        changes={"code": code, "shares": list(shares), "returned_permille": returned_permille},
    )  # fmt: skip
    return policy
