"""Help for struggling firms (困难企业帮扶): grants to a firm (not a worker) within a dated cap,
proposed by a caseworker, approved by another person and paid from the ledger in the same
step, with the number of workers each help reaches."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from nuanjia.core.history import StepEvent
from nuanjia.orgs.models import Org

from .models import FirmProfile
from .rules import HelpStatus


class HelpCap(models.Model):
    """The most one help may give and the most a firm may get in a calendar year, from a day."""

    effective_on = models.DateField(_("in force from"), unique=True)
    max_grant_fen = models.BigIntegerField(_("most per help"))
    max_firm_year_fen = models.BigIntegerField(_("most per firm and year"))

    class Meta:
        verbose_name = _("help cap")

    def __str__(self) -> str:
        return f"{self.effective_on}"


class FirmHelp(models.Model):
    steps: list[str]

    firm = models.ForeignKey(FirmProfile, on_delete=models.PROTECT, related_name="helps")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")  # the paying union
    earmark = models.ForeignKey("funds.Earmark", on_delete=models.PROTECT, related_name="+")
    amount_fen = models.BigIntegerField(_("amount"))
    workers_reached = models.PositiveIntegerField(_("workers reached"))
    purpose = models.CharField(_("purpose"), max_length=200)
    helped_on = models.DateField(_("day"))
    status = models.CharField(
        _("status"), max_length=10, choices=HelpStatus.choices, default=HelpStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("help for a firm")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="enterprises_help_amount"),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | Q(proposed_by__isnull=True)
                | ~Q(approved_by=F("proposed_by")),
                name="enterprises_help_maker_is_not_checker",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"BF{self.pk:06d}"


class FirmHelpEvent(StepEvent):
    help = models.ForeignKey(FirmHelp, on_delete=models.PROTECT, related_name="events")
