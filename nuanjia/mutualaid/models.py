"""Mutual aid's plans and members: plans with dated versions (the terms as data), enrolments
of workers by their unions with the contributions paid, and the counters of what a member has
used of a plan year's cap. Claims live in `models_claims` (re-exported here)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org
from nuanjia.people.models import Worker

from .rules import DEFAULT_GRACE_DAYS, EnrolmentStatus, Payer, PlanKind, PoolLevel


def _staff(related: str = "+") -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name=related,
    )  # fmt: skip


class Plan(models.Model):
    """保障计划: run by the pool's union (a city or the province), whose account of the
    mutual-aid earmark holds the contributions and pays the claims."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=12, choices=PlanKind.choices)
    pool_level = models.CharField(_("pool level"), max_length=10, choices=PoolLevel.choices)
    pool_org = models.ForeignKey(
        Org, verbose_name=_("pool union"), on_delete=models.PROTECT, related_name="+"
    )
    earmark = models.ForeignKey(Earmark, on_delete=models.PROTECT, related_name="+")
    grace_days = models.PositiveSmallIntegerField(_("grace days"), default=DEFAULT_GRACE_DAYS)
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("mutual aid plan")

    def __str__(self) -> str:
        return self.name


class PlanVersion(models.Model):
    """The plan's terms from `valid_from` (until the next version): the version in force on a
    claim's service date decides it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    valid_from = models.DateField(_("valid from"))
    contribution_fen = models.PositiveIntegerField(_("contribution a member a year"))
    union_share_fen = models.PositiveIntegerField(_("union share"), default=0)
    member_share_fen = models.PositiveIntegerField(_("member share"), default=0)
    employer_share_fen = models.PositiveIntegerField(_("employer share"), default=0)
    term_months = models.PositiveSmallIntegerField(_("term in months"), default=12)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=16)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), default=65)
    waiting_days = models.PositiveSmallIntegerField(_("waiting days"), default=0)
    rules = models.JSONField(_("benefit rules"))
    cap_claim_fen = models.BigIntegerField(_("cap per claim"))
    cap_episode_fen = models.BigIntegerField(_("cap per episode"))
    cap_year_fen = models.BigIntegerField(_("cap per member and year"))
    sample_percent = models.PositiveSmallIntegerField(_("second review sample %"), default=10)
    review_above_fen = models.BigIntegerField(_("second review above"), default=5_000_000)
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "valid_from"], name="mutualaid_version_once"),
            models.CheckConstraint(
                condition=Q(
                    contribution_fen=models.F("union_share_fen")
                    + models.F("member_share_fen")
                    + models.F("employer_share_fen")
                ),
                name="mutualaid_shares_add_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.valid_from:%Y-%m-%d}"


class Enrolment(models.Model):
    """One worker in one plan for one term, enrolled by their union (`org`)."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="enrolments")
    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    city_code = models.CharField(max_length=6, db_index=True)
    starts_on = models.DateField(_("term starts"))
    ends_on = models.DateField(_("term ends"))
    contribution_fen = models.PositiveIntegerField(_("contribution"))
    paid_fen = models.PositiveIntegerField(_("paid"), default=0)
    paid_in_full_on = models.DateField(_("paid in full on"), null=True, blank=True)
    cover_starts_on = models.DateField(_("cover starts"), null=True, blank=True)
    waiting_ends_on = models.DateField(_("waiting period ends"), null=True, blank=True)
    renews = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="renewal"
    )
    is_continuous = models.BooleanField(_("continuous renewal"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.UNPAID
    )
    cancelled_on = models.DateField(null=True, blank=True)
    refund_fen = models.PositiveIntegerField(default=0)
    reminded_on = models.DateField(null=True, blank=True)
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "worker", "starts_on"],
                condition=~Q(status=EnrolmentStatus.CANCELLED),
                name="mutualaid_one_term_per_start",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="mutualaid_term_order"
            ),
        ]
        indexes = [
            models.Index(fields=["worker", "plan", "ends_on"], name="mutualaid_enrol_worker")
        ]

    def __str__(self) -> str:
        return f"HZ{self.pk:07d}"


class Contribution(models.Model):
    """Money received for an enrolment, by whose share; posted to the pool in one posting."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="contributions")
    payer = models.CharField(max_length=10, choices=Payer.choices)
    amount_fen = models.PositiveIntegerField()
    paid_on = models.DateField()
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.amount_fen}"


class YearCounter(models.Model):
    """A member's use of one plan year's cap: reserved by claims waiting, used by approved
    ones. Moved only by conditional UPDATEs (services.counters)."""

    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    term_starts_on = models.DateField()
    cap_fen = models.BigIntegerField()
    reserved_fen = models.BigIntegerField(default=0)
    used_fen = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["worker", "plan", "term_starts_on"], name="mutualaid_year_once"),
            models.CheckConstraint(
                condition=Q(reserved_fen__gte=0, used_fen__gte=0)
                & Q(cap_fen__gte=models.F("reserved_fen") + models.F("used_fen")),
                name="mutualaid_year_within_cap",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.worker_id}/{self.plan_id}/{self.term_starts_on}"


class Episode(models.Model):
    """An illness episode of a member in a plan, with its own cap counter."""

    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("episode"), max_length=60)
    started_on = models.DateField()
    cap_fen = models.BigIntegerField()
    reserved_fen = models.BigIntegerField(default=0)
    used_fen = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["worker", "plan", "label"], name="mutualaid_episode_once"),
            models.CheckConstraint(
                condition=Q(reserved_fen__gte=0, used_fen__gte=0)
                & Q(cap_fen__gte=models.F("reserved_fen") + models.F("used_fen")),
                name="mutualaid_episode_within_cap",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.label


from .models_claims import Claim, ClaimDocument, ClaimEvent, ClaimLine, Invoice, InvoiceUse  # noqa: E402

__all__ = [
    "Claim", "ClaimDocument", "ClaimEvent", "ClaimLine", "Contribution", "Enrolment", "Episode",
    "Invoice", "InvoiceUse", "Plan", "PlanVersion", "YearCounter",
]  # fmt: skip
from .models_imports import EnrolmentImport  # noqa: E402, F401
