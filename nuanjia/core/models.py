"""The append-only, hash-chained audit trail (审计日志)."""

from typing import Any, NoReturn, TypeVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

_M = TypeVar("_M", bound=models.Model)


class AuditImmutable(Exception):
    """Raised on any attempt to change or delete an audit row through the app."""


class AppendOnlyQuerySet(models.QuerySet[_M]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditImmutable("audit events cannot be changed")

    def delete(self) -> NoReturn:
        raise AuditImmutable("audit events cannot be deleted")


class AppendOnly(models.Model):
    """A row written once and never changed or deleted through the app."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditImmutable("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditImmutable("audit events cannot be deleted")


class AuditEvent(AppendOnly):
    """One thing that happened: who, in which org, did what to which object, and how it went.

    Rows are append-only and chained: each belongs to one chain (`chain`, the path of the
    city-level union it happened in, the province's for the province's own events, "/" for
    events of no union and for every event written before chains were split), numbered
    gaplessly in it (`seq`); `hash` covers the row's fields and its predecessor's hash, so
    editing or deleting any row breaks its chain (`nuanjia audit verify`). Numbers are taken
    by `append_event` under a lock on the chain's `AuditChain` row, so writers in different
    cities never wait for each other. `id` orders events across chains (a sequence).
    """

    id = models.BigAutoField(primary_key=True)
    chain = models.CharField(_("audit chain"), max_length=100, default="/")
    seq = models.BigIntegerField(_("number in chain"), default=0)
    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    # The org is kept as id + materialized path so the auditor's subtree filter needs no join
    # and `core` depends on no other app.
    org_id = models.BigIntegerField(_("org"), null=True)
    org_path = models.CharField(_("org path"), max_length=255, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=255, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    success = models.BooleanField(_("success"), default=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet["AuditEvent"].as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # a union's subtree, newest first (the auditor's list pages by id within it)
            models.Index(fields=["org_path", "id"], name="audit_event_org_path_id"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["chain", "seq"], name="audit_event_chain_seq")
        ]

    def __str__(self) -> str:
        return f"#{self.id} {self.action} {self.object_label}"


class AuditChain(models.Model):
    """The head of one audit chain: its newest event's number and hash.

    Locking the row serializes appends to the chain (and to no other); comparing it with the
    chain's last event detects a truncated tail. The row keyed `ROOT` heads the root chain of
    `AuditRootEntry`.
    """

    ROOT = "root"

    key = models.CharField(_("audit chain"), max_length=100, primary_key=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("audit chain")

    def __str__(self) -> str:
        return f"audit chain {self.key} #{self.last_seq}"


class AuditRootEntry(AppendOnly):
    """One seal of the root chain: every audit chain's head (number and hash) at a moment.

    Written every few minutes by the scheduler and at every check of the trail. A chain whose
    tail was deleted, or that was swapped for another self-consistent chain, no longer holds
    the event the newest seal names; the seals are chained themselves like events.
    """

    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField(_("time"))
    reason = models.CharField(_("reason"), max_length=16)
    heads = models.JSONField(default=dict)  # {chain: [seq, hash]}
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet["AuditRootEntry"].as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("audit seal")

    def __str__(self) -> str:
        return f"audit seal #{self.seq}"


class ScheduledRun(models.Model):
    """One period of a periodic job, claimed once (core.schedule): the unique pair is the lock."""

    job = models.CharField(_("job"), max_length=64)
    period = models.CharField(_("period"), max_length=10)  # "2026-12" or "2026-12-01"
    enqueued_at = models.DateTimeField(_("enqueued at"), auto_now_add=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        ordering = ["-enqueued_at"]
        constraints = [
            models.UniqueConstraint(fields=["job", "period"], name="scheduled_run_once_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"


class CalendarDay(models.Model):
    """A day whose status the official holiday schedule sets (节假日 or 调休上班日).

    It overrides the chinese-calendar library, and extends it beyond the years the installed
    release knows (core.workdays); entered by the system administrator when the State
    Council publishes the next year's schedule.
    """

    day = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=40, blank=True)  # e.g. 春节, 国庆节调休
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("holiday schedule day")
        verbose_name_plural = _("holiday schedule days")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {self.name}"


class CalendarYear(models.Model):
    """A year whose whole holiday schedule has been entered as CalendarDay rows."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    source = models.CharField(_("source"), max_length=200, blank=True)  # the notice's number
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("holiday schedule year")
        verbose_name_plural = _("holiday schedule years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CacheVersion(models.Model):
    """How often a cached table (by its model label, e.g. "orgs.org") has been edited.

    core.cache compares these counters every few seconds and drops what a process cached from
    a table whose counter moved, so an edit reaches every server process within a minute.
    """

    label = models.CharField(_("table"), max_length=100, unique=True)
    version = models.BigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("cache version")

    def __str__(self) -> str:
        return f"{self.label} v{self.version}"
