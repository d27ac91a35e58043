"""What every campaign service shares: who may plan and record, the campaign being open."""

from __future__ import annotations

from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import acts_for
from nuanjia.orgs.rules import Role

from ..models import Activity, Campaign
from ..rules import CampaignStatus

# Who plans campaigns and records their work: caseworkers propose, approvers decide.
PLANNER_ROLES = frozenset({Role.CASEWORKER, Role.APPROVER})


def may_act_for(by: Actor | None, org: Org, roles: frozenset[str] = PLANNER_ROLES) -> bool:
    """Whether `by` holds one of `roles` and `org` is in their subtree."""
    return acts_for(by, org, roles)


def require_planner(by: Actor | None, org: Org, roles: frozenset[str] = PLANNER_ROLES) -> None:
    if not may_act_for(by, org, roles):
        raise RuleViolation(
            _("Only a caseworker or approver of this union or a union above may do this."),
            field="org",
            code="forbidden",
        )


def require_open(campaign: Campaign) -> None:
    """Work is recorded only while the campaign is under way."""
    if campaign.status != CampaignStatus.OPEN:
        raise RuleViolation(
            _("The campaign is not under way: nothing can be recorded in it."),
            field="campaign",
            code="campaign_not_open",
        )


def require_taking_part(activity: Activity, org: Org) -> None:
    """`org` is in the activity's subtree and of a level taking part in the campaign."""
    levels = activity.campaign.levels
    if not org.path.startswith(activity.org.path):
        raise RuleViolation(
            _("%(union)s is not below the union running this activity.") % {"union": org.name},
            field="org",
        )
    if levels and org.kind not in levels and org.kind not in Org.GRASSROOTS_KINDS:
        raise RuleViolation(
            _("Unions of this level do not take part in the campaign."), field="org"
        )
