"""Hardship files (困难职工档案), their history and publicity objections, and the regional
policies they are measured against (帮扶政策; the 低保 and minimum-wage tables are in
nuanjia.standards)."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nuanjia.core.history import MakerChecker, StepEvent
from nuanjia.core.uploads import StoredFile
from nuanjia.orgs.models import Org
from nuanjia.people.models import Household
from nuanjia.standards.models import REGION_CODE_VALIDATOR

from . import rules
from .rules import AttachmentKind, Category, ExitReason, ReviewReason, Status


class HardshipPolicy(models.Model):
    """A region's hardship configuration from a date on; a county falls back to its city, a
    city to the province (410000), the province to the defaults of rules.PolicyValues."""

    region_code = models.CharField(
        _("region code"), max_length=6, validators=[REGION_CODE_VALIDATOR]
    )
    effective_on = models.DateField(_("effective on"))
    relative_multiple = models.DecimalField(
        _("relative-hardship multiple of dibao"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("2.00"),
    )
    tiered_help_multiple = models.DecimalField(
        _("tiered-help multiple of the relative line"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.20"),
    )
    publicity_days = models.PositiveSmallIntegerField(_("publicity days"), default=7)
    gradual_exit_min_months = models.PositiveSmallIntegerField(
        _("shortest gradual exit (months)"), default=1
    )
    gradual_exit_max_months = models.PositiveSmallIntegerField(
        _("longest gradual exit (months)"), default=6
    )
    gradual_exit_max_percent = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("gradual exit: highest % of the pre-exit standard"),
        default=60,
    )
    spot_check_percent = models.PositiveSmallIntegerField(
        _("annual review spot-check share (%)"), default=30
    )
    review_interval_months = models.PositiveSmallIntegerField(
        _("months between reviews"), default=12
    )
    retention_years = models.PositiveSmallIntegerField(
        _("years files are kept after exit"), default=10
    )
    average_home_area_m2 = models.DecimalField(
        _("local average home area per person (m²)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("40.00"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hardship policy")
        verbose_name_plural = _("hardship policies")
        ordering = ["region_code", "-effective_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "effective_on"], name="policy_one_per_region_and_date"
            ),
            models.CheckConstraint(
                condition=Q(relative_multiple__gte=1, tiered_help_multiple__gte=1),
                name="policy_multiples_at_least_one",
            ),
            models.CheckConstraint(
                condition=Q(publicity_days__gte=1, review_interval_months__gte=1),
                name="policy_periods_positive",
            ),
            models.CheckConstraint(
                condition=Q(
                    gradual_exit_min_months__gte=1,
                    gradual_exit_max_months__gte=models.F("gradual_exit_min_months"),
                ),
                name="policy_gradual_exit_months_range",
            ),
            models.CheckConstraint(
                condition=Q(
                    gradual_exit_max_percent__gt=0,
                    gradual_exit_max_percent__lte=100,
                    spot_check_percent__lte=100,
                ),
                name="policy_percentages_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.region_code} {self.effective_on}"

    def values(self) -> rules.PolicyValues:
        return rules.PolicyValues(
            relative_multiple=self.relative_multiple,
            tiered_help_multiple=self.tiered_help_multiple,
            publicity_days=self.publicity_days,
            gradual_exit_min_months=self.gradual_exit_min_months,
            gradual_exit_max_months=self.gradual_exit_max_months,
            gradual_exit_max_percent=self.gradual_exit_max_percent,
            spot_check_percent=self.spot_check_percent,
            review_interval_months=self.review_interval_months,
            retention_years=self.retention_years,
            average_home_area_m2=self.average_home_area_m2,
        )


class BulkRun(models.Model):
    """One set-based run over many files (re-assessment after a 低保 change, an annual due list).

    It is worked in id-range chunks, each committed on its own; `last_id` says how far it got,
    so a run that stopped resumes there, and running the same work again changes nothing more.
    """

    class Kind(models.TextChoices):
        REASSESS = (
            "reassess",
            _("Re-assessment after a dibao change"),
        )  # recompute proposed categories
        REVIEW_LIST = "review_list", _("Annual review due list")  # mark due files, draw spot checks

    class State(models.TextChoices):
        RUNNING = "running", _("Running")  # chunks still to do (or the run was stopped)
        DONE = "done", _("Done")  # every chunk committed

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    org = models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField(_("region code"), max_length=6, blank=True)
    parameters = models.JSONField(default=dict, blank=True)  # standard, as-of date, year, seed…
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.RUNNING)
    total = models.PositiveIntegerField(_("files to touch"), default=0)  # the dry-run count
    done = models.PositiveIntegerField(_("files touched"), default=0)
    last_id = models.BigIntegerField(default=0)  # every file id ≤ this is done
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("bulk run")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class HardshipFile(MakerChecker):
    """A family's hardship file (困难职工档案), one per household in the whole province.

    Its life is declared in workflow.FLOW: every step is one service that writes one
    FileEvent and one audit event. The assessment fields are a snapshot of what the visit (or
    the last review) found; bulk re-assessment recomputes `category_proposed` from them.
    """

    Status = Status
    Category = Category
    ExitReason = ExitReason
    ReviewReason = ReviewReason

    # The steps the viewer may take, set by the API on the record it answers with; not stored.
    steps: list[str]

    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="hardship_files",
    )
    org = models.ForeignKey(
        Org, verbose_name=_("owning union"), on_delete=models.PROTECT, related_name="hardship_files"
    )
    region_code = models.CharField(
        _("region code"), max_length=6
    )  # the household's, for the standards
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.APPLIED
    )
    is_union_initiated = models.BooleanField(
        _("opened by the union"), default=False
    )  # 工会主动建档
    application_note = models.TextField(_("application"), blank=True)
    check_note = models.TextField(_("check note"), blank=True)
    # Home visit (入户调查) and the signed consent to check the family's finances.
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    visit_note = models.TextField(_("visit note"), blank=True)
    consent_signed_on = models.DateField(_("consent signed on"), null=True, blank=True)
    consent_evidence = models.CharField(_("consent form"), max_length=200, blank=True)
    sudden_cause = models.CharField(
        _("sudden cause"), max_length=200, blank=True
    )  # accident, disaster, illness
    sudden_compensation_fen = models.BigIntegerField(
        _("compensation, insurance and aid received"), default=0
    )
    # Assessment snapshot (分 per person per month unless said otherwise).
    assessed_on = models.DateField(_("assessed on"), null=True, blank=True)
    household_size = models.PositiveSmallIntegerField(_("household size"), default=0)
    per_capita_income_fen = models.BigIntegerField(
        _("per-capita monthly income"), null=True, blank=True
    )
    dibao_fen = models.BigIntegerField(
        _("dibao standard used"), null=True, blank=True
    )  # the region's, on assessed_on
    is_on_dibao = models.BooleanField(_("receives dibao"), default=False)
    has_special_costs = models.BooleanField(
        _("has illness, school or disability costs"), default=False
    )
    is_sudden = models.BooleanField(_("sudden cause marked"), default=False)
    category_proposed = models.CharField(
        _("proposed category"), max_length=10, choices=Category.choices, blank=True
    )
    exclusions = models.JSONField(
        _("exclusions found"), default=list, blank=True
    )  # [{"code", "reason"}]
    is_tiered_help = models.BooleanField(
        _("tiered help (just above the line)"), default=False
    )  # 防困对象
    # Review and decision.
    civil_affairs_note = models.TextField(_("civil-affairs check"), blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices, blank=True)
    monthly_standard_fen = models.BigIntegerField(
        _("monthly standard"), default=0
    )  # 分 per month while filed
    publicity_starts_on = models.DateField(_("publicity starts on"), null=True, blank=True)
    publicity_ends_on = models.DateField(_("publicity ends on"), null=True, blank=True)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    filed_on = models.DateField(_("filed on"), null=True, blank=True)
    # Dynamic management.
    next_review_on = models.DateField(_("next review due"), null=True, blank=True)
    review_reason = models.CharField(
        _("review reason"), max_length=10, choices=ReviewReason.choices, blank=True
    )
    review_due_year = models.PositiveSmallIntegerField(
        _("on the due list of"), null=True, blank=True
    )
    is_spot_check = models.BooleanField(_("spot-checked"), default=False)
    pending_change = models.JSONField(
        _("pending change"), null=True, blank=True
    )  # applied when a review completes
    pending_change_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pending_change_at = models.DateTimeField(null=True, blank=True)
    # Exit (脱困) and gradual exit (渐退期).
    exited_on = models.DateField(_("exited on"), null=True, blank=True)
    exit_reason = models.CharField(
        _("exit reason"), max_length=12, choices=ExitReason.choices, blank=True
    )
    exit_note = models.TextField(_("exit note"), blank=True)
    gradual_exit_months = models.PositiveSmallIntegerField(
        _("gradual exit months"), null=True, blank=True
    )
    gradual_exit_monthly_fen = models.BigIntegerField(
        _("gradual exit monthly amount"), null=True, blank=True
    )
    gradual_exit_ends_on = models.DateField(_("gradual exit ends on"), null=True, blank=True)
    # Retention (docs/domain.md: kept ≥ 10 years after exit): notes and narratives are erased when
    # it ends; the figures stay for reports (services.purge_expired_files).
    purged_on = models.DateField(_("personal notes erased on"), null=True, blank=True)
    # Who did what (maker-checker is checked between these).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # proposed_by, reviewed_by, approved_by: MakerChecker (the visit, the review, the approval).
    review_started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    exit_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # the reviewer who found the family must exit; never the one who decides it
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(MakerChecker.Meta):
        verbose_name = _("hardship file")
        verbose_name_plural = _("hardship files")
        ordering = ["-id"]
        constraints = [
            *MakerChecker.Meta.constraints,  # the proposer, reviewer and approver differ
            # 一户一档: one live file per household in the whole province.
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status__in=sorted(rules.LIVE_STATUSES)),
                name="hardship_one_live_file_per_household",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="hardship_status_known"
            ),
            models.CheckConstraint(
                condition=Q(category__in=Category.values, category_proposed__in=Category.values),
                name="hardship_category_known",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=sorted(rules.HAS_BEEN_FILED))
                | (Q(filed_on__isnull=False) & ~Q(category="")),
                name="hardship_filed_has_date_and_category",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=sorted(rules.EXIT_STATUSES))
                | (Q(exited_on__isnull=False) & ~Q(exit_reason="")),
                name="hardship_exit_has_date_and_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.GRADUAL_EXIT)
                | Q(
                    gradual_exit_months__gte=1,
                    gradual_exit_monthly_fen__gt=0,
                    gradual_exit_ends_on__isnull=False,
                ),
                name="hardship_gradual_exit_complete",
            ),
            # Whatever the policy, a phase-out never pays more than the standard it phases out.
            models.CheckConstraint(
                condition=Q(gradual_exit_monthly_fen__isnull=True)
                | Q(gradual_exit_monthly_fen__lte=models.F("monthly_standard_fen")),
                name="hardship_gradual_exit_below_standard",
            ),
            models.CheckConstraint(
                condition=Q(publicity_ends_on__isnull=True)
                | Q(publicity_ends_on__gte=models.F("publicity_starts_on")),
                name="hardship_publicity_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(monthly_standard_fen__gte=0, sudden_compensation_fen__gte=0),
                name="hardship_amounts_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_review_on"], name="hardship_status_review_idx"),
            models.Index(
                fields=["status", "publicity_ends_on"], name="hardship_status_publicity_idx"
            ),
            models.Index(fields=["region_code", "status"], name="hardship_region_status_idx"),
            models.Index(fields=["org", "status"], name="hardship_org_status_idx"),
            # The file list's keyset order (last changed first, the id breaking ties).
            models.Index(fields=["updated_at", "id"], name="hardship_updated_id_idx"),
            # The same order per union: a county's page seeks once per union (issue 25).
            models.Index(fields=["org", "updated_at", "id"], name="hardship_org_updated_idx"),
        ]

    def __str__(self):
        return str(_("Hardship file %(number)s") % {"number": self.number})

    @property
    def number(self) -> str:
        """The file number people quote: region code and id, e.g. 410108-000123."""
        return f"{self.region_code}-{self.pk or 0:06d}"

    @property
    def category_label(self) -> str:
        """The decided category in words; 待认定 until the county review decides it."""
        if not self.category and self.status in rules.APPLICATION_STATUSES:
            return str(_("Not yet determined"))
        if not self.category and self.status == Status.WITHDRAWN:
            return "—"
        return self.get_category_display()

    @property
    def approval_opens_on(self) -> datetime.date | None:
        """The first day the approver may approve a file in publicity (the day after it ends)."""
        if self.status != Status.IN_PUBLICITY or self.publicity_ends_on is None:
            return None
        return self.publicity_ends_on + datetime.timedelta(days=1)

    @property
    def is_live(self) -> bool:
        return self.status in rules.LIVE_STATUSES

    @property
    def publicity_has_ended(self) -> bool:
        return self.publicity_ends_on is not None and timezone.localdate() > self.publicity_ends_on

    @property
    def has_pending_change(self) -> bool:
        return bool(self.pending_change)

    def exclusion_reasons(self) -> list[str]:
        return [item.get("reason", "") for item in self.exclusions or []]


class FileEvent(StepEvent):
    """One step in a file's history (core.history.StepEvent), written by the workflow engine
    in the same transaction as the change it records; the file page's timeline reads these
    rows. `action` is a rules.Step value, or "objection", "change"…"""

    file = models.ForeignKey(HardshipFile, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(_("from"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=16, choices=Status.choices, blank=True)

    class Meta(StepEvent.Meta):
        verbose_name = _("file event")
        indexes = [models.Index(fields=["file", "at"], name="hardship_event_file_at_idx")]

    def __str__(self):
        return f"{self.file_id} {self.action} {self.from_status}→{self.to_status}"

    @property
    def is_transition(self) -> bool:
        return self.from_status != self.to_status

    @property
    def action_label(self) -> str:
        if self.action in rules.Step.values:
            return str(rules.Step(self.action).label)
        return str(EVENT_LABELS.get(self.action, self.action))


EVENT_LABELS = {
    "objection": _("Objection recorded"),
    "objection_resolved": _("Objection resolved"),
    "change": _("Change proposed"),
    "transferred": _("Moved with the worker's record to another union"),
    "purged": _("Notes erased at the end of the retention period"),
    "attachment_added": _("Attachment added"),
    "attachment_removed": _("Attachment removed"),
}


class FileAttachment(StoredFile):
    """A document kept with a file (an application form, an income proof, a visit record):
    checked, stored and served by core.uploads. Removing one keeps the row (who, when, why);
    it is no longer listed for download."""

    Kind = AttachmentKind

    hardship_file = models.ForeignKey(
        HardshipFile,
        verbose_name=_("hardship file"),
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=AttachmentKind.choices)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    removal_reason = models.CharField(_("reason for removal"), max_length=200, blank=True)

    class Meta(StoredFile.Meta):
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def storage_folder(self) -> str:
        return f"hardship/{self.hardship_file_id}"

    @property
    def added_by_label(self) -> str:
        return str(self.added_by) if self.added_by else ""

    @property
    def removed_by_label(self) -> str:
        return str(self.removed_by) if self.removed_by else ""


class Objection(models.Model):
    """An objection (异议) received during publicity; approval waits until none is open."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")  # blocks approval
        UPHELD = "upheld", _("Upheld")  # the file goes back for a new visit or is rejected
        DISMISSED = "dismissed", _("Dismissed")  # checked and found unfounded

    file = models.ForeignKey(HardshipFile, on_delete=models.PROTECT, related_name="objections")
    received_on = models.DateField(_("received on"))
    content = models.TextField(_("objection"))
    source = models.CharField(
        _("raised by"), max_length=100, blank=True
    )  # e.g. "匿名来电"; minimum needed
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("objection")
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open", resolved_at__isnull=True)
                | (~Q(status="open") & Q(resolved_at__isnull=False)),
                name="objection_resolved_when_closed",
            ),
        ]

    def __str__(self):
        return str(_("Objection to %(file)s") % {"file": self.file})

    @property
    def org(self):
        return self.file.org
