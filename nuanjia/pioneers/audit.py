"""How the audit trail names the pioneers app's events (core.audit_names)."""

from django.utils.translation import gettext_lazy as _

EVENT_NAMES = {
    "pioneers.team_registered": _("Team registered"),
    "pioneers.title.nominate": _("Team nominated for Worker Pioneer"),
    "pioneers.title.review": _("Worker Pioneer nomination reviewed and publicised"),
    "pioneers.title.award": _("Worker Pioneer title awarded"),
    "pioneers.title.refuse": _("Worker Pioneer title refused"),
    "pioneers.title.pass_review": _("Worker Pioneer annual review passed"),
    "pioneers.title.revoke": _("Worker Pioneer title revoked"),
    "pioneers.competition_created": _("Labour competition set up"),
    "pioneers.team_entered": _("Team entered in a competition"),
    "pioneers.result_recorded": _("Competition result recorded"),
    "pioneers.results_imported": _("Competition results imported"),
    "pioneers.studio_created": _("Innovation studio registered"),
    "pioneers.member_added": _("Studio member added"),
    "pioneers.project_added": _("Studio project added"),
    "pioneers.result_added": _("Studio result recorded"),
    "pioneers.alliance_created": _("Studio alliance set up"),
    "pioneers.studio_joined": _("Studio joined an alliance"),
}
