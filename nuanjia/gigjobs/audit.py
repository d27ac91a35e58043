"""How the audit trail names the gig-job app's events (core.audit_names)."""

from django.utils.translation import gettext_lazy as _

EVENT_NAMES = {
    "gigjobs.corner_created": _("Gig-job corner set up"),
    "gigjobs.corner_changed": _("Gig-job corner changed"),
    "gigjobs.corners_imported": _("Gig-job corner register imported"),
    "gigjobs.post_created": _("Job post entered"),
    "gigjobs.post_closed": _("Job post closed"),
    "gigjobs.worker_registered": _("Gig worker registered"),
    "gigjobs.worker_signed_up": _("Gig worker signed up on the phone"),
    "gigjobs.availability_changed": _("Gig worker's availability changed"),
    "gigjobs.match.propose": _("Gig job match proposed"),
    "gigjobs.match.consent": _("Worker consented to a gig job match"),
    "gigjobs.match.decline": _("Worker declined a gig job match"),
    "gigjobs.match.start": _("Gig job started"),
    "gigjobs.match.complete": _("Gig job completed"),
    "gigjobs.match.no_show": _("Gig worker did not come"),
    "gigjobs.match.cancel": _("Gig job match cancelled"),
    "gigjobs.contact_read": _("Employer read a gig worker's contact"),
    "gigjobs.dispute_opened": _("Gig job dispute sent to 12351"),
}
