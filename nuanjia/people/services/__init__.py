"""Every write to workers (职工), households (家庭), consents, transfers (转移) and duplicate reviews.

Each service checks the actor's role and scope, changes rows in one transaction and records
one audit event in it. Refusals raise RuleViolation (a rule, with the field at fault) or
PermissionDenied (a role or scope) and change nothing. Clear ID and bank numbers never enter
an audit event: events say that a number changed, or carry its masked form.
"""

# One module per subject: guards, cleaning (input), records (shared row helpers), workers,
# revealing (numbers), consents, honours, households, transfers, duplicates, import_reviews,
# key_rotation. Their public names are re-exported here, so `services.register_worker` and
# the like keep working.
from .cleaning import parse_bank_account, parse_id_number
from .consents import has_consent, record_consent, withdraw_consent
from .duplicates import (
    FILLABLE_FIELDS,
    MAX_COMPARED,
    find_possible_duplicates,
    keep_apart,
    merge_duplicates,
    unmerge,
)
from .guards import authorize, in_scope, may, may_reveal
from .honours import add_honour, remove_honour
from .households import (
    HOUSEHOLD_FIELDS,
    HOUSEHOLD_FLAGS,
    MEMBER_FIELDS,
    MONEY_FIELDS,
    add_member,
    create_household,
    remove_member,
    update_household,
    update_member,
)
from .import_reviews import accept_import_review, refuse_import_review
from .key_rotation import ENCRYPTED_COLUMNS, reencrypt_personal_numbers
from .records import BANK_FIELDS, ID_FIELDS
from .revealing import reveal_bank_account, reveal_id_number
from .transfers import (
    accept_transfer,
    authorize_decision,
    decline_transfer,
    request_transfer,
)
from .workers import (
    WORKER_FIELDS,
    DuplicateWorker,
    ExistingRecord,
    admit_to_union,
    register_self,
    register_worker,
    update_worker,
    write_name_keys,
)

__all__ = [
    "BANK_FIELDS",
    "ENCRYPTED_COLUMNS",
    "FILLABLE_FIELDS",
    "HOUSEHOLD_FIELDS",
    "HOUSEHOLD_FLAGS",
    "ID_FIELDS",
    "MAX_COMPARED",
    "MEMBER_FIELDS",
    "MONEY_FIELDS",
    "WORKER_FIELDS",
    "DuplicateWorker",
    "ExistingRecord",
    "accept_import_review",
    "accept_transfer",
    "add_honour",
    "add_member",
    "admit_to_union",
    "authorize",
    "authorize_decision",
    "create_household",
    "decline_transfer",
    "find_possible_duplicates",
    "has_consent",
    "in_scope",
    "keep_apart",
    "may",
    "may_reveal",
    "merge_duplicates",
    "parse_bank_account",
    "parse_id_number",
    "record_consent",
    "reencrypt_personal_numbers",
    "refuse_import_review",
    "register_self",
    "register_worker",
    "remove_honour",
    "remove_member",
    "request_transfer",
    "reveal_bank_account",
    "reveal_id_number",
    "unmerge",
    "update_household",
    "update_member",
    "update_worker",
    "withdraw_consent",
    "write_name_keys",
]
