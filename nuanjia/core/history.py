"""Abstract models every workflow shares: the history row of a step and the maker-checker
trio of people, with the database's own guard that the maker never checks."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StepEvent(models.Model):
    """One step in a record's history: what was done, from which status to which, by whom,
    when and why, and the figures decided at that step. Written by the workflow engine in
    the same transaction as the change it records; timelines read these rows.

    A concrete history model adds the foreign key to its record (`Workflow.history_fk`)."""

    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16, blank=True)
    note = models.TextField(_("note"), blank=True)
    changes = models.JSONField(default=dict, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} {self.from_status}→{self.to_status}"

    @property
    def by_label(self) -> str:
        return str(self.by) if self.by else ""


def _person(label: Any) -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=label,
    )


def _differs(checker: str, maker: str) -> Q:
    return (
        Q(**{f"{checker}__isnull": True})
        | Q(**{f"{maker}__isnull": True})
        | ~Q(**{checker: F(maker)})
    )


class MakerChecker(models.Model):
    """Who proposed, reviewed and approved a record: three different people, checked by the
    workflow's steps and again by the database."""

    proposed_by = _person(_("proposed by"))
    reviewed_by = _person(_("reviewed by"))
    approved_by = _person(_("approved by"))

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=_differs("reviewed_by", "proposed_by"),
                name="%(app_label)s_%(class)s_reviewer_is_not_proposer",
            ),
            models.CheckConstraint(
                condition=_differs("approved_by", "proposed_by"),
                name="%(app_label)s_%(class)s_approver_is_not_proposer",
            ),
            models.CheckConstraint(
                condition=_differs("approved_by", "reviewed_by"),
                name="%(app_label)s_%(class)s_approver_is_not_reviewer",
            ),
        ]
