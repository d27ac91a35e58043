"""Relief grants (帮扶救助): grant types, the dated cap table, grants and their history, and
payment batches with one line per grant sent to the bank."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nuanjia.core.history import MakerChecker, StepEvent
from nuanjia.core.money import format_yuan
from nuanjia.core.payables import PayeeKind as PayeeKinds
from nuanjia.funds.models import Earmark
from nuanjia.hardship.models import HardshipFile
from nuanjia.hardship.rules import Category
from nuanjia.orgs.models import Org
from nuanjia.people.models import Household, HouseholdMember, Worker
from nuanjia.standards.models import REGION_CODE_VALIDATOR

from . import rules
from .rules import Status, YearScope

SchoolStage = HouseholdMember.SchoolStage


class PayeeKind(models.TextChoices):
    """core.payables.PayeeKind with its labels: the bank file layout follows it."""

    PERSON = PayeeKinds.PERSON.value, _("Person")  # 代发
    ORGANISATION = PayeeKinds.ORGANISATION.value, _("Organisation")  # 对公


GRADUAL_EXIT_TYPE = "gradual-exit"  # the code of 渐退期救助, paid by the monthly run


class GrantType(models.Model):
    """A kind of grant (生活救助, 金秋助学 …) and the earmark it is paid from by default."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    default_earmark = models.ForeignKey(
        Earmark,
        verbose_name=_("default earmark"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The earmarks a grant of the type may be charged to (the default one always may).
    earmarks = models.ManyToManyField(
        Earmark, verbose_name=_("earmarks it may use"), blank=True, related_name="+"
    )
    needs_hardship_file = models.BooleanField(
        _("only for families with a hardship file"), default=False
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("grant type")
        verbose_name_plural = _("grant types")

    def __str__(self):
        return self.name

    def may_use(self, earmark: Earmark) -> bool:
        """Whether a grant of this type may be charged to `earmark`."""
        return earmark.pk == self.default_earmark_id or self.earmarks.filter(pk=earmark.pk).exists()


class GrantCap(models.Model):
    """The limits of a grant type from a date on, for a hardship category (blank: any) and a
    school stage (blank: any) in a region; a county falls back to its city, a city to the
    province (410000). An empty limit is no limit."""

    grant_type = models.ForeignKey(
        GrantType, verbose_name=_("grant type"), on_delete=models.PROTECT, related_name="caps"
    )
    category = models.CharField(
        _("hardship category"), max_length=10, choices=Category.choices, blank=True
    )
    school_stage = models.CharField(
        _("school stage"), max_length=12, choices=SchoolStage.choices, blank=True
    )
    region_code = models.CharField(
        _("region code"), max_length=6, validators=[REGION_CODE_VALIDATOR]
    )
    effective_on = models.DateField(_("effective on"))
    per_occasion_fen = models.BigIntegerField(_("per occasion"), null=True, blank=True)
    per_year_fen = models.BigIntegerField(_("per year"), null=True, blank=True)
    dibao_months = models.DecimalField(
        _("per year, months of dibao"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    year_scope = models.CharField(
        _("yearly limit counts"), max_length=10, choices=YearScope.choices, default=YearScope.PERSON
    )
    # Above this amount an approver of a union above the paying one must approve.
    approval_limit_fen = models.BigIntegerField(_("local approval limit"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["grant_type__sort_order", "region_code", "category", "-effective_on"]
        verbose_name = _("grant cap")
        verbose_name_plural = _("grant caps")
        constraints = [
            models.UniqueConstraint(
                fields=["grant_type", "category", "school_stage", "region_code", "effective_on"],
                name="relief_cap_one_per_key_and_date",
            ),
            models.CheckConstraint(
                condition=(Q(per_occasion_fen__isnull=True) | Q(per_occasion_fen__gt=0))
                & (Q(per_year_fen__isnull=True) | Q(per_year_fen__gt=0))
                & (Q(dibao_months__isnull=True) | Q(dibao_months__gt=0))
                & (Q(approval_limit_fen__isnull=True) | Q(approval_limit_fen__gt=0)),
                name="relief_cap_limits_positive",
            ),
        ]

    def __str__(self):
        return f"{self.grant_type} {self.region_code} {self.effective_on}"

    def values(self) -> rules.CapValues:
        return rules.CapValues(
            per_occasion_fen=self.per_occasion_fen,
            per_year_fen=self.per_year_fen,
            dibao_months=self.dibao_months,
            year_scope=self.year_scope,
            approval_limit_fen=self.approval_limit_fen,
            source=f"{self.region_code} · {self.effective_on:%Y-%m-%d}",
        )


class PaymentBatch(models.Model):
    """A list of payables of one kind, paying union, earmark and payee kind sent to the bank
    together (approved grants, at first; see core.payables).

    Built as a draft (grants may still be taken out), frozen when its bank file is first
    exported, settled when the bank's result file has a result for every line.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")  # 草稿: grants may be taken out, or the batch discarded
        EXPORTED = "exported", _("Sent to the bank")  # 已导出: frozen; waits for the bank's results
        SETTLED = "settled", _("Settled")  # 已结算: every line paid or failed
        CANCELLED = (
            "cancelled",
            _("Discarded"),
        )  # 已作废: the draft was dropped, grants back to approved

    org = models.ForeignKey(
        Org, verbose_name=_("paying union"), on_delete=models.PROTECT, related_name="+"
    )
    earmark = models.ForeignKey(
        Earmark, verbose_name=_("earmark"), on_delete=models.PROTECT, related_name="+"
    )
    # What the batch pays (a registered payable kind) and to whom: one bank file layout.
    source_type = models.CharField(_("payable kind"), max_length=40, default=rules.SOURCE_TYPE)
    payee_kind = models.CharField(
        _("payee kind"), max_length=12, choices=PayeeKind.choices, default=PayeeKind.PERSON
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    total_fen = models.BigIntegerField(_("total"), default=0)
    paid_count = models.PositiveIntegerField(_("paid"), default=0)
    paid_fen = models.BigIntegerField(_("paid amount"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    export_count = models.PositiveIntegerField(_("bank files exported"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")
        constraints = [
            models.CheckConstraint(
                condition=Q(paid_count__lte=models.F("line_count"))
                & Q(failed_count__lte=models.F("line_count")),
                name="relief_batch_counts_within_lines",
            ),
        ]
        indexes = [models.Index(fields=["org", "status"], name="relief_batch_org_status")]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        return f"PB{self.pk or 0:06d}"

    @property
    def settled_count(self) -> int:
        return self.paid_count + self.failed_count

    @property
    def percent(self) -> int:
        return 100 * self.settled_count // self.line_count if self.line_count else 0


class Grant(MakerChecker):
    """One grant to a worker (and family): proposed, reviewed, approved with its money reserved
    in the ledger, sent to the bank in a batch, then paid (spent, once) or failed (released).

    Its life is declared in relief.workflow (FLOW); each step is one service writing one
    GrantEvent and one audit event in the same transaction as the status and any ledger
    posting. Who proposed, reviewed and approved it are three people (MakerChecker).
    """

    Status = Status

    # The steps the viewer may take, set by the API on the record it answers with; not stored.
    steps: list[str]

    worker = models.ForeignKey(
        Worker, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="grants"
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grants",
    )
    hardship_file = models.ForeignKey(
        HardshipFile,
        verbose_name=_("hardship file"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grants",
    )
    grant_type = models.ForeignKey(
        GrantType, verbose_name=_("grant type"), on_delete=models.PROTECT, related_name="grants"
    )
    earmark = models.ForeignKey(
        Earmark, verbose_name=_("earmark"), on_delete=models.PROTECT, related_name="+"
    )
    # The paying union: its account of the earmark reserves and pays; the grant's scope.
    org = models.ForeignKey(
        Org, verbose_name=_("paying union"), on_delete=models.PROTECT, related_name="grants"
    )
    category = models.CharField(
        _("hardship category"), max_length=10, choices=Category.choices, blank=True
    )  # the family's category when proposed (the caps depend on it)
    school_stage = models.CharField(
        _("school stage"), max_length=12, choices=SchoolStage.choices, blank=True
    )
    region_code = models.CharField(_("region code"), max_length=6)  # whose caps and 低保 apply
    amount_fen = models.BigIntegerField(_("amount"))
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    year = models.PositiveSmallIntegerField(_("year"))  # of proposal: yearly caps count by it
    proposed_on = models.DateField(_("proposed on"))
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    cap_check = models.JSONField(_("cap check"), default=list, blank=True)  # [{"text", "ok"}]
    warnings = models.JSONField(_("warnings"), default=list, blank=True)  # duplicate warnings
    needs_higher_approval = models.BooleanField(_("needs a higher union's approval"), default=False)
    batch = models.ForeignKey(
        PaymentBatch,
        verbose_name=_("payment batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grants",
    )
    failure_reason = models.CharField(_("failure reason"), max_length=200, blank=True)
    # Gradual-exit grants (渐退期救助): which month of which phase-out they pay.
    phase_out_started_on = models.DateField(_("phase-out started on"), null=True, blank=True)
    phase_out_month = models.PositiveSmallIntegerField(_("phase-out month"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["-id"]
        constraints = [
            *MakerChecker.Meta.constraints,
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0), name="relief_grant_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="relief_grant_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[Status.BATCHED]) | Q(batch__isnull=False),
                name="relief_grant_batched_has_batch",
            ),
            # The monthly gradual-exit run pays each month of a phase-out once, however often
            # it runs (and whoever runs it at the same time).
            models.UniqueConstraint(
                fields=["hardship_file", "phase_out_started_on", "phase_out_month"],
                condition=Q(phase_out_month__isnull=False),
                name="relief_grant_one_per_phase_out_month",
            ),
        ]
        indexes = [
            models.Index(fields=["updated_at"]),  # the reports' change feed
            models.Index(fields=["worker", "grant_type", "year"], name="relief_grant_worker_year"),
            models.Index(fields=["org", "status"], name="relief_grant_org_status"),
            models.Index(fields=["batch", "status"], name="relief_grant_batch_status"),
            models.Index(fields=["status", "earmark"], name="relief_grant_status_earmark"),
        ]

    def __str__(self):
        return f"{self.number} {self.grant_type} {format_yuan(self.amount_fen)}"

    @property
    def number(self) -> str:
        """The grant number people quote, e.g. RG000123."""
        return f"RG{self.pk or 0:06d}"

    @property
    def source_id(self) -> str:
        """How the ledger names the grant (source_type "relief.grant")."""
        return str(self.pk)

    @property
    def is_urgent(self) -> bool:
        """Advance relief (先行救助) waiting for its one approver."""
        return self.status == Status.PROPOSED and self.grant_type.code in rules.ADVANCE_TYPES

    @property
    def holds_reservation(self) -> bool:
        return self.status in rules.RESERVED_STATUSES

    @property
    def cap_refusals(self) -> list[str]:
        return [line["text"] for line in self.cap_check or [] if not line.get("ok")]


class GrantEvent(StepEvent):
    """One step in a grant's history (the workflow engine writes it)."""

    grant = models.ForeignKey(Grant, on_delete=models.PROTECT, related_name="events")

    class Meta(StepEvent.Meta):
        verbose_name = _("grant event")
        indexes = [models.Index(fields=["grant", "at"], name="relief_event_grant_at")]

    def __str__(self):
        return f"{self.grant_id} {self.action} {self.from_status}→{self.to_status}"

    @property
    def action_label(self) -> str:
        return (
            str(rules.Step(self.action).label) if self.action in rules.Step.values else self.action
        )


class PaymentLine(models.Model):
    """One payable in one batch: who is paid, into which account, how much, the reference the
    bank file carries and the bank's result.

    The payable is named as the ledger names it (source type and id, e.g. relief.grant 345);
    its payee and account are copied from the owning app when the line is built, so the bank
    file says what the batch was built with. A payable that failed and is retried gets a new
    line in a new batch; it is paid at most once (a constraint here and the ledger's one spend
    per source)."""

    class Result(models.TextChoices):
        PENDING = "pending", _("Waiting for the bank")  # 待回盘
        PAID = "paid", _("Paid")  # 成功
        FAILED = "failed", _("Failed")  # 失败
        REMOVED = "removed", _("Taken out")  # taken out of the draft batch

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="lines")
    source_type = models.CharField(_("payable kind"), max_length=40)  # a registered kind
    source_id = models.CharField(_("payable"), max_length=40)
    reference = models.CharField(_("reference"), max_length=40, unique=True)
    amount_fen = models.BigIntegerField(_("amount"))
    payee_kind = models.CharField(
        _("payee kind"), max_length=12, choices=PayeeKind.choices, default=PayeeKind.PERSON
    )
    payee_name = models.CharField(_("payee"), max_length=100)
    payee_account_encrypted = models.TextField(blank=True)  # core.crypto token
    payee_account_masked = models.CharField(_("account"), max_length=40, blank=True)
    payee_bank = models.CharField(_("bank"), max_length=100, blank=True)
    purpose = models.CharField(_("purpose"), max_length=100, blank=True)  # 用途
    result = models.CharField(
        _("result"), max_length=8, choices=Result.choices, default=Result.PENDING
    )
    result_reason = models.CharField(_("bank's reason"), max_length=200, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("payment line")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "source_type", "source_id"], name="relief_line_once_per_batch"
            ),
            models.UniqueConstraint(
                fields=["source_type", "source_id"],
                condition=Q(result="paid"),
                name="relief_line_one_paid_per_source",
            ),
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0), name="relief_line_amount_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["batch", "result"], name="relief_line_batch_result"),
            models.Index(fields=["source_type", "source_id"], name="relief_line_source"),
        ]

    def __str__(self):
        return self.reference

    @property
    def org(self):
        return self.batch.org

    @property
    def label(self) -> str:
        """The payable's own number (RG000345), the end of the reference."""
        return self.reference.partition("-")[2]


def batch_reference(batch_id: int, label: str) -> str:
    """The bank file's reference of a line: batch and payable, e.g. PB000012-RG000345."""
    return f"PB{batch_id:06d}-{label}"


def line_reference(batch_id: int, grant_id: int) -> str:
    """The reference of a grant's line, e.g. PB000012-RG000345."""
    return batch_reference(batch_id, f"RG{grant_id:06d}")
