"""The consumption-help app's choices and the plain rules its services share."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from nuanjia.orgs.rules import Role

from .units import GRAMS_PER_JIN, GRAMS_PER_KG


class ProducerKind(models.TextChoices):
    FARMER = "farmer", _("Farmer")  # 农户
    COOPERATIVE = "cooperative", _("Cooperative")  # 合作社
    FIRM = "firm", _("Firm")  # 企业


class Unit(models.TextChoices):
    JIN = "jin", pgettext_lazy("produce unit", "jin")  # 斤
    KG = "kg", pgettext_lazy("produce unit", "kg")  # 公斤
    BOX = "box", pgettext_lazy("produce unit", "box")  # 箱
    BAG = "bag", pgettext_lazy("produce unit", "bag")  # 袋


# The grams of one unit where the unit itself says it; a box or bag says it on the product.
FIXED_GRAMS = {Unit.JIN: GRAMS_PER_JIN, Unit.KG: GRAMS_PER_KG}


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    DELIVERED = "delivered", _("Delivered")
    RECEIVED = "received", _("Received")
    IN_BATCH = "in_batch", _("In a payment batch")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Payment failed")
    CANCELLED = "cancelled", _("Cancelled")


class OrderStep(models.TextChoices):
    SUBMIT = "submit", _("Submit")
    APPROVE = "approve", _("Approve")
    DELIVER = "deliver", _("Record delivery")
    RECEIVE = "receive", _("Record receipt")
    CANCEL = "cancel", _("Cancel")


class Destination(models.TextChoices):
    """Where an order's goods went (去向)."""

    SOLD = "sold", _("Sold to members")
    FAMILY = "family", _("Given to a hardship family")
    ACTIVITY = "activity", _("Handed out in an activity")


class BagOrderStatus(models.TextChoices):
    ORDERED = "ordered", _("Ordered")
    PAID = "paid", _("Paid")
    COLLECTED = "collected", _("Collected")
    CANCELLED = "cancelled", _("Cancelled")


class PayMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    POINT_CODE = "point_code", _("The point's payment code")
    ONLINE = "online", _("Online payment")


ORDER_ROLES = frozenset({Role.CASEWORKER})
APPROVER_ROLES = frozenset({Role.APPROVER})
PRODUCER_ROLES = frozenset({Role.CASEWORKER, Role.APPROVER})
# The orders whose goods have reached the union (their 斤 count in the figures).
ARRIVED = (
    OrderStatus.RECEIVED,
    OrderStatus.IN_BATCH,
    OrderStatus.PAID,
    OrderStatus.FAILED,
)
# Orders with their money reserved, waiting for the bank.
RESERVED = (
    OrderStatus.APPROVED,
    OrderStatus.DELIVERED,
    OrderStatus.RECEIVED,
    OrderStatus.IN_BATCH,
)


class FigureBy(models.TextChoices):
    """What the figures may be grouped by."""

    CITY = "city", _("City")
    ORG = "org", _("Buying union")
    COUNTY = "county", _("Producer county")
    MONTH = "month", _("Month")
