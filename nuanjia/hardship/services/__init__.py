"""Every write to hardship files, objections, policies and bulk runs (the 低保 standards and
minimum wages are written by nuanjia.standards.services).

Each step of the file's workflow (workflow.FLOW) is one function here, registered as the
step's handler so that `FLOW.take_step` (pages and the API) runs it. Inside `FLOW.moving` the
engine locks the file and checks the step's owner role, scope, source status and
maker-checker; when the function's block ends it saves the file and writes one FileEvent and
one audit event in the same transaction. Refusals raise RuleViolation (a rule) or
PermissionDenied (a role or scope) and change nothing.
"""

# One module per subject: guards, assessment, lifecycle (application to filing), objections,
# reviews (and changes), exits, policy, bulk, family, retention. Their public names
# are re-exported here, so `services.open_file` and the like keep working.
from .assessment import assess_household
from .attachments import (
    add_attachment,
    download_attachment,
    remove_attachment,
    takes_attachments,
)
from .bulk import (
    CHUNK_SIZE,
    ReassessGroup,
    count_reassessment,
    reassessment_as_of,
    reassessment_category,
    reassessment_groups,
    reassessment_update,
    review_due_files,
    run_reassessment,
    run_review_list,
    start_reassessment,
    start_review_list,
)
from .exits import (
    APPLY_CHANGE,
    CYCLE_FIELDS,
    WITHDRAW_CHANGE,
    end_due_gradual_exits,
    end_gradual_exit,
    exit_file,
    re_enter_file,
)
from .family import follow_worker_transfer, record_copy_printed, record_copy_read_by_member
from .guards import authorize_roles
from .lifecycle import (
    approve_file,
    check_file,
    complete_filing,
    open_file,
    record_visit,
    reject_file,
    review_file,
    send_back_file,
    start_publicity,
    withdraw_file,
)
from .objections import record_objection, resolve_objection
from .policy import POLICY_BOUNDS, save_policy
from .retention import (
    CLOSED_UNFILED,
    PURGED_TEXT_FIELDS,
    expired_files,
    purge_expired_files,
    purge_file,
)
from .reviews import (
    CHANGEABLE_STATUSES,
    HOUSEHOLD_FLAGS,
    MEMBER_FLAGS,
    MEMBER_TEXT,
    MONEY_FIELDS,
    complete_review,
    preview_review,
    propose_change,
    propose_exit,
    reopen_review,
    start_review,
)

__all__ = [
    "APPLY_CHANGE",
    "CHANGEABLE_STATUSES",
    "CHUNK_SIZE",
    "CLOSED_UNFILED",
    "CYCLE_FIELDS",
    "HOUSEHOLD_FLAGS",
    "MEMBER_FLAGS",
    "MEMBER_TEXT",
    "MONEY_FIELDS",
    "POLICY_BOUNDS",
    "PURGED_TEXT_FIELDS",
    "WITHDRAW_CHANGE",
    "ReassessGroup",
    "add_attachment",
    "approve_file",
    "assess_household",
    "authorize_roles",
    "check_file",
    "complete_filing",
    "complete_review",
    "count_reassessment",
    "download_attachment",
    "end_due_gradual_exits",
    "end_gradual_exit",
    "exit_file",
    "expired_files",
    "follow_worker_transfer",
    "open_file",
    "preview_review",
    "propose_change",
    "propose_exit",
    "purge_expired_files",
    "purge_file",
    "re_enter_file",
    "reassessment_as_of",
    "reassessment_category",
    "reassessment_groups",
    "reassessment_update",
    "record_copy_printed",
    "record_copy_read_by_member",
    "record_objection",
    "record_visit",
    "reject_file",
    "remove_attachment",
    "reopen_review",
    "resolve_objection",
    "review_due_files",
    "review_file",
    "run_reassessment",
    "run_review_list",
    "save_policy",
    "send_back_file",
    "start_publicity",
    "start_reassessment",
    "start_review",
    "start_review_list",
    "takes_attachments",
    "withdraw_file",
]
