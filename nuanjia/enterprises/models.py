"""Firms on the registry and union-owned premises.

A firm is a `people.Employer` (credit code unique province-wide, its workplace union): the
enterprises app adds a profile (kind, industry, the county union it belongs to, its bank and
union accounts) and dated figures (headcount, revenue, total assets of a year) from which its
size class is computed by the national classification, kept as a dated threshold table.

Premises: properties owned by a union, their units, leases to firms with their rent schedule
(one row per lease month), rent-relief policies as data and the reliefs applied to leases
(maker-checker), whose lines are the relief register reconciled with the schedules."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from nuanjia.core.history import StepEvent
from nuanjia.orgs.model_fields import staff_field
from nuanjia.orgs.models import Org

from .rules import (
    FirmKind,
    Industry,
    LeaseStatus,
    RefundStatus,
    ReliefLineKind,
    ReliefStatus,
    SizeClass,
)


class FirmProfile(models.Model):
    """What the enterprises app keeps about a registry employer (one profile per employer)."""

    employer = models.OneToOneField(
        "people.Employer", on_delete=models.PROTECT, related_name="firm_profile"
    )
    # The county union of the firm's region: the firm's rows are scoped to it (and to the
    # employer's workplace union, where it has one).
    org = models.ForeignKey(
        Org, verbose_name=_("county union"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=FirmKind.choices)
    industry = models.CharField(_("industry"), max_length=16, choices=Industry.choices)
    # The firm's own account (refunds of rent) and its union's account (fee rebates).
    account_name = models.CharField(_("account name"), max_length=100, blank=True)
    account_encrypted = models.TextField(blank=True)
    account_masked = models.CharField(_("bank account"), max_length=40, blank=True)
    bank_name = models.CharField(_("bank"), max_length=60, blank=True)
    union_account_name = models.CharField(_("union account name"), max_length=100, blank=True)
    union_account_encrypted = models.TextField(blank=True)
    union_account_masked = models.CharField(_("union bank account"), max_length=40, blank=True)
    union_bank_name = models.CharField(_("union bank"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("firm")
        indexes = [models.Index(fields=["org"], name="enterprises_firm_org")]

    def __str__(self) -> str:
        return self.employer.name


class SizeThreshold(models.Model):
    """One row of the national classification: the lower bounds an industry's firm must all
    meet to be of `size_class` (a bound left empty is not a measure of that industry),
    in force from `effective_on`."""

    industry = models.CharField(_("industry"), max_length=16, choices=Industry.choices)
    size_class = models.CharField(_("size class"), max_length=8, choices=SizeClass.choices)
    effective_on = models.DateField(_("in force from"))
    min_employees = models.PositiveIntegerField(_("employees at least"), null=True, blank=True)
    min_revenue_fen = models.BigIntegerField(_("revenue at least"), null=True, blank=True)
    min_assets_fen = models.BigIntegerField(_("total assets at least"), null=True, blank=True)

    class Meta:
        verbose_name = _("size threshold")
        constraints = [
            models.UniqueConstraint(
                fields=["industry", "size_class", "effective_on"],
                name="enterprises_threshold_once",
            ),
            models.CheckConstraint(
                condition=Q(min_employees__isnull=False)
                | Q(min_revenue_fen__isnull=False)
                | Q(min_assets_fen__isnull=False),
                name="enterprises_threshold_has_a_measure",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.industry} {self.size_class} {self.effective_on}"


class FirmFigures(models.Model):
    """A firm's figures of a year and the size class they give, applying from `effective_on`
    (the class a period is judged by is the one of the latest figures in force then)."""

    firm = models.ForeignKey(FirmProfile, on_delete=models.PROTECT, related_name="figures")
    year = models.PositiveSmallIntegerField(_("year of the figures"))
    effective_on = models.DateField(_("applies from"))
    kind = models.CharField(_("kind"), max_length=12, choices=FirmKind.choices)
    industry = models.CharField(_("industry"), max_length=16, choices=Industry.choices)
    headcount = models.PositiveIntegerField(_("employees"))
    revenue_fen = models.BigIntegerField(_("revenue"))
    assets_fen = models.BigIntegerField(_("total assets"), null=True, blank=True)
    size_class = models.CharField(_("size class"), max_length=8, choices=SizeClass.choices)
    recorded_by = staff_field(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("firm figures")
        ordering = ["-effective_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "effective_on"], name="enterprises_figures_one_a_day"
            ),
            models.CheckConstraint(
                condition=Q(revenue_fen__gte=0)
                & (Q(assets_fen__isnull=True) | Q(assets_fen__gte=0)),
                name="enterprises_figures_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.firm_id} {self.year} {self.size_class}"


class Property(models.Model):
    """Premises owned by a union (工会资产)."""

    org = models.ForeignKey(
        Org, verbose_name=_("owning union"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("union property")
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="enterprises_property_name")
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    property = models.ForeignKey(Property, on_delete=models.PROTECT, related_name="units")
    code = models.CharField(_("unit"), max_length=30)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("unit")
        constraints = [
            models.UniqueConstraint(fields=["property", "code"], name="enterprises_unit_code")
        ]

    def __str__(self) -> str:
        return f"{self.property.name} {self.code}"


class Lease(models.Model):
    """A tenant firm's lease of a unit: rent per month in fen, from `starts_on` to `ends_on`
    (inclusive). `org` is the tenant's county union (scoping), the owning union sees it too."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="leases")
    tenant = models.ForeignKey(FirmProfile, on_delete=models.PROTECT, related_name="leases")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(
        Org, verbose_name=_("owning union"), on_delete=models.PROTECT, related_name="+"
    )
    monthly_rent_fen = models.BigIntegerField(_("monthly rent"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    deposit_fen = models.BigIntegerField(_("deposit"), default=0)
    status = models.CharField(
        _("status"), max_length=8, choices=LeaseStatus.choices, default=LeaseStatus.ACTIVE
    )
    created_by = staff_field(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lease")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="enterprises_lease_dates"
            ),
            models.CheckConstraint(
                condition=Q(monthly_rent_fen__gt=0) & Q(deposit_fen__gte=0),
                name="enterprises_lease_amounts",
            ),
        ]
        indexes = [models.Index(fields=["org"], name="enterprises_lease_org")]

    def __str__(self) -> str:
        return f"ZL{self.pk:06d}"


class ScheduleMonth(models.Model):
    """One lease month of the rent schedule (anchored on the lease's start day; the last one
    may be part of a month, its rent pro-rated by days). `relieved_fen` is what approved
    reliefs took off it: the register's lines of the month add up to it."""

    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="schedule")
    number = models.PositiveSmallIntegerField(_("month number"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    due_fen = models.BigIntegerField(_("rent due"))
    paid_fen = models.BigIntegerField(_("rent paid"), default=0)
    relieved_fen = models.BigIntegerField(_("rent relieved"), default=0)

    class Meta:
        ordering = ["lease", "number"]
        constraints = [
            models.UniqueConstraint(fields=["lease", "number"], name="enterprises_schedule_once"),
            models.CheckConstraint(
                condition=Q(relieved_fen__gte=0) & Q(relieved_fen__lte=F("due_fen")),
                name="enterprises_schedule_relief_within_due",
            ),
            models.CheckConstraint(
                condition=Q(paid_fen__gte=0) & Q(paid_fen__lte=F("due_fen")),
                name="enterprises_schedule_paid_within_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on}–{self.ends_on}"


class ReliefPolicy(models.Model):
    """A rent-relief policy (减免政策) as data: `free_months` rent-free, then `reduced_months`
    at `reduced_num`/`reduced_den` of the rent relieved (1/2: half rent); who qualifies;
    the window in which a lease must be running; in force from/to."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    org = models.ForeignKey(
        Org, verbose_name=_("issuing union"), on_delete=models.PROTECT, related_name="+"
    )
    free_months = models.PositiveSmallIntegerField(_("rent-free months"))
    reduced_months = models.PositiveSmallIntegerField(_("reduced-rent months"))
    reduced_num = models.PositiveSmallIntegerField(_("share relieved: numerator"), default=1)
    reduced_den = models.PositiveSmallIntegerField(_("share relieved: denominator"), default=2)
    small_and_micro = models.BooleanField(_("small and micro firms qualify"), default=True)
    individual_businesses = models.BooleanField(_("individual businesses qualify"), default=True)
    window_starts_on = models.DateField(_("window from"))
    window_ends_on = models.DateField(_("window to"))
    earmark = models.ForeignKey("funds.Earmark", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rent-relief policy")
        constraints = [
            models.CheckConstraint(
                condition=Q(reduced_den__gt=0) & Q(reduced_num__lte=F("reduced_den")),
                name="enterprises_policy_fraction",
            ),
            models.CheckConstraint(
                condition=Q(window_ends_on__gte=F("window_starts_on")),
                name="enterprises_policy_window",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RentRelief(models.Model):
    """A policy applied to a lease: proposed by a caseworker, approved by another person.
    The rent already paid for relieved months is refunded as the payable
    "enterprises.rent_refund" (reserved on approval, paid by a payment batch)."""

    steps: list[str]

    lease = models.ForeignKey(Lease, on_delete=models.PROTECT, related_name="reliefs")
    policy = models.ForeignKey(ReliefPolicy, on_delete=models.PROTECT, related_name="reliefs")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    payer = models.ForeignKey(
        Org, verbose_name=_("paying union"), on_delete=models.PROTECT, related_name="+"
    )
    earmark = models.ForeignKey("funds.Earmark", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=10, choices=ReliefStatus.choices, default=ReliefStatus.PROPOSED
    )
    months = models.PositiveSmallIntegerField(_("months relieved"))
    total_fen = models.BigIntegerField(_("rent relieved"))
    refund_fen = models.BigIntegerField(_("refund of rent paid"), default=0)
    refund_status = models.CharField(
        _("refund"), max_length=10, choices=RefundStatus.choices, default=RefundStatus.NONE
    )
    batch = models.ForeignKey(
        "relief.PaymentBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_by = staff_field(null=True, blank=True)
    approved_by = staff_field(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("rent relief")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["lease", "policy"],
                condition=~Q(status=ReliefStatus.CANCELLED),
                name="enterprises_relief_once_per_policy",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True)
                | Q(proposed_by__isnull=True)
                | ~Q(approved_by=F("proposed_by")),
                name="enterprises_relief_maker_is_not_checker",
            ),
            models.CheckConstraint(
                condition=Q(refund_fen__gte=0) & Q(refund_fen__lte=F("total_fen")),
                name="enterprises_relief_refund_within_total",
            ),
        ]
        indexes = [models.Index(fields=["org", "status"], name="enterprises_relief_queue")]

    def __str__(self) -> str:
        return f"JM{self.pk:06d}"


class RentReliefEvent(StepEvent):
    relief = models.ForeignKey(RentRelief, on_delete=models.PROTECT, related_name="events")


class ReliefLine(models.Model):
    """The relief register: one line per relieved schedule month of a relief."""

    relief = models.ForeignKey(RentRelief, on_delete=models.CASCADE, related_name="lines")
    month = models.ForeignKey(ScheduleMonth, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=ReliefLineKind.choices)
    due_fen = models.BigIntegerField()
    relief_fen = models.BigIntegerField()
    refund_fen = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["relief", "month__number"]
        constraints = [
            models.UniqueConstraint(fields=["relief", "month"], name="enterprises_line_once"),
            models.CheckConstraint(
                condition=Q(relief_fen__gte=0) & Q(relief_fen__lte=F("due_fen")),
                name="enterprises_line_within_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relief_id} {self.kind} {self.relief_fen}"


# The union-fee models live in their own module (size); Django finds them through this one.
from .models_checkups import CheckUp, Finding, FollowUpTask, Visit  # noqa: E402
from .models_fees import (  # noqa: E402
    FeeCollection,
    Rebate,
    RebateBatch,
    RebateBatchEvent,
    RebateExceptionRow,
    RebatePolicy,
)
from .models_help import FirmHelp, FirmHelpEvent, HelpCap  # noqa: E402

__all__ = [
    "CheckUp",
    "FeeCollection",
    "Finding",
    "FirmFigures",
    "FirmHelp",
    "FirmHelpEvent",
    "FirmProfile",
    "FollowUpTask",
    "HelpCap",
    "Lease",
    "Property",
    "Rebate",
    "RebateBatch",
    "RebateBatchEvent",
    "RebateExceptionRow",
    "RebatePolicy",
    "ReliefLine",
    "ReliefPolicy",
    "RentRelief",
    "RentReliefEvent",
    "ScheduleMonth",
    "SizeThreshold",
    "Unit",
    "Visit",
]
