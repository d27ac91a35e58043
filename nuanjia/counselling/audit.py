"""How the audit trail names the psychological-help app's events (core.audit_names)."""

from django.utils.translation import gettext_lazy as _

EVENT_NAMES = {
    "counselling.line_created": _("Help line set up"),
    "counselling.line_changed": _("Help line changed"),
    "counselling.helper_added": _("Counsellor or volunteer registered"),
    "counselling.helpers_imported": _("Volunteer register imported"),
    "counselling.account_opened": _("Volunteer sign-in opened"),
    "counselling.qualification_added": _("Qualification recorded"),
    "counselling.shift_added": _("Shift added"),
    "counselling.shift_removed": _("Shift removed"),
    "counselling.swap.propose": _("Shift swap proposed"),
    "counselling.swap.approve": _("Shift swap approved"),
    "counselling.swap.refuse": _("Shift swap refused"),
    "counselling.session_logged": _("Counselling session logged"),
    "counselling.notes_read": _("Session notes read"),
    "counselling.followed_up": _("High-risk session followed up"),
    "counselling.escalated": _("High-risk session escalated"),
    "counselling.event_created": _("Class or column set up"),
    "counselling.attended": _("Attendance recorded"),
}
