"""How the audit trail names the model-worker app's events (core.audit_names)."""

from django.utils.translation import gettext_lazy as _

EVENT_NAMES = {
    "modelworkers.collective_added": _("Collective registered"),
    "modelworkers.collective_honour_added": _("Collective honour recorded"),
    "modelworkers.honours_imported": _("Model worker honours imported"),
    "modelworkers.base_added": _("Village base recorded"),
    "modelworkers.base_changed": _("Village base changed"),
    "modelworkers.pairing_added": _("Pairing recorded"),
    "modelworkers.pairing_visited": _("Pairing visit recorded"),
    "modelworkers.standard_saved": _("Model worker help standard saved"),
    "modelworkers.case_added": _("Model worker taken on for regular help"),
    "modelworkers.case_ended": _("Model worker's regular help ended"),
    "modelworkers.payment_proposed": _("Model worker help payment proposed"),
    "modelworkers.payment.approve": _("Model worker help payment approved"),
    "modelworkers.payment.refuse": _("Model worker help payment refused"),
}
