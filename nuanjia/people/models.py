"""Workers (职工), employers, union membership, households (家庭) and their members.

Personal numbers (ID, bank account, phone) are never stored in clear: each has an encrypted token (`*_encrypted`, see
core.crypto), a keyed blind index (`*_index`) for exact lookup and province-wide
de-duplication, and a masked form for display (`*_masked`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nuanjia.core.sealed_phones import sealed_phone_property
from nuanjia.orgs.models import Org
from nuanjia.people import membership


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class OccupationTag(models.Model):
    """A configurable occupation label (环卫工人, 快递员, 外卖配送员, …)."""

    name = models.CharField(_("name"), max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("occupation tag")

    def __str__(self):
        return self.name


class Employer(models.Model):
    """A workplace (用人单位), identified by its 统一社会信用代码 when known."""

    name = models.CharField(_("employer"), max_length=120)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    region_code = models.CharField(_("region code"), max_length=6, blank=True)
    union = models.ForeignKey(
        Org,
        verbose_name=_("workplace union"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="employers",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("employer")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="employer_unique_credit_code",
            ),
        ]
        indexes = [models.Index(fields=["name"])]

    def __str__(self):
        return self.name


class Worker(models.Model):
    """A person in the province-wide registry; exists once (by ID number) in the whole province."""

    org = models.ForeignKey(
        Org, verbose_name=_("owning union"), on_delete=models.PROTECT, related_name="workers"
    )
    name = models.CharField(_("name"), max_length=50)
    name_pinyin = models.CharField(max_length=120, blank=True, db_index=True)
    name_initials = models.CharField(max_length=50, blank=True, db_index=True)
    gender = models.CharField(_("gender"), max_length=6, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_number_encrypted = models.CharField(max_length=100, blank=True)
    id_number_index = models.CharField(max_length=64, blank=True)
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True)
    id_last4 = models.CharField(max_length=4, blank=True, db_index=True)
    # The mobile number, sealed (core.sealed_phones): read and write it through `phone`.
    phone_encrypted = models.CharField(max_length=100, blank=True)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True)
    phone_last4_index = models.CharField(max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField(_("mobile phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    region_code = models.CharField(_("region code"), max_length=6, blank=True)
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("employer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="workers",
    )
    occupations = models.ManyToManyField(
        OccupationTag, verbose_name=_("occupations"), blank=True, related_name="workers"
    )
    union = models.ForeignKey(
        Org,
        verbose_name=_("member of union"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    joined_union_on = models.DateField(_("joined the union on"), null=True, blank=True)
    member_card_number = models.CharField(_("member card number"), max_length=30, blank=True)
    bank_name = models.CharField(_("bank"), max_length=60, blank=True)
    bank_account_encrypted = models.CharField(max_length=120, blank=True)
    bank_account_index = models.CharField(max_length=64, blank=True)
    bank_account_masked = models.CharField(_("bank account"), max_length=30, blank=True)
    # Set when a reviewer merged this record into another (疑似重复合并); the row stays, hidden
    # from every list, so the merge can be undone from DuplicateCandidate.merge_snapshot.
    # No index: nearly every row is NULL, and an index here lures SQLite's planner away from
    # the search indexes (it would walk every unmerged row).
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
        db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The import that last created or changed the row. No index: an import writes a million
    # rows and pays for every index on each; only an audit looks rows up by batch.
    import_batch = models.ForeignKey(
        "ImportBatch",
        verbose_name=_("import batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ["name_pinyin", "id"]
        constraints = [
            # 一人一档 across the province: one record per ID number.
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=~models.Q(id_number_index=""),
                name="worker_unique_id_number",
            ),
        ]
        indexes = [
            # The list's seek per union (issue 25): a county's page is one range per union.
            models.Index(fields=["org", "name_pinyin", "id"], name="people_worker_org_pinyin_id"),
            models.Index(fields=["birth_date", "name"]),
        ]

    def __str__(self):
        return self.name

    phone = sealed_phone_property("phone")

    @property
    def member_number(self) -> str:
        """会员号 (people.membership): derived from the id, "" before the row is saved."""
        return membership.member_number(self.pk) if self.pk else ""

    @property
    def is_member(self) -> bool:
        """A union member now: in a union, and not merged into another record."""
        return self.union_id is not None and self.merged_into_id is None

    @property
    def has_id_number(self) -> bool:
        return bool(self.id_number_index)

    @property
    def has_bank_account(self) -> bool:
        return bool(self.bank_account_encrypted)


class WorkerNameKey(models.Model):
    """One suffix of a worker's normalized name (张三丰 → 张三丰, 三丰, 丰).

    "Name contains x" is "some suffix starts with x": an index range instead of a scan of
    the whole registry. Written by services (rules.name_keys), never by hand.
    """

    # No index of its own on worker: keys are replaced through the (key, worker) index from
    # the old name (services.write_name_keys), and workers are never deleted (they are merged).
    # On a million workers that index cost the import 2.3 s to build (ADR 0004).
    worker = models.ForeignKey(
        Worker, on_delete=models.CASCADE, related_name="name_keys", db_index=False
    )
    key = models.CharField(max_length=50)

    class Meta:
        # A plain index, not a unique constraint: the writers make each (key, worker) once
        # (rules.name_keys, DISTINCT in the import), and a big import can drop and rebuild
        # a plain index, which SQLite cannot do with a table constraint (ADR 0004).
        indexes = [models.Index(fields=["key", "worker"], name="worker_name_key_idx")]

    def __str__(self):
        return self.key


class Household(models.Model):
    """A family (一户): the unit of a hardship file, built on one worker (户主/建档职工)."""

    org = models.ForeignKey(
        Org, verbose_name=_("owning union"), on_delete=models.PROTECT, related_name="households"
    )
    worker = models.OneToOneField(
        Worker, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="household"
    )
    region_code = models.CharField(_("region code"), max_length=6)
    # Exclusion facts (docs/domain.md "Exclusions"); each a fact the investigation records.
    homes_count = models.PositiveSmallIntegerField(_("homes owned"), default=0)
    homes_area_m2 = models.DecimalField(
        _("total home area (m²)"), max_digits=8, decimal_places=2, default=0
    )
    owns_car = models.BooleanField(
        _("owns or regularly uses a car (not a disability aid)"), default=False
    )
    child_in_costly_school = models.BooleanField(
        _("a child at a high-fee private school or self-funded abroad"), default=False
    )
    controls_business = models.BooleanField(
        _("controls a company, owns shops or employs others"), default=False
    )
    refused_verification = models.BooleanField(
        _("refused verification or gave false data"), default=False
    )
    on_dibao = models.BooleanField(_("receives 低保"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("household")

    def __str__(self):
        return str(_("Household of %(name)s") % {"name": self.worker.name})


class HouseholdMember(models.Model):
    """One person of the household (the worker too), with 12-month incomes and costs in 分."""

    class Relation(models.TextChoices):
        SELF = "self", _("The worker")  # 本人
        SPOUSE = "spouse", _("Spouse")  # 配偶
        CHILD = "child", _("Child")  # 子女
        PARENT = "parent", _("Parent")  # 父母
        OTHER = "other", _("Other relative")  # 其他

    class SchoolStage(models.TextChoices):
        NONE = "", _("Not at school")
        PRESCHOOL = "preschool", _("Pre-school")
        PRIMARY = "primary", _("Primary school")
        JUNIOR = "junior", _("Junior high school")
        SENIOR = "senior", _("Senior high or vocational school")
        UNIVERSITY = "university", _("University")

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    name = models.CharField(_("name"), max_length=50)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    id_number_encrypted = models.CharField(max_length=100, blank=True)
    id_number_index = models.CharField(max_length=64, blank=True, db_index=True)
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True)
    gender = models.CharField(
        _("gender"), max_length=6, choices=Gender.choices, blank=True
    )  # from the ID when given
    health = models.CharField(
        _("health"), max_length=100, blank=True
    )  # minimum needed: e.g. "重病", "慢性病"
    disability = models.CharField(_("disability"), max_length=50, blank=True)
    school_stage = models.CharField(
        _("school stage"), max_length=12, choices=SchoolStage.choices, blank=True
    )
    is_able_bodied = models.BooleanField(_("able to work"), default=True)
    is_employed = models.BooleanField(_("employed or self-employed"), default=True)
    # 12-month totals before application, in 分.
    wage_income_fen = models.BigIntegerField(_("wages"), default=0)
    business_income_fen = models.BigIntegerField(_("business income"), default=0)
    property_income_fen = models.BigIntegerField(_("property income"), default=0)
    transfer_income_fen = models.BigIntegerField(_("transfer income"), default=0)
    other_income_fen = models.BigIntegerField(_("other income"), default=0)
    illness_cost_fen = models.BigIntegerField(_("illness costs"), default=0)
    disability_cost_fen = models.BigIntegerField(_("disability costs"), default=0)
    school_cost_fen = models.BigIntegerField(_("schooling costs"), default=0)
    housing_cost_fen = models.BigIntegerField(_("housing costs"), default=0)
    other_cost_fen = models.BigIntegerField(_("other unavoidable costs"), default=0)

    class Meta:
        verbose_name = _("household member")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    wage_income_fen__gte=0,
                    business_income_fen__gte=0,
                    property_income_fen__gte=0,
                    transfer_income_fen__gte=0,
                    other_income_fen__gte=0,
                ),
                name="member_incomes_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    illness_cost_fen__gte=0,
                    disability_cost_fen__gte=0,
                    school_cost_fen__gte=0,
                    housing_cost_fen__gte=0,
                    other_cost_fen__gte=0,
                ),
                name="member_costs_not_negative",
            ),
        ]

    def __str__(self):
        return self.name


class Consent(models.Model):
    """A recorded consent (PIPL separate consent) for processing sensitive data."""

    class Scope(models.TextChoices):
        ID_AND_BANK = "id_bank", _("ID and bank numbers for assistance payments")
        FAMILY_FINANCES = "finances", _("Checking the family's finances (home visit)")
        HEALTH = "health", _("Health details needed for the programme")
        CHILD = "child", _("Data of a child under 14")

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    given_on = models.DateField(_("given on"))
    evidence = models.CharField(
        _("evidence"), max_length=200, blank=True
    )  # e.g. signed form number
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consent")

    def __str__(self):
        return f"{self.worker} · {self.get_scope_display()}"


class TransferRequest(models.Model):
    """A request to move a worker's record from the owning union to another (跨地区转移)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")  # waiting for the owning union
        ACCEPTED = "accepted", _("Accepted")  # record moved
        DECLINED = "declined", _("Declined")

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="transfer_requests")
    from_org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    to_org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("transfer request")
        # The transfer lists' keyset order (core.lists): newest or oldest request first.
        indexes = [models.Index(fields=["requested_at", "id"], name="people_transfer_list_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"],
                condition=models.Q(status="pending"),
                name="one_pending_transfer_per_worker",
            ),
        ]

    def __str__(self):
        return f"{self.worker} → {self.to_org}"


class DuplicateCandidate(models.Model):
    """A pair of records that may be the same person (no usable ID, or a likely mistyped one)."""

    class Status(models.TextChoices):
        OPEN = "open", _("To review")
        MERGED = "merged", _("Merged")
        DISTINCT = "distinct", _("Kept apart")
        UNMERGED = "unmerged", _("Merge undone")

    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="+")
    score = models.DecimalField(max_digits=4, decimal_places=3)
    reasons = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    merge_snapshot = models.JSONField(default=dict, blank=True)  # what a merge changed, to undo it
    decision_note = models.CharField(_("note"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("possible duplicate")
        constraints = [
            models.UniqueConstraint(fields=["worker", "other"], name="duplicate_pair_once"),
            models.CheckConstraint(
                condition=models.Q(worker__lt=models.F("other")), name="duplicate_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["status", "-score"])]

    def __str__(self):
        return f"{self.worker_id} ~ {self.other_id}"


class ImportBatch(models.Model):
    """One import of a worker sheet (职工导入): for which union, by whom, how far it got.

    The task updates the counters after every chunk, so the page and the CLI can show
    progress; the rows themselves are written in one final transaction (people.imports),
    so a batch is either wholly in the registry (DONE) or not at all.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")  # uploaded; the task worker has not begun
        CHECKING = "checking", _("Checking rows")  # reading, checking and staging chunks
        WRITING = "writing", _("Writing")  # the one transaction that writes every row
        DONE = "done", _("Imported")  # committed: the rows are in the registry
        REFUSED = "refused", _("Not imported")  # row errors (all or nothing), a bad sheet
        FAILED = "failed", _("Failed")  # stopped by an error of the system; nothing was written

    RUNNING = frozenset({Status.QUEUED, Status.CHECKING, Status.WRITING})
    # How a run went (checking processes, their peak memory), set by people.imports.run_import
    # on the batch it returns; not stored.
    run_stats: dict[str, object]

    org = models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+"
    )  # owns the rows it creates; existing rows must be in its subtree
    mode = models.CharField(_("mode"), max_length=20)  # core.imports.Mode
    file_name = models.CharField(_("file"), max_length=200)
    stored_file = models.CharField(max_length=500, blank=True)  # the file read, while needed
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("rows"), default=0)  # estimated until the end
    processed = models.PositiveIntegerField(_("rows checked"), default=0)
    errors = models.PositiveIntegerField(_("rows with errors"), default=0)
    created = models.PositiveIntegerField(_("rows added"), default=0)
    updated = models.PositiveIntegerField(_("rows updated"), default=0)
    unchanged = models.PositiveIntegerField(_("rows unchanged"), default=0)
    to_review = models.PositiveIntegerField(_("rows to review"), default=0)  # ImportReview
    sheet_errors = models.JSONField(default=list, blank=True)  # problems of the whole file
    error_sheet = models.CharField(max_length=60, blank=True)  # token of the saved error sheet
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)  # heartbeat: moves with every chunk

    class Meta:
        verbose_name = _("import batch")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    status__in=["queued", "checking", "writing", "done", "refused", "failed"]
                ),
                name="import_batch_status_known",
            ),
        ]

    def __str__(self):
        return f"{self.file_name} #{self.pk}"

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def percent(self) -> int:
        """For the progress bar: checking counts up to 99; the final write is the last step."""
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.processed * 100 // self.total)


class ImportRowError(models.Model):
    """One problem in one row (and column) of an imported file, as the page and error sheet show it."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField()  # as Excel numbers it
    column = models.CharField(max_length=3, blank=True)  # "C", or "" for the whole row
    header = models.CharField(max_length=30, blank=True)
    message = models.CharField(max_length=500)

    class Meta:
        verbose_name = _("import error")
        indexes = [models.Index(fields=["batch", "row"])]

    def __str__(self):
        return str(self.as_row_error())

    def as_row_error(self):
        """The import framework's form of the error (row and column labels, sheet text)."""
        from nuanjia.core.imports import RowError

        return RowError(self.row, self.column, self.header, self.message)


class ImportReview(models.Model):
    """An imported row whose ID number is registered under another name (导入待核对).

    The import leaves the record alone and keeps the row here; the importing union accepts it
    (the record takes the row's name and values, through services.update_worker) or refuses
    it. Numbers are kept as the registry keeps them: the bank account encrypted and masked.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("To review")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="reviews")
    row = models.PositiveIntegerField()  # as Excel numbers it
    worker = models.ForeignKey(Worker, on_delete=models.CASCADE, related_name="import_reviews")
    name = models.CharField(_("name in the file"), max_length=50)
    values = models.JSONField(default=dict, blank=True)  # the row's other non-blank cells
    bank_account_encrypted = models.TextField(blank=True)
    bank_account_masked = models.CharField(max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("imported row to review")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "worker"])]

    def __str__(self):
        return f"{self.batch_id}:{self.row} {self.name}"


# Honours live in their own module (this one is near its size limit); imported here so
# Django finds the model and callers import it from people.models like the others.
from nuanjia.people.honour_models import Honour as Honour  # noqa: E402
from nuanjia.people.honour_models import HonourKind as HonourKind  # noqa: E402
from nuanjia.people.honour_models import HonourLevel as HonourLevel  # noqa: E402
