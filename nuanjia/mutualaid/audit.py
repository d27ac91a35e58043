"""How the audit trail names mutual aid's events."""

from django.utils.translation import gettext_lazy as _

EVENT_NAMES = {
    "mutualaid.plan_created": _("Mutual aid plan set up"),
    "mutualaid.version_added": _("Mutual aid plan version added"),
    "mutualaid.enrolled": _("Worker enrolled in a mutual aid plan"),
    "mutualaid.enrolments_imported": _("Mutual aid enrolments imported"),
    "mutualaid.enrolment_import_started": _("Mutual aid enrolment sheet uploaded"),
    "mutualaid.enrolment_import_resumed": _("Mutual aid enrolment import resumed"),
    "mutualaid.renewed": _("Mutual aid enrolments renewed"),
    "mutualaid.contribution": _("Mutual aid contribution received"),
    "mutualaid.cancelled": _("Mutual aid enrolment cancelled"),
    "mutualaid.reminders_sent": _("Mutual aid term-end reminders sent"),
    "mutualaid.claim.submit": _("Mutual aid claim entered and checked"),
    "mutualaid.claim.checked": _("Mutual aid claims checked in bulk"),
    "mutualaid.claim.review": _("Mutual aid claim sent to a second review"),
    "mutualaid.claim.approve": _("Mutual aid claim approved"),
    "mutualaid.claim.refuse": _("Mutual aid claim refused"),
    "mutualaid.claim.cancel": _("Mutual aid claim cancelled after approval"),
    "mutualaid.document_read": _("Mutual aid claim document downloaded"),
    "mutualaid.claims_exported": _("Mutual aid claims exported"),
}
