"""Every write to tickets: intake (agent and public), each lifecycle step, escalation and the
deadline sweep, public follow-up, attachments, and advance relief opened from a ticket.

Each lifecycle step is the handler of its step in workflow.FLOW: inside `FLOW.moving` the
engine locks the ticket, checks the step's role, scope and source status; when the step's
block ends it saves the ticket and writes one TicketEvent and one audit event in the same
transaction. Refusals raise RuleViolation (a rule, with the field at fault) or
PermissionDenied (a role or scope) and change nothing. Text messages to the caller go out
after commit.
"""

# One module per subject: common (limits, guards, cleaning), intake (the public fast path and
# the desk), lifecycle, escalation (and the sweep), follow (public follow-up), attachments,
# fast_track. Their public names are re-exported here, so `services.open_ticket` and the like
# keep working.
from .attachments import (
    CALLER_FILES_PER_REQUEST,
    CALLER_FILES_PER_TICKET,
    add_attachment,
    attach_caller_files,
    attach_files_to_followed,
    clean_caller_files,
)
from .common import (
    EMPLOYER_MAX,
    NAME_MAX,
    NOTE_MAX,
    Request,
    authorize_roles,
    clean_request,
    normalized_phone,
)
from .escalation import (
    escalate_ticket,
    sweep_deadlines,
)
from .fast_track import (
    ADVANCE_GRANT_TYPE,
    approve_fast_track,
    approver_level_ok,
    complete_fast_track_paperwork,
    fast_track_allowed,
    fast_track_cap_fen,
    fast_track_rule_check,
    fast_track_values,
    follow_grant_payments,
    may_approve_fast_track,
    may_open_fast_track,
    open_fast_track,
)
from .follow import (
    follow_ticket,
)
from .holding import (
    HOLD_ACTIONS,
    change_holder,
    holders_for,
    may_supervise,
    may_work,
    reassign_ticket,
    release_ticket,
    take_ticket,
)
from .intake import (
    TWINS_LOCK_SPACE,
    link_worker,
    open_ticket,
    submit_request,
    writers_queue,
)
from .lifecycle import (
    accept_ticket,
    add_note,
    answer_ticket,
    classify_ticket,
    close_ticket,
    dispatch_ticket,
    pause_ticket,
    record_callback,
    resume_ticket,
    return_ticket,
    start_ticket,
    transfer_ticket,
)

__all__ = [
    "ADVANCE_GRANT_TYPE",
    "CALLER_FILES_PER_REQUEST",
    "CALLER_FILES_PER_TICKET",
    "EMPLOYER_MAX",
    "HOLD_ACTIONS",
    "NAME_MAX",
    "NOTE_MAX",
    "TWINS_LOCK_SPACE",
    "Request",
    "accept_ticket",
    "add_attachment",
    "add_note",
    "answer_ticket",
    "approve_fast_track",
    "approver_level_ok",
    "attach_caller_files",
    "attach_files_to_followed",
    "authorize_roles",
    "change_holder",
    "classify_ticket",
    "clean_caller_files",
    "clean_request",
    "close_ticket",
    "complete_fast_track_paperwork",
    "dispatch_ticket",
    "escalate_ticket",
    "fast_track_allowed",
    "fast_track_cap_fen",
    "fast_track_rule_check",
    "fast_track_values",
    "follow_grant_payments",
    "follow_ticket",
    "holders_for",
    "link_worker",
    "may_approve_fast_track",
    "may_open_fast_track",
    "may_supervise",
    "may_work",
    "normalized_phone",
    "open_fast_track",
    "open_ticket",
    "pause_ticket",
    "reassign_ticket",
    "record_callback",
    "release_ticket",
    "resume_ticket",
    "return_ticket",
    "start_ticket",
    "submit_request",
    "sweep_deadlines",
    "take_ticket",
    "transfer_ticket",
    "writers_queue",
]
