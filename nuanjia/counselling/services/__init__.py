"""The psychological-help services (every write, audited): lines and their people, the
roster and swaps, sessions and escalation, classes and columns."""

from nuanjia.core.errors import RuleViolation

from .common import may_manage, require_manager
from .events import add_attendance, create_event
from .lines import add_helper, add_qualification, change_line, create_line, open_account
from .roster import (
    Gap,
    add_shift,
    approve_swap,
    find_gaps,
    propose_swap,
    refuse_swap,
    remove_shift,
    sweep,
    window,
)
from .sessions import (
    escalate_overdue,
    follow_up,
    log_session,
    may_read_notes,
    notes_for,
    parent_supervisor,
)

__all__ = [
    "Gap",
    "RuleViolation",
    "add_attendance",
    "add_helper",
    "add_qualification",
    "add_shift",
    "approve_swap",
    "change_line",
    "create_event",
    "create_line",
    "escalate_overdue",
    "find_gaps",
    "follow_up",
    "log_session",
    "may_manage",
    "may_read_notes",
    "notes_for",
    "open_account",
    "parent_supervisor",
    "propose_swap",
    "refuse_swap",
    "remove_shift",
    "require_manager",
    "sweep",
    "window",
]
