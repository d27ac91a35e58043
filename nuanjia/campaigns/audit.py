"""How the audit trail names the campaigns' events (the goods' are named in registrations)."""

from django.utils.translation import gettext_lazy as _

EVENT_NAMES = {
    "campaigns.campaign_created": _("Campaign created"),
    "campaigns.campaign_status": _("Campaign opened or closed"),
    "campaigns.activity_created": _("Campaign activity added"),
    "campaigns.rule_changed": _("Eligibility rule changed"),
    "campaigns.enrolment_started": _("Enrolment run started"),
    "campaigns.enrolment_chunk": _("Enrolment run: a chunk added"),
    "campaigns.enrolment_run": _("Enrolment run finished"),
    "campaigns.enrolment_added": _("Worker added to a list by hand"),
    "campaigns.enrolment_removed": _("Worker taken off a list"),
    "campaigns.roster.submit": _("Enrolment list submitted"),
    "campaigns.roster.approve": _("Enrolment list approved"),
    "campaigns.roster.return": _("Enrolment list returned for changes"),
    "campaigns.places_set": _("Places of an activity set"),
    "campaigns.places_allocated": _("Places passed to a union below"),
    "campaigns.places_withdrawn": _("Places taken back from a union below"),
    "campaigns.place_booked": _("Place booked"),
    "campaigns.booking_cancelled": _("Booking cancelled"),
    "campaigns.booking_attended": _("Booking attended"),
    "campaigns.visit_recorded": _("Warmth visit recorded"),
    "campaigns.visit_cancelled": _("Warmth visit cancelled"),
    "campaigns.findings_imported": _("Screening findings imported"),
    "campaigns.finding.found": _("Screening finding recorded"),
    "campaigns.finding.open_application": _("Finding: hardship application opened"),
    "campaigns.finding.propose_grant": _("Finding: one-off grant proposed"),
    "campaigns.finding.no_help": _("Finding: no help needed"),
    "campaigns.finding.record": _("Screening finding refused"),
    "campaigns.finding.import": _("Screening import refused"),
}
