"""The pioneers services (every write, audited): teams and their 工人先锋号 titles, labour
competitions with their entries and results, innovation studios and their alliances."""

from nuanjia.core.errors import RuleViolation

from .common import may_manage, require_manager
from .competitions import create_competition, enter_team, record_result
from .studios import (
    add_member,
    add_project,
    add_result,
    create_alliance,
    create_studio,
    join_alliance,
)
from .titles import (
    award,
    create_team,
    nominate,
    pass_review,
    refuse,
    review,
    review_due,
    revoke,
)

__all__ = [
    "RuleViolation",
    "add_member",
    "add_project",
    "add_result",
    "award",
    "create_alliance",
    "create_competition",
    "create_studio",
    "create_team",
    "enter_team",
    "join_alliance",
    "may_manage",
    "nominate",
    "pass_review",
    "record_result",
    "refuse",
    "require_manager",
    "review",
    "review_due",
    "revoke",
]
