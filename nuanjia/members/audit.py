"""The names of the member portal's audit events, registered at start-up (core.audit_names)."""

from django.utils.translation import gettext_lazy as _

EVENT_NAMES = {
    "member.opened": _("Member account opened"),
    "member.reopened": _("Member account opened again"),
    "member.signed_in": _("Member signed in"),
    "member.signed_out": _("Member signed out"),
    "member.signed_out_everywhere": _("Member signed out on every device"),
    "member.rechecked": _("Member confirmed by a texted code"),
    "member.bound": _("Member account bound to a record"),
    "member.closed": _("Member account closed"),
    "member.data_downloaded": _("Member downloaded their data"),
    "member.partner_consent_given": _("Member allowed a partner to see their name"),
    "member.partner_consent_withdrawn": _("Member withdrew a partner's sight of their name"),
    "partner.registered": _("Partner registered"),
    "partner.outlet_added": _("Partner outlet added"),
    "partner.user_added": _("Partner person added"),
    "partner.user_started": _("Partner person restarted"),
    "partner.user_stopped": _("Partner person stopped"),
    "partner.signed_in": _("Partner person signed in"),
    "binding.binding_asked": _("Binding asked"),
    "binding.binding_confirmed": _("Binding confirmed"),
    "binding.binding_refused": _("Binding refused"),
    "join.join_submitted": _("Join application made"),
    "join.join_withdrawn": _("Join application withdrawn"),
    "join.join_accepted": _("Join application accepted"),
    "join.join_refused": _("Join application refused"),
    "data_request.data_request_asked": _("Personal data request made"),
    "data_request.data_request_done": _("Personal data request done"),
    "data_request.data_request_refused": _("Personal data request refused"),
}
