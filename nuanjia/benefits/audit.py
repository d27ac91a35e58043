"""The names of the benefits app's audit events, as the audit trail shows them."""

from django.utils.translation import gettext_lazy as _

REDEEMED = "benefits.redeemed"
REVERSED = "benefits.reversed"
FLAGGED = "benefits.flagged"
OFFER_SAVED = "benefits.offer_saved"
TERMS_SAVED = "benefits.terms_saved"
COUPONS_ISSUED = "benefits.coupons_issued"
USAGE_FILE = "benefits.usage_file"

EVENT_NAMES = {
    REDEEMED: _("Member benefit used at a merchant"),
    REVERSED: _("Member benefit use reversed"),
    FLAGGED: _("Suspicious benefit use flagged"),
    OFFER_SAVED: _("Member offer saved"),
    TERMS_SAVED: _("Merchant terms saved"),
    COUPONS_ISSUED: _("Coupons issued to members"),
    USAGE_FILE: _("Merchant's monthly usage file recorded"),
    "benefits.statement.prepare": _("Merchant statement prepared"),
    "benefits.statement.confirm": _("Merchant statement confirmed by the merchant"),
    "benefits.statement.dispute": _("Merchant statement disputed by the merchant"),
    "benefits.statement.approve": _("Merchant statement approved, amount reserved"),
    "benefits.statement.cancel": _("Merchant statement cancelled"),
    "benefits.flag.clear": _("Benefits flag cleared"),
    "benefits.flag.confirm": _("Benefits flag confirmed as misuse"),
}
