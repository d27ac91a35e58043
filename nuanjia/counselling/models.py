"""Psychological help (心理援助): help lines of the unions, their counsellors and volunteers
with qualifications, the 24-hour shift roster and its swaps, sessions (calls and chats) with
minimal notes encrypted at rest, and classes and columns with their attendance.

Every row carries the union (`org`) that scopes it. A session's notes are stored only as
`notes_encrypted` (core.crypto): no export, figure or API list reads that column."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from nuanjia.core.history import StepEvent
from nuanjia.core.sealed_phones import sealed_phone_property
from nuanjia.orgs.models import Org

from .rules import DEFAULT_FOLLOW_UP_HOURS, Channel, EventKind, HelperKind, Risk, SwapStatus


def _staff(name: str = "+") -> models.ForeignKey:
    return models.ForeignKey(
        "orgs.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name=name
    )


class Line(models.Model):
    """A union's help line (心理援助热线): who supervises it, how many must be on duty at
    any time, and within how many hours a high-risk session is followed up."""

    org = models.ForeignKey(Org, verbose_name=_("union"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("line number"), max_length=20, blank=True)
    min_on_duty = models.PositiveSmallIntegerField(_("minimum on duty"), default=1)
    follow_up_hours = models.PositiveSmallIntegerField(
        _("follow-up within (hours)"), default=DEFAULT_FOLLOW_UP_HOURS
    )
    supervisor = _staff("supervised_lines")
    # The volunteers' team as a partner (members.Partner): volunteers sign in as its people.
    partner = models.ForeignKey(
        "members.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("help line")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="counselling_line_unique_name"),
            models.CheckConstraint(condition=Q(min_on_duty__gte=1), name="counselling_line_min"),
        ]

    def __str__(self) -> str:
        return self.name


class Helper(models.Model):
    """A counsellor or volunteer of a line (the volunteer register, 志愿者名册)."""

    line = models.ForeignKey(Line, on_delete=models.PROTECT, related_name="helpers")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=HelperKind.choices)
    name = models.CharField(_("name"), max_length=50)
    phone_encrypted = models.CharField(max_length=100, blank=True)
    phone_index = models.CharField(max_length=64, blank=True)
    phone_last4_index = models.CharField(max_length=64, blank=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)
    staff = _staff("counselling_helpers")  # a counsellor who signs in as staff
    account = models.ForeignKey(  # a volunteer who signs in as a partner's person (one each)
        "members.PartnerUser", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    phone = sealed_phone_property("phone")

    class Meta:
        verbose_name = _("counsellor or volunteer")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["line", "kind"], name="counselling_helper_kind")]

    def __str__(self) -> str:
        return self.name


class Qualification(models.Model):
    helper = models.ForeignKey(Helper, on_delete=models.CASCADE, related_name="qualifications")
    kind = models.CharField(_("qualification"), max_length=50)
    number = models.CharField(_("certificate number"), max_length=50)
    issuer = models.CharField(_("issuer"), max_length=100)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("qualification")
        ordering = ["kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["helper", "kind", "number"], name="counselling_qualification_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number}"


class Shift(models.Model):
    """One person on duty on a line from `starts_at` until `ends_at` (at most 24 hours)."""

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="shifts")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    helper = models.ForeignKey(Helper, on_delete=models.PROTECT, related_name="shifts")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    minutes = models.PositiveIntegerField(_("minutes"))
    created_by = _staff()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shift")
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["line", "starts_at"], name="counselling_shift_line"),
            models.Index(fields=["helper", "starts_at"], name="counselling_shift_helper"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="counselling_shift_dates"
            )
        ]

    def __str__(self) -> str:
        return f"{self.helper_id} {self.starts_at:%Y-%m-%d %H:%M}"


class Swap(models.Model):
    """A volunteer's proposal to hand a shift to another person of the line (调班), approved or
    refused by another person (the supervisor) through the workflow engine."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="swaps")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    taker = models.ForeignKey(Helper, on_delete=models.PROTECT, related_name="+")
    giver = models.ForeignKey(Helper, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=16, choices=SwapStatus.choices, default=SwapStatus.PROPOSED
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    proposed_by = _staff()  # a staff member proposing for a volunteer; empty when by partner
    decided_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("shift swap")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"TB{self.pk:06d}"


class SwapEvent(StepEvent):
    swap = models.ForeignKey(Swap, on_delete=models.CASCADE, related_name="events")


class Session(models.Model):
    """A call or chat of a line (a 咨询记录). Notes are minimal and sealed: read them only
    through `services.sessions.notes_for`, which allows the counsellor and a supervisor."""

    line = models.ForeignKey(Line, on_delete=models.PROTECT, related_name="sessions")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    helper = models.ForeignKey(Helper, on_delete=models.PROTECT, related_name="sessions")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    started_at = models.DateTimeField(_("started"))
    minutes = models.PositiveIntegerField(_("minutes"), default=0)
    risk = models.CharField(_("risk level"), max_length=8, choices=Risk.choices)
    notes_encrypted = models.TextField(blank=True)
    police_called = models.BooleanField(_("110 called"), default=False)
    ambulance_called = models.BooleanField(_("120 called"), default=False)
    follow_up_due_at = models.DateTimeField(_("follow up by"), null=True, blank=True)
    followed_up_at = models.DateTimeField(_("followed up"), null=True, blank=True)
    followed_up_by = _staff()
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    escalated_to = _staff("counselling_escalations")
    recorded_by = _staff()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("session")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["risk", "follow_up_due_at"], name="counselling_session_due"),
            models.Index(fields=["updated_at"], name="counselling_session_stamp"),
        ]

    def __str__(self) -> str:
        return f"XL{self.pk:06d}"


class Event(models.Model):
    """A class (心灵护航) or column (职工心灵夜话) of a union, with its attendance."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=EventKind.choices)
    series = models.CharField(_("series"), max_length=50)  # 心灵护航, 职工心灵夜话
    title = models.CharField(_("title"), max_length=100)
    held_at = models.DateTimeField(_("held at"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    created_by = _staff()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("class or column")
        ordering = ["-held_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendance")
    name = models.CharField(_("name"), max_length=50)
    workplace = models.CharField(_("workplace"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attendance")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "name", "workplace"], name="counselling_attendance_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name
