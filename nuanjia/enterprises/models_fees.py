"""Union fees (工会经费) collected by the tax office and their rebates to small and micro
firms' unions: the collections imported from the tax office's sheet, the rebate policy as
data (the shares kept by each level and the share returned, from when to when), batches of
rebates staged by a finance officer and approved by another person in one step, the
rebates (never two live ones for a firm and period: a unique constraint) and the exceptions
listed apart."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from nuanjia.core.history import StepEvent
from nuanjia.orgs.model_fields import staff_field
from nuanjia.orgs.models import Org

from .models import FirmProfile
from .rules import RebateBatchStatus, RebateException, RebateStatus


class FeeCollection(models.Model):
    """One row of the tax office's collection sheet: a firm's union fee of a period (所属期)."""

    firm = models.ForeignKey(FirmProfile, on_delete=models.PROTECT, related_name="collections")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")  # firm's county
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    payroll_fen = models.BigIntegerField(_("payroll"))
    fee_fen = models.BigIntegerField(_("union fee"))
    paid_on = models.DateField(_("paid into the treasury on"))
    preparatory = models.BooleanField(_("union preparatory funds"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("union fee collected")
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "period_start"], name="enterprises_collection_once"
            ),
            models.CheckConstraint(
                condition=Q(fee_fen__gte=0) & Q(payroll_fen__gte=0)
                & Q(period_end__gte=F("period_start")),
                name="enterprises_collection_sane",
            ),
        ]  # fmt: skip
        indexes = [models.Index(fields=["org", "period_start"], name="enterprises_coll_org")]

    def __str__(self) -> str:
        return f"{self.firm_id} {self.period_start}"


class RebatePolicy(models.Model):
    """Who keeps what of the union fee (‰ of it, summing to 1000) and the share returned to a
    small or micro firm's union, in force from/to."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    grassroots_permille = models.PositiveSmallIntegerField(_("grassroots union keeps (‰)"))
    county_permille = models.PositiveSmallIntegerField(_("county union keeps (‰)"))
    city_permille = models.PositiveSmallIntegerField(_("city union keeps (‰)"))
    province_permille = models.PositiveSmallIntegerField(_("provincial union keeps (‰)"))
    returned_permille = models.PositiveSmallIntegerField(_("returned to the firm's union (‰)"))
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force to"), null=True, blank=True)
    earmark = models.ForeignKey("funds.Earmark", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("fee rebate policy")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    grassroots_permille=1000 - F("county_permille") - F("city_permille")
                    - F("province_permille")
                ),
                name="enterprises_rebate_shares_whole",
            ),
            models.CheckConstraint(
                condition=Q(returned_permille__lte=1000 - F("grassroots_permille")),
                name="enterprises_rebate_upper_share_only",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name


class RebateBatch(models.Model):
    """One staging run (a county's or city's collections of the periods chosen), approved as a
    whole by another person."""

    steps: list[str]

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    period_from = models.DateField(_("periods from"))
    period_to = models.DateField(_("periods to"))
    status = models.CharField(
        _("status"), max_length=10, choices=RebateBatchStatus.choices,
        default=RebateBatchStatus.STAGED,
    )  # fmt: skip
    count = models.PositiveIntegerField(_("rebates"), default=0)
    total_fen = models.BigIntegerField(_("total"), default=0)
    exception_count = models.PositiveIntegerField(_("exceptions"), default=0)
    staged_by = staff_field(null=True, blank=True)
    approved_by = staff_field(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rebate batch")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | Q(staged_by__isnull=True)
                | ~Q(approved_by=F("staged_by")),
                name="enterprises_rebate_batch_maker_is_not_checker",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"FH{self.pk:06d}"


class RebateBatchEvent(StepEvent):
    batch = models.ForeignKey(RebateBatch, on_delete=models.PROTECT, related_name="events")


class Rebate(models.Model):
    """A firm's union's rebate of one period's fee, under the size class it had then."""

    batch = models.ForeignKey(RebateBatch, on_delete=models.PROTECT, related_name="rebates")
    collection = models.ForeignKey(FeeCollection, on_delete=models.PROTECT, related_name="+")
    firm = models.ForeignKey(FirmProfile, on_delete=models.PROTECT, related_name="rebates")
    # No index of their own (fewer to keep up when a province's rebates are staged at once):
    # the queue index leads with org; nothing looks rebates up by earmark alone.
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", db_index=False)
    earmark = models.ForeignKey(
        "funds.Earmark", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    period_start = models.DateField()
    size_class = models.CharField(max_length=8)
    fee_fen = models.BigIntegerField()
    amount_fen = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=RebateStatus.choices)
    payment_batch = models.ForeignKey(
        "relief.PaymentBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )  # fmt: skip

    class Meta:
        verbose_name = _("fee rebate")
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "period_start"],
                condition=~Q(status=RebateStatus.CANCELLED),
                name="enterprises_rebate_once_per_period",
            ),
            models.CheckConstraint(
                condition=Q(amount_fen__gte=0) & Q(amount_fen__lte=F("fee_fen")),
                name="enterprises_rebate_within_fee",
            ),
        ]
        indexes = [
            models.Index(fields=["org", "status"], name="enterprises_rebate_queue"),
            # Only rebates in a payment batch are looked up by it: staged ones add nothing.
            models.Index(
                fields=["payment_batch"], condition=Q(payment_batch__isnull=False),
                name="enterprises_rebate_paying",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"FK{self.pk:08d}"


class RebateExceptionRow(models.Model):
    """A collection of the staging run not staged, with the reason (listed apart)."""

    batch = models.ForeignKey(RebateBatch, on_delete=models.CASCADE, related_name="exceptions")
    collection = models.ForeignKey(FeeCollection, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=12, choices=RebateException.choices)
    amount_fen = models.BigIntegerField(default=0)  # what would be due, where known

    class Meta:
        verbose_name = _("rebate exception")

    def __str__(self) -> str:
        return f"{self.collection_id} {self.reason}"
