"""12351 tickets, their history and attachments, the per-day number counter, the deadline
table (per kind and class), answer templates, and advance reliefs opened from a ticket."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from nuanjia.core.history import StepEvent
from nuanjia.core.sealed_phones import sealed_phone_property
from nuanjia.core.uploads import StoredFile, stored_upload_to
from nuanjia.orgs.models import Org
from nuanjia.people.models import Employer, Worker

from . import rules
from .due import due_in
from .rules import Channel, Kind, Satisfaction, Status, TicketClass


class DayCounter(models.Model):
    """The last ticket sequence handed out on a day. A submission increments it with one
    UPDATE (a row lock until its transaction ends), so numbers never repeat; a rolled-back
    submission leaves a gap, which is harmless."""

    day = models.DateField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ticket counter")

    def __str__(self):
        return f"{self.day} {self.last}"


class DeadlinePolicy(models.Model):
    """Deadlines of one kind and class, overriding rules.default_deadlines (系统管理员 edits
    them in the admin). First contact counts working hours; resolution and call-back count
    working days."""

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    ticket_class = models.CharField(_("class"), max_length=10, choices=TicketClass.choices)
    first_contact_hours = models.PositiveSmallIntegerField(_("first contact (working hours)"))
    urgent_first_contact_hours = models.PositiveSmallIntegerField(
        _("first contact when urgent (working hours)"), default=1
    )
    resolution_days = models.PositiveSmallIntegerField(_("resolution (working days)"))
    callback_days = models.PositiveSmallIntegerField(_("call-back (working days)"), default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ticket deadline")
        verbose_name_plural = _("ticket deadlines")
        ordering = ["kind", "ticket_class"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "ticket_class"], name="hotline_deadline_once"),
            models.CheckConstraint(
                condition=Q(
                    resolution_days__gte=1, callback_days__gte=1, first_contact_hours__gte=1
                ),
                name="hotline_deadline_positive",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.get_ticket_class_display()}"

    def values(self, *, is_urgent: bool) -> rules.Deadlines:
        return rules.Deadlines(
            first_contact_hours=self.urgent_first_contact_hours
            if is_urgent
            else self.first_contact_hours,
            resolution_days=self.resolution_days,
            callback_days=self.callback_days,
        )


class Ticket(models.Model):
    """One request to 12351, owned by the union responsible for it (its scope).

    Its life is hotline.workflow.FLOW; each step is one service writing one TicketEvent and one
    audit event. Deadlines are aware datetimes computed on Chinese working days and office
    hours; `paused_at` stops the resolution clock while the union waits for the caller.
    """

    Status = Status

    number = models.CharField(_("ticket number"), max_length=24, unique=True)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    caller_name = models.CharField(_("caller"), max_length=50, blank=True)
    # The caller's number, sealed (core.sealed_phones): read and write it as `caller_phone`.
    caller_phone_encrypted = models.CharField(max_length=100)
    caller_phone_index = models.CharField(max_length=64)
    caller_phone_last4_index = models.CharField(max_length=64)
    caller_phone_masked = models.CharField(_("phone"), max_length=20)
    worker = models.ForeignKey(
        Worker,
        verbose_name=_("worker record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    region_code = models.CharField(_("place (region code)"), max_length=6)
    employer_name = models.CharField(_("employer"), max_length=120, blank=True)
    employer = models.ForeignKey(
        Employer,
        verbose_name=_("employer record"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    ticket_class = models.CharField(
        _("class"), max_length=10, choices=TicketClass.choices, default=TicketClass.GENERAL
    )
    is_urgent = models.BooleanField(_("urgent"), default=False)
    description = models.TextField(_("description"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RECEIVED
    )
    # The responsible union: whose subtree sees and handles the ticket.
    org = models.ForeignKey(
        Org, verbose_name=_("responsible union"), on_delete=models.PROTECT, related_name="tickets"
    )
    proposed_org = models.ForeignKey(
        Org,
        verbose_name=_("proposed union"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    dispatched_from = models.ForeignKey(
        Org,
        verbose_name=_("dispatched by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    escalated_to = models.ForeignKey(
        Org,
        verbose_name=_("escalated to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escalated_tickets",
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    classified_at = models.DateTimeField(null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    called_back_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    first_contact_due_at = models.DateTimeField(_("first contact due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    callback_due_at = models.DateTimeField(_("call-back due"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_minutes = models.PositiveIntegerField(_("working minutes paused"), default=0)
    # Who has taken the ticket (认领, services.holding): "my tickets" of that person.
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("held by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    held_since = models.DateTimeField(_("held since"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    callback_comment = models.TextField(_("call-back comment"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    is_late = models.BooleanField(_("closed late"), default=False)  # answered after its due time
    duplicate_key = models.CharField(max_length=32, db_index=True)  # rules.duplicate_key
    merged_count = models.PositiveSmallIntegerField(_("duplicate submissions merged"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="hotline_ticket_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(description=""), name="hotline_ticket_description_present"
            ),
        ]
        indexes = [
            models.Index(fields=["updated_at"]),  # the reports' change feed
            models.Index(fields=["org", "status"], name="hotline_ticket_org_status"),
            models.Index(
                fields=["caller_phone_index", "received_at"], name="hotline_ticket_phone_index"
            ),
            models.Index(fields=["status", "resolution_due_at"], name="hotline_ticket_due"),
            # The list's keyset order (newest first, the id breaking ties).
            models.Index(fields=["received_at", "id"], name="hotline_ticket_received_id"),
            # The same order per union: a county's page seeks once per union (issue 25).
            models.Index(fields=["org", "received_at", "id"], name="hotline_ticket_org_received"),
            models.Index(fields=["holder", "status"], name="hotline_ticket_holder"),
            # The reports' closed tickets of a day range (hotline.closed).
            models.Index(fields=["closed_at"], name="hotline_ticket_closed_at"),
        ]

    def __str__(self):
        return self.number

    caller_phone = sealed_phone_property("caller_phone")

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    def overdue_stages(self, now=None) -> list[str]:
        """Which deadlines have passed unmet: "first_contact", "resolution", "callback"."""
        now = now or timezone.now()
        stages = []
        if (
            self.status in rules.BEFORE_CONTACT_STATUSES
            and self.first_contact_due_at
            and self.first_contact_due_at < now
        ):
            stages.append("first_contact")
        if (
            self.status in rules.RESOLVING_STATUSES
            and not self.is_paused
            and self.resolution_due_at
            and self.resolution_due_at < now
        ):
            stages.append("resolution")
        if self.status == Status.ANSWERED and self.callback_due_at and self.callback_due_at < now:
            stages.append("callback")
        return stages

    @property
    def is_overdue(self) -> bool:
        return bool(self.overdue_stages())

    @property
    def due(self):
        """Time left to the next deadline (hotline.due.DueIn), None when none runs."""
        return due_in(self, timezone.now())


class TicketEvent(StepEvent):
    """One step in a ticket's timeline: who, when, from which status to which, and why."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")

    class Meta(StepEvent.Meta):
        indexes = [models.Index(fields=["ticket", "at"], name="hotline_event_ticket")]

    def __str__(self):
        return f"{self.ticket_id} {self.action}"

    @property
    def action_label(self) -> str:
        return str(rules.ACTION_LABELS.get(self.action, self.action))

    @property
    def to_status_label(self) -> str:
        return str(Status(self.to_status).label) if self.to_status in Status.values else ""

    @property
    def status_after_label(self) -> str:
        """The status the step left the ticket in, for the timeline: empty when it did not
        change or when the action already says it (已派单, not "已派单 → 已派单")."""
        if not self.to_status or self.from_status == self.to_status:
            return ""
        label = self.to_status_label
        return "" if label == self.action_label else label


def attachment_path(instance, filename: str) -> str:
    """Kept for migration 0001; files are stored under a random name (core.uploads)."""
    return stored_upload_to(instance, filename)


class TicketAttachment(StoredFile):
    """A file added to a ticket by staff or by the caller (a photo of a pay slip, a
    contract); the shared fields, checks and download are core.uploads'."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")

    class Meta(StoredFile.Meta):
        pass

    def storage_folder(self) -> str:
        return f"hotline/{self.ticket_id}"


class AnswerTemplate(models.Model):
    """A common answer an agent can insert (常见问题答复); visible to the org and below it."""

    org = models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.CASCADE, related_name="answer_templates"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, blank=True)
    title = models.CharField(_("title"), max_length=80)
    text = models.TextField(_("text"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")
        ordering = ["kind", "title"]

    def __str__(self):
        return self.title


class FastTrack(models.Model):
    """An advance relief (一事一议、先行救助) opened from a ticket: the link to the relief
    grant, the once-a-year cause, the single approver and the paperwork deadline.

    The grant's own life (reserve, batch, bank result) is the relief app's; this row keeps
    what the hotline measures: call to payment in working days.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="fast_tracks")
    grant = models.OneToOneField(
        "relief.Grant", on_delete=models.PROTECT, related_name="fast_track"
    )
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")  # the paying union
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="fast_tracks")
    cause = models.CharField(_("cause"), max_length=200)
    cause_key = models.CharField(max_length=100)  # rules.cause_key
    year = models.PositiveSmallIntegerField(_("year"))
    amount_fen = models.BigIntegerField(_("amount"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    days_to_payment = models.PositiveSmallIntegerField(
        _("working days from call to payment"), null=True, blank=True
    )
    paperwork_due_on = models.DateField(_("paperwork due"), null=True, blank=True)
    paperwork_done_on = models.DateField(_("paperwork completed"), null=True, blank=True)
    is_cancelled = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("advance relief")
        verbose_name_plural = _("advance reliefs")
        ordering = ["-created_at"]
        constraints = [
            # Same cause at most once per calendar year for a worker (cancelled ones aside).
            models.UniqueConstraint(
                fields=["worker", "cause_key", "year"],
                condition=Q(is_cancelled=False),
                name="hotline_fast_track_cause_once_a_year",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True)
                | Q(proposed_by__isnull=True)
                | ~Q(approved_by=models.F("proposed_by")),
                name="hotline_fast_track_approver_is_not_proposer",
            ),
        ]

    def __str__(self):
        return f"{self.ticket.number} · {self.cause}"

    @property
    def working_days_to_payment(self) -> int | None:
        """Working days from the call to payment, recorded when relief paid the grant (None
        while unpaid)."""
        return self.days_to_payment


class FastTrackPolicy(models.Model):
    """The advance-relief rule of a region from a date on: the cap (a multiple of the local
    低保, else a fixed amount) and the working days allowed to complete the paperwork after
    payment. A county falls back to its city, a city to the province, then rules' defaults."""

    region_code = models.CharField(_("region code"), max_length=6)
    effective_on = models.DateField(_("effective on"))
    dibao_multiple = models.DecimalField(
        _("cap as a multiple of dibao"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    cap_fen = models.BigIntegerField(_("fixed cap"))  # used when no 低保 is known, or lower
    paperwork_days = models.PositiveSmallIntegerField(
        _("paperwork deadline after payment (working days)"), default=10
    )

    class Meta:
        verbose_name = _("advance relief rule")
        verbose_name_plural = _("advance relief rules")
        ordering = ["region_code", "-effective_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "effective_on"], name="hotline_fast_track_policy_once"
            ),
            models.CheckConstraint(
                condition=Q(cap_fen__gt=0), name="hotline_fast_track_cap_positive"
            ),
        ]

    def __str__(self):
        return f"{self.region_code} {self.effective_on}"
