"""How the audit trail names the skills app's events (core.audit_names)."""

from django.utils.translation import gettext_lazy as _

EVENT_NAMES = {
    "skills.provider_added": _("Training provider registered"),
    "skills.course_created": _("Training course set up"),
    "skills.enrolled": _("Worker enrolled on a training course"),
    "skills.enrolments_imported": _("Training register imported"),
    "skills.session_added": _("Course session added"),
    "skills.attendance_recorded": _("Course attendance recorded"),
    "skills.exam_recorded": _("Exam result recorded"),
    "skills.certificate_recorded": _("Certificate recorded"),
    "skills.settlement.prepare": _("Training subsidy settlement prepared"),
    "skills.settlement.approve": _("Training subsidy settlement approved, amount reserved"),
    "skills.settlement.cancel": _("Training subsidy settlement cancelled"),
    "skills.contest_created": _("Skill contest set up"),
    "skills.entrant_added": _("Contest entrant added"),
    "skills.result_recorded": _("Contest score and award recorded"),
    "skills.academy_created": _("Craftsman academy set up"),
    "skills.teacher_added": _("Academy teacher added"),
    "skills.base_added": _("Training base added"),
}
