"""The campaigns' writes, by subject; each module's names are re-exported here."""

from .common import PLANNER_ROLES, may_act_for, require_open, require_planner
from .enrolment import (
    Preview,
    UnionCount,
    add_by_hand,
    approve_roster,
    approved_enrolments,
    continue_run,
    eligible_workers,
    enrol,
    open_roster,
    preview,
    remove_from_list,
    start_run,
    submit_roster,
)
from .quotas import (
    allocate_places,
    book_place,
    cancel_booking,
    mark_attended,
    set_places,
    withdraw_places,
)
from .screening import (
    FINDER_ROLES,
    decide_no_help,
    open_application,
    propose_finding_grant,
    record_finding,
)
from .setup import change_rule, create_activity, create_campaign, set_campaign_status

__all__ = [
    "FINDER_ROLES",
    "PLANNER_ROLES",
    "Preview",
    "UnionCount",
    "add_by_hand",
    "allocate_places",
    "approve_roster",
    "approved_enrolments",
    "book_place",
    "cancel_booking",
    "change_rule",
    "continue_run",
    "create_activity",
    "create_campaign",
    "decide_no_help",
    "eligible_workers",
    "enrol",
    "mark_attended",
    "may_act_for",
    "open_application",
    "open_roster",
    "preview",
    "propose_finding_grant",
    "record_finding",
    "remove_from_list",
    "require_open",
    "require_planner",
    "set_campaign_status",
    "set_places",
    "start_run",
    "submit_roster",
    "withdraw_places",
]
