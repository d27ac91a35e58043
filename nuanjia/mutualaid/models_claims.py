"""Claims (理赔): the claim with its lines per invoice, its documents (encrypted at rest), its
history, and the province's invoices with what each has paid so far."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nuanjia.core.history import StepEvent
from nuanjia.core.uploads import StoredFile
from nuanjia.orgs.models import Org
from nuanjia.people.models import Worker

from .rules import ClaimStatus, DocKind, Via, action_label


class Claim(models.Model):
    """One claim of a member under one enrolment; `org` is the enrolling union (scoping),
    `pool_org` the union that pays. The diagnosis is sealed; lists and exports show only
    the illness category."""

    enrolment = models.ForeignKey(
        "mutualaid.Enrolment", on_delete=models.PROTECT, related_name="claims"
    )
    plan = models.ForeignKey("mutualaid.Plan", on_delete=models.PROTECT, related_name="claims")
    version = models.ForeignKey("mutualaid.PlanVersion", on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="+")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    pool_org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    city_code = models.CharField(max_length=6, db_index=True)
    episode = models.ForeignKey(
        "mutualaid.Episode", on_delete=models.PROTECT, related_name="claims"
    )
    year_counter = models.ForeignKey(
        "mutualaid.YearCounter", on_delete=models.PROTECT, related_name="+"
    )
    illness = models.CharField(_("illness category"), max_length=20)
    diagnosis_encrypted = models.TextField(blank=True)
    hospital = models.CharField(_("hospital"), max_length=80)
    service_on = models.DateField(_("service date"))
    discharged_on = models.DateField(_("discharged on"), null=True, blank=True)
    consent_at = models.DateTimeField(_("health data consent given"))
    via = models.CharField(max_length=8, choices=Via.choices, default=Via.STAFF)
    asked_fen = models.BigIntegerField(_("asked"), default=0)
    proposed_fen = models.BigIntegerField(_("proposed"), default=0)
    reserved_fen = models.BigIntegerField(default=0)  # held on the counters while it waits
    approved_fen = models.BigIntegerField(_("approved"), default=0)
    second_review = models.BooleanField(_("drawn for a second review"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=ClaimStatus.choices, default=ClaimStatus.RECEIVED
    )
    bank_name = models.CharField(max_length=60, blank=True)
    account_encrypted = models.CharField(max_length=120, blank=True)
    account_masked = models.CharField(max_length=30, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    batch = models.ForeignKey(
        "relief.PaymentBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paid_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_fen__lte=models.F("asked_fen"))
                & Q(proposed_fen__lte=models.F("asked_fen")),
                name="mutualaid_claim_within_asked",
            ),
        ]
        indexes = [
            models.Index(fields=["updated_at"]),  # the reports' change feed
            models.Index(fields=["status", "pool_org"], name="mutualaid_claim_status"),
            models.Index(fields=["worker", "service_on"], name="mutualaid_claim_worker"),
        ]

    def __str__(self) -> str:
        return f"LP{self.pk:07d}" if self.pk else "LP"


class ClaimLine(models.Model):
    """One invoice (or the fixed sum, which consumes none): its figures and each cut with its
    coded reason (`cuts`: [[code, fen], …], adding up to asked − approved)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=1)
    invoice = models.ForeignKey(
        "mutualaid.Invoice", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    invoice_code = models.CharField(_("invoice code"), max_length=20, blank=True)
    invoice_number = models.CharField(_("invoice number"), max_length=20, blank=True)
    check_code = models.CharField(_("check code"), max_length=20, blank=True)
    total_fen = models.BigIntegerField(_("total"), default=0)
    insurance_fen = models.BigIntegerField(_("paid by basic insurance"), default=0)
    self_paid_fen = models.BigIntegerField(_("self-paid"), default=0)
    eligible_fen = models.BigIntegerField(_("eligible"), default=0)
    asked_fen = models.BigIntegerField(_("asked"))
    proposed_fen = models.BigIntegerField(_("proposed"), default=0)
    approved_fen = models.BigIntegerField(_("approved"), default=0)
    cuts = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["claim", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_fen__lte=models.F("asked_fen"))
                & Q(proposed_fen__lte=models.F("asked_fen"))
                & Q(approved_fen__gte=0)
                & Q(proposed_fen__gte=0),
                name="mutualaid_line_within_asked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.claim_id}-{self.position}"


class Invoice(models.Model):
    """A medical invoice the province knows: reimbursed at most its self-paid amount across
    every claim (`used_fen` moved by conditional UPDATEs)."""

    key = models.CharField(max_length=80, unique=True)
    self_paid_fen = models.BigIntegerField()
    used_fen = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(used_fen__gte=0) & Q(used_fen__lte=models.F("self_paid_fen")),
                name="mutualaid_invoice_within_self_paid",
            )
        ]

    def __str__(self) -> str:
        return self.key


class InvoiceUse(models.Model):
    """What one claim line takes of an invoice, and the city of that claim (a refusal names
    the city, never the person)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="uses")
    line = models.OneToOneField(ClaimLine, on_delete=models.CASCADE, related_name="invoice_use")
    city_code = models.CharField(max_length=6)
    amount_fen = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.amount_fen}"


def _document_folder() -> str:
    return "mutualaid"


class ClaimDocument(StoredFile):
    """A document of the checklist; the stored bytes are sealed (documents.py)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=12, choices=DocKind.choices)

    def storage_folder(self) -> str:
        return _document_folder()


class ClaimEvent(StepEvent):
    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="events")

    class Meta(StepEvent.Meta):
        indexes = [models.Index(fields=["claim", "at"], name="mutualaid_claim_event_at")]

    @property
    def action_label(self) -> str:
        return action_label(self.action)
