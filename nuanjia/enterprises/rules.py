"""The enterprises app's vocabulary: kinds of firm, size classes, industries of the national
classification (统计上大中小微型企业划分办法 2017), and the statuses and steps of rent relief."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FirmKind(models.TextChoices):
    FIRM = "firm", _("Firm")  # 企业
    INDIVIDUAL = "individual", _("Individual business")  # 个体工商户
    INSTITUTION = "institution", _("Institution")  # 事业单位、社会组织


class SizeClass(models.TextChoices):
    LARGE = "large", _("Large")  # 大型
    MEDIUM = "medium", _("Medium")  # 中型
    SMALL = "small", _("Small")  # 小型
    MICRO = "micro", _("Micro")  # 微型
    UNKNOWN = "unknown", _("Size unknown")


SMALL_OR_MICRO = frozenset({SizeClass.SMALL, SizeClass.MICRO})
# Largest first: a firm takes the first class whose every lower bound it meets.
GRADED = (SizeClass.LARGE, SizeClass.MEDIUM, SizeClass.SMALL)


class Industry(models.TextChoices):
    """The industries of the 2017 table (the rows with thresholds of their own)."""

    FARMING = "farming", _("Agriculture, forestry, husbandry and fishery")
    INDUSTRY = "industry", _("Industry (mining, manufacturing, utilities)")
    CONSTRUCTION = "construction", _("Construction")
    WHOLESALE = "wholesale", _("Wholesale")
    RETAIL = "retail", _("Retail")
    TRANSPORT = "transport", _("Transport")
    WAREHOUSING = "warehousing", _("Warehousing")
    POSTAL = "postal", _("Postal services")
    LODGING = "lodging", _("Lodging")
    CATERING = "catering", _("Catering")
    TELECOM = "telecom", _("Information transmission")
    SOFTWARE = "software", _("Software and IT services")
    REAL_ESTATE = "real_estate", _("Real estate development")
    PROPERTY_MANAGEMENT = "property_mgmt", _("Property management")
    LEASING = "leasing", _("Leasing and business services")
    OTHER = "other", _("Other industries")


class LeaseStatus(models.TextChoices):
    ACTIVE = "active", _("Running")
    ENDED = "ended", _("Ended")


class ReliefStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    CANCELLED = "cancelled", _("Cancelled")


class ReliefStep(models.TextChoices):
    APPROVE = "approve", _("Approve the rent relief")
    CANCEL = "cancel", _("Cancel the rent relief")


class ReliefLineKind(models.TextChoices):
    FREE = "free", _("Rent-free month")
    REDUCED = "reduced", _("Reduced-rent month")


class RefundStatus(models.TextChoices):
    """The refund of rent already paid for relieved months (a payable of the batches)."""

    NONE = "none", _("Nothing to refund")
    WAITING = "waiting", _("Waiting for the bank")
    IN_BATCH = "in_batch", _("In a payment batch")
    PAID = "paid", _("Refunded")
    FAILED = "failed", _("Refund failed")
    CANCELLED = "cancelled", _("Refund cancelled")


class RebateBatchStatus(models.TextChoices):
    STAGED = "staged", _("Staged")
    APPROVED = "approved", _("Approved")
    CANCELLED = "cancelled", _("Cancelled")


class RebateBatchStep(models.TextChoices):
    APPROVE = "approve", _("Approve the rebates")
    CANCEL = "cancel", _("Cancel the staged rebates")


class RebateStatus(models.TextChoices):
    STAGED = "staged", _("Staged")
    APPROVED = "approved", _("Approved")
    IN_BATCH = "in_batch", _("In a payment batch")
    PAID = "paid", _("Returned")
    FAILED = "failed", _("Payment failed")
    CANCELLED = "cancelled", _("Cancelled")


LIVE_REBATE = (
    RebateStatus.STAGED,
    RebateStatus.APPROVED,
    RebateStatus.IN_BATCH,
    RebateStatus.PAID,
    RebateStatus.FAILED,
)


class RebateException(models.TextChoices):
    """Why a collection was not staged for a rebate (listed apart)."""

    PREPARATORY = "preparatory", _("Collected as union preparatory funds: not rebated")
    NO_UNION_ACCOUNT = "no_account", _("The firm's union has no bank account")
    SIZE_UNKNOWN = "size_unknown", _("The firm's size is unknown for the period")
    NOT_SMALL = "not_small", _("Not a small or micro firm in the period")
    ALREADY_RETURNED = "returned", _("Already rebated for the period")
    NO_POLICY = "no_policy", _("No rebate policy in force for the period")


class HelpStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    PAID = "paid", _("Approved and paid")
    CANCELLED = "cancelled", _("Cancelled")


class HelpStep(models.TextChoices):
    APPROVE = "approve", _("Approve and pay the help")
    CANCEL = "cancel", _("Cancel the help")
