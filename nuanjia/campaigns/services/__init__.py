"""The campaigns' writes, by subject; each module's names are re-exported here."""

from .common import PLANNER_ROLES, may_act_for, require_open, require_planner
from .setup import change_rule, create_activity, create_campaign, set_campaign_status

__all__ = [
    "PLANNER_ROLES",
    "change_rule",
    "create_activity",
    "create_campaign",
    "may_act_for",
    "require_open",
    "require_planner",
    "set_campaign_status",
]
