"""Mutual aid's writes, one module per subject; their public names are re-exported here."""

from .claims import ClaimData, LineData, check_claim, submit_claim
from .common import pool_account, version_on
from .decisions import approve_claim, cancel_claim, refuse_claim, release, review_claim
from .enrolment import cancel, enrol, enrolment_on, pay, refund_due, renew
from .plans import add_version, create_plan

__all__ = [
    "ClaimData", "LineData", "add_version", "approve_claim", "cancel", "cancel_claim", "check_claim",
    "create_plan", "enrol", "enrolment_on", "pay", "pool_account", "refund_due", "refuse_claim",
    "release", "renew", "review_claim", "submit_claim", "version_on",
]  # fmt: skip
