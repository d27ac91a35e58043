"""The benefits app's enums and constants (会员普惠): periods of the limits, redemption and
statement statuses, the steps of the workflows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# Days, ISO weeks (Monday 00:00) and months are counted in this zone, whatever the server's.
TIME_ZONE = "Asia/Shanghai"
# A redemption may be reversed by the merchant until this time of its own day (HH:MM).
REVERSAL_UNTIL = "23:59"
# Suspicious patterns (flags to the benefits reviewers' queue).
FAR_KM = 50  # the same card at outlets further apart than this …
FAR_MINUTES = 30  # … within this many minutes
BURST_USES = 5  # more uses than this …
BURST_MINUTES = 10  # … within this many minutes
USAGE_MAX_ROWS = 50_000  # rows read per monthly usage file


class Period(models.TextChoices):
    DAY = "day", _("Day")
    WEEK = "week", _("Week (from Monday)")
    MONTH = "month", _("Calendar month")
    YEAR = "year", _("Year")
    TOTAL = "total", _("Whole offer")


MEMBER_PERIODS = (Period.DAY, Period.WEEK, Period.MONTH, Period.YEAR)


class RedemptionSource(models.TextChoices):
    SCAN = "scan", _("Card scan")
    UPLOAD = "upload", _("Monthly usage file")


class FlagKind(models.TextChoices):
    FAR_APART = "far", _("Same card at outlets far apart")  # 异地短时重复使用
    BURST = "burst", _("Many uses in a short time")  # 短时高频使用


class FlagStatus(models.TextChoices):
    OPEN = "open", _("Waiting for review")
    CLEARED = "cleared", _("Cleared")
    CONFIRMED = "confirmed", _("Confirmed as misuse")


class FlagStep(models.TextChoices):
    CLEAR = "clear", _("Clear the flag")
    CONFIRM = "confirm", _("Confirm misuse")


class CouponStatus(models.TextChoices):
    ISSUED = "issued", _("Not used yet")
    USED = "used", _("Used")


class StatementStatus(models.TextChoices):
    PREPARED = "prepared", _("Waiting for the merchant to confirm")  # 待商户确认
    DISPUTED = "disputed", _("Disputed by the merchant")  # 商户有异议
    CONFIRMED = "confirmed", _("Waiting for approval")  # 待审批
    APPROVED = "approved", _("Approved, waiting for payment")  # 待付款
    IN_BATCH = "in_batch", _("In a payment batch")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Payment failed")
    CANCELLED = "cancelled", _("Cancelled")


class StatementStep(models.TextChoices):
    CONFIRM = "confirm", _("Confirm the statement")
    DISPUTE = "dispute", _("Dispute the statement")
    APPROVE = "approve", _("Approve for payment")
    CANCEL = "cancel", _("Cancel the statement")
