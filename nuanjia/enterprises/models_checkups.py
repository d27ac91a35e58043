"""Legal check-ups (法律体检) and visits to struggling firms (走访): a check-up goes through the
checklist (labour contracts, wages paid on time, social insurance, working hours, safety, the
collective contract), records findings with advice and a follow-up date, each open until
closed; a visit records the firm's difficulties, their causes and how its workers are placed,
and follow-up tasks, each with an owner and a deadline in working days."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from nuanjia.orgs.model_fields import staff_field
from nuanjia.orgs.models import Org

from .models import FirmProfile


class CheckupItem(models.TextChoices):
    CONTRACTS = "contracts", _("Labour contracts")
    WAGES = "wages", _("Wages paid on time")
    INSURANCE = "insurance", _("Social insurance")
    HOURS = "hours", _("Working hours")
    SAFETY = "safety", _("Safety")
    COLLECTIVE = "collective", _("Collective contract")


class CheckUp(models.Model):
    firm = models.ForeignKey(FirmProfile, on_delete=models.PROTECT, related_name="checkups")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    checked_on = models.DateField(_("checked on"))
    # {item: true (in order) | false (a finding)} for every CheckupItem
    checklist = models.JSONField(default=dict)
    advice = models.TextField(_("advice"), blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    checked_by = staff_field(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("legal check-up")
        ordering = ["-checked_on", "-id"]

    def __str__(self) -> str:
        return f"TJ{self.pk:06d}"


class Finding(models.Model):
    checkup = models.ForeignKey(CheckUp, on_delete=models.CASCADE, related_name="findings")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    item = models.CharField(_("item"), max_length=12, choices=CheckupItem.choices)
    description = models.CharField(_("finding"), max_length=500)
    advice = models.CharField(_("advice"), max_length=500, blank=True)
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("check-up finding")
        indexes = [models.Index(fields=["org", "closed_on"], name="enterprises_finding_open")]

    def __str__(self) -> str:
        return f"{self.checkup_id} {self.item}"


class Visit(models.Model):
    firm = models.ForeignKey(FirmProfile, on_delete=models.PROTECT, related_name="visits")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    visited_on = models.DateField(_("visited on"))
    difficulties = models.TextField(_("difficulties"))
    causes = models.TextField(_("causes"), blank=True)
    placement = models.TextField(_("how the workers are placed"), blank=True)
    visited_by = staff_field(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visit to a firm")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"ZF{self.pk:06d}"


class FollowUpTask(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="tasks")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    owner = staff_field()
    description = models.CharField(_("task"), max_length=300)
    working_days = models.PositiveSmallIntegerField(_("working days"))
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up task")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description
