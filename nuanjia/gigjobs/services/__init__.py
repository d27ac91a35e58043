"""The gig-job corners' services (every write, audited): corners, job posts with the
minimum-wage check, gig workers and their availability, matches with consent and outcomes,
disputes handed to the 12351 hotline."""

from nuanjia.core.errors import RuleViolation

from .common import may_manage, require_manager
from .corners import change_corner, create_corner
from .disputes import open_dispute
from .matches import (
    complete_match,
    contact_for_employer,
    contact_masked,
    member_apply,
    member_consent,
    member_decline,
    propose_match,
    record_consent,
    start_match,
)
from .posts import check_pay, close_post, create_post
from .workers import member_sign_up, register_worker

__all__ = [
    "RuleViolation",
    "change_corner",
    "check_pay",
    "close_post",
    "complete_match",
    "contact_for_employer",
    "contact_masked",
    "create_corner",
    "create_post",
    "may_manage",
    "member_apply",
    "member_consent",
    "member_decline",
    "member_sign_up",
    "open_dispute",
    "propose_match",
    "record_consent",
    "register_worker",
    "require_manager",
    "start_match",
]
