"""The skills services (every write, audited): providers and courses, enrolment, sessions and
attendance, exams and certificates, subsidy settlements, contests and academies."""

from nuanjia.core.errors import RuleViolation

from .certificates import record_certificate
from .common import may_manage, require_manager
from .contests import (
    add_base,
    add_entrant,
    add_teacher,
    create_academy,
    create_contest,
    record_result,
)
from .courses import (
    add_provider,
    add_session,
    certificate_of,
    create_course,
    enrol,
    record_attendance,
    record_exam,
)
from .settlements import (
    SETTLEMENT_ACTIONS,
    approve_settlement,
    cancel_settlement,
    counted,
    prepare_settlement,
    preview,
    reserve,
)

__all__ = [
    "SETTLEMENT_ACTIONS",
    "RuleViolation",
    "add_base",
    "add_entrant",
    "add_provider",
    "add_session",
    "add_teacher",
    "approve_settlement",
    "cancel_settlement",
    "certificate_of",
    "counted",
    "create_academy",
    "create_contest",
    "create_course",
    "enrol",
    "may_manage",
    "prepare_settlement",
    "preview",
    "record_attendance",
    "record_certificate",
    "record_exam",
    "record_result",
    "require_manager",
    "reserve",
]
