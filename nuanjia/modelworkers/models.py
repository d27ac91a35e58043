"""Model workers (劳模): collectives and their honours (先进集体), the "乡村振兴劳模出彩" bases
and pairing records, and the regular help for model workers in difficulty (困难劳模帮扶) with
its dated standard, register and payments.

A worker's own honours stay `people.Honour` (its meaning unchanged); every row here carries
the union (`org`) that scopes it. Money is in fen."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from nuanjia.core.history import StepEvent
from nuanjia.orgs.models import Org
from nuanjia.people.honour_models import FIRST_HONOUR_YEAR, HonourLevel
from nuanjia.standards.models import REGION_CODE_VALIDATOR

from .rules import (
    CaseStatus,
    CollectiveHonourKind,
    CollectiveKind,
    Frequency,
    PairingTarget,
    PaymentStatus,
    StandardPer,
)


def _staff(name: str = "+") -> models.ForeignKey:
    return models.ForeignKey(
        "orgs.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name=name
    )


class Collective(models.Model):
    """A collective honoured as a whole (先进集体): a workplace team, an employer or a union."""

    org = models.ForeignKey(Org, verbose_name=_("union"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=12, choices=CollectiveKind.choices)
    name = models.CharField(_("name"), max_length=100)
    employer = models.ForeignKey(
        "people.Employer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("collective")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="modelworkers_collective_name"),
            models.CheckConstraint(
                condition=Q(kind__in=CollectiveKind.values), name="modelworkers_collective_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CollectiveHonour(models.Model):
    """One honour of a collective (模范职工之家, 五一劳动奖状, 先进集体…)."""

    collective = models.ForeignKey(Collective, on_delete=models.CASCADE, related_name="honours")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("honour"), max_length=16, choices=CollectiveHonourKind.choices)
    level = models.CharField(_("level"), max_length=12, choices=HonourLevel.choices)
    year = models.PositiveSmallIntegerField(_("year awarded"))
    issuer = models.CharField(_("awarded by"), max_length=100)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("collective honour")
        ordering = ["-year", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_HONOUR_YEAR), name="modelworkers_chonour_year"
            ),
            models.UniqueConstraint(
                fields=["collective", "kind", "level", "year"], name="modelworkers_chonour_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"


class Base(models.Model):
    """A "乡村振兴劳模出彩" base: a village (county code of GB/T 2260 and the village's name)
    where a model worker brings projects, money and technology."""

    org = models.ForeignKey(Org, verbose_name=_("union"), on_delete=models.PROTECT)
    region_code = models.CharField(_("county"), max_length=6, validators=[REGION_CODE_VALIDATOR])
    village = models.CharField(_("village"), max_length=60)
    worker = models.ForeignKey(
        "people.Worker", verbose_name=_("model worker"), on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    projects = models.TextField(_("projects"), blank=True)
    money_fen = models.PositiveBigIntegerField(_("money brought (fen)"), default=0)
    technology = models.TextField(_("technology brought"), blank=True)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("village base")
        ordering = ["-started_on", "-id"]
        indexes = [models.Index(fields=["updated_at"], name="modelworkers_base_stamp")]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "region_code", "village", "worker"], name="modelworkers_base_once"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="modelworkers_base_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.village


class Pairing(models.Model):
    """A model worker paired with a village (its base) or a hardship family (结对帮扶)."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey("people.Worker", on_delete=models.PROTECT, related_name="+")
    target = models.CharField(_("paired with"), max_length=8, choices=PairingTarget.choices)
    base = models.ForeignKey(
        Base, null=True, blank=True, on_delete=models.PROTECT, related_name="pairings"
    )
    hardship_file = models.ForeignKey(
        "hardship.HardshipFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pairing")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(target=PairingTarget.VILLAGE, base__isnull=False, hardship_file__isnull=True)
                    | Q(target=PairingTarget.FAMILY, base__isnull=True, hardship_file__isnull=False)
                ),
                name="modelworkers_pairing_one_target",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="modelworkers_pairing_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"JD{self.pk:06d}"


class PairingVisit(models.Model):
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField(_("visited on"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return str(self.visited_on)


class HelpStandard(models.Model):
    """The dated standard of the help for model workers in difficulty: an amount per month
    or per year for an honour level, from a day on, for a region (county → city → province
    fallback, standards.queries.in_force)."""

    region_code = models.CharField(
        _("region code"), max_length=6, validators=[REGION_CODE_VALIDATOR]
    )
    level = models.CharField(_("level"), max_length=12, choices=HonourLevel.choices)
    effective_on = models.DateField(_("effective on"))
    per = models.CharField(_("per"), max_length=6, choices=StandardPer.choices)
    amount_fen = models.PositiveBigIntegerField(_("amount (fen)"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("help standard")
        ordering = ["region_code", "level", "-effective_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "level", "effective_on"], name="modelworkers_standard_once"
            ),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="modelworkers_standard_pos"),
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.level} {self.effective_on}"


class HelpCase(models.Model):
    """A model worker on the help register (困难劳模帮扶名册): the 劳模 honour that makes them
    eligible and the income condition recorded when they were taken on."""

    org = models.ForeignKey(Org, verbose_name=_("union"), on_delete=models.PROTECT)
    worker = models.ForeignKey("people.Worker", on_delete=models.PROTECT, related_name="+")
    honour = models.ForeignKey("people.Honour", on_delete=models.PROTECT, related_name="+")
    frequency = models.CharField(_("paid"), max_length=10, choices=Frequency.choices)
    household_size = models.PositiveSmallIntegerField(_("household size"), default=1)
    income_monthly_fen = models.PositiveBigIntegerField(_("household income per month (fen)"))
    income_note = models.CharField(_("income condition"), max_length=200)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=CaseStatus.choices, default=CaseStatus.ACTIVE
    )
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("help case")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"],
                condition=Q(status=CaseStatus.ACTIVE),
                name="modelworkers_case_one_active",
            ),
        ]

    def __str__(self) -> str:
        return f"LM{self.pk:06d}"


class HelpPayment(models.Model):
    """One regular payment of one period to a model worker on the register: proposed,
    approved by another person with the amount reserved, then paid through the payment
    batches (the payable "modelworkers.help"). Once per person per period."""

    case = models.ForeignKey(HelpCase, on_delete=models.PROTECT, related_name="payments")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey("people.Worker", on_delete=models.PROTECT, related_name="+")
    earmark = models.ForeignKey("funds.Earmark", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=8)  # 2026-12 or 2026-Q4
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    amount_fen = models.PositiveBigIntegerField(_("amount (fen)"))
    status = models.CharField(
        _("status"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.PROPOSED
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    batch = models.ForeignKey(
        "relief.PaymentBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_by = _staff()
    approved_by = _staff()
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("help payment")
        ordering = ["-period_start", "-id"]
        indexes = [
            models.Index(fields=["updated_at"], name="modelworkers_payment_stamp"),
            models.Index(fields=["org", "status"], name="modelworkers_payment_status"),
        ]
        constraints = [
            # Once per person per period; a refused proposal leaves the period open again.
            models.UniqueConstraint(
                fields=["worker", "period_start"],
                condition=~Q(status=PaymentStatus.REFUSED),
                name="modelworkers_payment_once_per_period",
            ),
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="modelworkers_payment_pos"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="modelworkers_payment_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"LB{self.pk:06d}"


class HelpPaymentEvent(StepEvent):
    payment = models.ForeignKey(HelpPayment, on_delete=models.PROTECT, related_name="events")
