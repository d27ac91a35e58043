"""A run of the enrolment sheet (参保名单导入): the kept upload, how far it got, what it found.

The background task checks every row first (nothing written), then writes the valid rows
chunk by chunk, each chunk in its own transaction together with `last_row` (the sheet row
the chunk ended on) and the counters; a stopped or failed run resumes after `last_row`, so
no member is enrolled twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nuanjia.orgs.models import Org


class EnrolmentImport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        CHECKING = "checking", _("Checking rows")
        WRITING = "writing", _("Writing")
        DONE = "done", _("Imported")
        REFUSED = "refused", _("Not imported")
        FAILED = "failed", _("Failed")

    RUNNING = frozenset({Status.QUEUED, Status.CHECKING, Status.WRITING})

    plan = models.ForeignKey("mutualaid.Plan", on_delete=models.PROTECT, related_name="imports")
    org = models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+"
    )
    mode = models.CharField(_("mode"), max_length=20)  # core.imports.Mode
    file_name = models.CharField(_("file"), max_length=200)
    stored_file = models.CharField(max_length=500, blank=True)  # deleted once settled
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("rows"), default=0)
    to_write = models.PositiveIntegerField(default=0)  # valid rows found by the check
    processed = models.PositiveIntegerField(_("rows written"), default=0)
    errors = models.PositiveIntegerField(_("rows with errors"), default=0)
    created = models.PositiveIntegerField(_("rows added"), default=0)
    chunks = models.PositiveIntegerField(default=0)  # chunks committed
    last_row = models.PositiveIntegerField(default=0)  # sheet row of the last committed chunk
    bad_rows = models.JSONField(default=list, blank=True)  # row numbers the check refused
    paid_fen = models.BigIntegerField(default=0)  # contributions posted to the pool so far
    first_id = models.BigIntegerField(default=0)
    last_id = models.BigIntegerField(default=0)
    sheet_errors = models.JSONField(default=list, blank=True)
    shown_errors = models.JSONField(default=list, blank=True)  # [row, column, message], the first
    failure = models.CharField(max_length=300, blank=True)  # why it stopped (FAILED)
    error_sheet = models.CharField(max_length=60, blank=True)  # token of the saved error sheet
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)  # heartbeat: moves with every chunk

    class Meta:
        verbose_name = _("enrolment import")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} #{self.pk}"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.to_write:
            return 0
        return min(99, self.processed * 100 // self.to_write)
