"""How the audit trail names the consumption-help app's events (core.audit_names)."""

from django.utils.translation import gettext_lazy as _

EVENT_NAMES = {
    "produce.county_listed": _("Poverty-alleviation county listed"),
    "produce.producer_registered": _("Producer registered"),
    "produce.producer_changed": _("Producer changed"),
    "produce.bag_changed": _("Gift bag changed"),
    "produce.producers_imported": _("Producers imported"),
    "produce.product_added": _("Product added"),
    "produce.limit_set": _("Order limit set"),
    "produce.order.create": _("Buy-to-help order drawn up"),
    "produce.order.submit": _("Buy-to-help order submitted"),
    "produce.order.approve": _("Buy-to-help order approved, amount reserved"),
    "produce.order.deliver": _("Buy-to-help order delivered"),
    "produce.order.receive": _("Buy-to-help order received"),
    "produce.order.cancel": _("Buy-to-help order cancelled"),
    "produce.order.destination": _("Where the goods went recorded"),
    "produce.bag_created": _("Gift bag set up"),
    "produce.bag_stocked": _("Gift bags received into stock"),
    "produce.bag_ordered": _("Gift bag ordered by a member"),
    "produce.bag_paid": _("Gift bag paid"),
    "produce.bag_collected": _("Gift bag collected"),
    "produce.bag_order_cancelled": _("Gift bag order cancelled"),
}
