"""Skills and certificates (人人持证、技能河南): training providers and courses run by a union,
the registry workers enrolled in them with their attendance and exam results, the
certificates workers hold (职业技能证书), the course's subsidy settled through the ledger and
paid as a payable, skill contests (技能比武) with entrants, scores and awards, and craftsman
academies (工匠学院) with their teachers and training bases.

Every row carries the union (`org`) that scopes it. Money is in fen."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q
from django.db.models.expressions import Combinable
from django.utils.translation import gettext_lazy as _

from nuanjia.core.history import StepEvent
from nuanjia.orgs.models import Org

from .rules import CertificateKind, ExamResult, Level, SettlementStatus


def _staff(name: str = "+") -> models.ForeignKey:
    return models.ForeignKey(
        "orgs.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name=name
    )


UNION = _("union")


def _org(label: Any = UNION) -> models.ForeignKey[Org | Combinable, Org]:
    return models.ForeignKey(Org, verbose_name=label, on_delete=models.PROTECT, related_name="+")


class Provider(models.Model):
    """A training provider (培训机构) of a union, with the account its subsidy is paid to.
    A provider that is also a registered partner (members.Partner) names it."""

    org = _org()
    name = models.CharField(_("name"), max_length=100)
    partner = models.ForeignKey(
        "members.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    payee_name = models.CharField(_("payee"), max_length=100, blank=True)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    account_encrypted = models.CharField(max_length=200, blank=True)
    account_masked = models.CharField(_("bank account"), max_length=40, blank=True)
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training provider")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="skills_provider_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Course(models.Model):
    """A training course (培训课程) a union runs with a provider: the occupation taught, the
    dates and places, and the subsidy per trainee paid from an earmark. A trainee counts for
    the subsidy when they pass the exam, or attend at least `min_attendance_pct` of the
    sessions when that is above 0."""

    org = _org(_("organising union"))
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="courses")
    name = models.CharField(_("name"), max_length=100)
    occupation = models.CharField(_("occupation or skill"), max_length=50)
    level = models.CharField(_("level"), max_length=2, choices=Level.choices, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    places = models.PositiveIntegerField(_("places"))
    subsidy_fen = models.BigIntegerField(_("subsidy per trainee"))
    earmark = models.ForeignKey("funds.Earmark", on_delete=models.PROTECT, related_name="+")
    min_attendance_pct = models.PositiveSmallIntegerField(_("attendance counted (%)"), default=0)
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("training course")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["starts_on", "id"], name="skills_course_start")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="skills_course_dates"),
            models.CheckConstraint(condition=Q(subsidy_fen__gte=0), name="skills_course_subsidy"),
            models.CheckConstraint(condition=Q(min_attendance_pct__lte=100), name="skills_course_pct"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    """A registry worker on a course (学员), with the sessions attended and the exam result."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    org = _org()  # the course's union
    worker = models.ForeignKey("people.Worker", on_delete=models.PROTECT, related_name="+")
    attended = models.PositiveIntegerField(_("sessions attended"), default=0)
    result = models.CharField(
        _("exam result"), max_length=8, choices=ExamResult.choices, blank=True
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    examined_on = models.DateField(_("exam day"), null=True, blank=True)
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("trainee")
        ordering = ["id"]
        indexes = [models.Index(fields=["created_at"], name="skills_enrolment_day")]
        constraints = [
            models.UniqueConstraint(fields=["course", "worker"], name="skills_enrolment_once")
        ]

    def __str__(self) -> str:
        return f"XY{self.pk:06d}"


class CourseSession(models.Model):
    """One session of a course (课次) with its attendance."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("day"))
    topic = models.CharField(_("topic"), max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("course session")
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


class Attendance(models.Model):
    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")

    class Meta:
        verbose_name = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="skills_attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.enrolment_id}"


class Certificate(models.Model):
    """A certificate a worker holds (职业技能证书): kind, level, number and issuer, from a
    passed exam on a course or recorded directly. One (kind, number, issuer) is one paper."""

    worker = models.ForeignKey("people.Worker", on_delete=models.PROTECT, related_name="+")
    org = _org(_("recording union"))
    kind = models.CharField(_("kind"), max_length=16, choices=CertificateKind.choices)
    level = models.CharField(_("level"), max_length=2, choices=Level.choices, blank=True)
    occupation = models.CharField(_("occupation or skill"), max_length=50)
    number = models.CharField(_("certificate number"), max_length=50)
    issuer = models.CharField(_("issuer"), max_length=100)
    issued_on = models.DateField(_("issued on"))
    enrolment = models.OneToOneField(
        Enrolment, null=True, blank=True, on_delete=models.PROTECT, related_name="certificate"
    )
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certificate")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["issued_on", "id"], name="skills_certificate_day"),
            models.Index(fields=["worker", "issued_on"], name="skills_certificate_worker"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "number", "issuer"], name="skills_certificate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Settlement(models.Model):
    """A course's training subsidy (培训补贴结算): trainees who count × the subsidy per trainee,
    prepared by a caseworker, approved by another person with the amount reserved, and paid
    to the provider as the payable "skills.settlement" of a payment batch."""

    steps: list[str]  # the viewer's steps, set by the API on the record it answers with

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="settlements")
    org = _org(_("paying union"))
    earmark = models.ForeignKey("funds.Earmark", on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    trainees = models.PositiveIntegerField(_("trainees counted"))
    subsidy_fen = models.BigIntegerField(_("subsidy per trainee"))
    amount_fen = models.BigIntegerField(_("amount"))
    status = models.CharField(
        _("status"), max_length=10, choices=SettlementStatus.choices,
        default=SettlementStatus.PREPARED,
    )  # fmt: skip
    prepared_by = _staff()
    approved_by = _staff()
    approved_at = models.DateTimeField(null=True, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    batch = models.ForeignKey(
        "relief.PaymentBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("subsidy settlement")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["org", "status"], name="skills_settlement_queue"),
            models.Index(fields=["updated_at"], name="skills_settlement_stamp"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["course"], condition=~Q(status=SettlementStatus.CANCELLED),
                name="skills_settlement_one_live",
            ),
            models.CheckConstraint(
                condition=Q(amount_fen=F("trainees") * F("subsidy_fen")),
                name="skills_settlement_amount",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"PX{self.pk:06d}"


class SettlementEvent(StepEvent):
    settlement = models.ForeignKey(Settlement, on_delete=models.CASCADE, related_name="events")


class Contest(models.Model):
    """A skill contest (技能比武/技能竞赛) a union organises in a trade."""

    org = _org(_("organising union"))
    name = models.CharField(_("name"), max_length=100)
    trade = models.CharField(_("trade"), max_length=50)
    held_on = models.DateField(_("day"))
    place = models.CharField(_("place"), max_length=100, blank=True)
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("skill contest")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.name


class Entrant(models.Model):
    """A registry worker in a contest, with their score and award (rank, prize)."""

    contest = models.ForeignKey(Contest, on_delete=models.PROTECT, related_name="entrants")
    org = _org()  # the contest's union
    worker = models.ForeignKey("people.Worker", on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    prize = models.CharField(_("award"), max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("entrant")
        ordering = ["rank", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "worker"], name="skills_entrant_once")
        ]

    def __str__(self) -> str:
        return f"{self.contest_id}/{self.worker_id}"


class Academy(models.Model):
    """A craftsman academy (工匠学院) of a union."""

    org = _org()
    name = models.CharField(_("name"), max_length=100)
    place = models.CharField(_("place"), max_length=100, blank=True)
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("craftsman academy")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="skills_academy_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Teacher(models.Model):
    """A teacher of an academy: a registry worker (a 劳模 or craftsman) or a named expert."""

    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="teachers")
    worker = models.ForeignKey(
        "people.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=50)
    trade = models.CharField(_("trade"), max_length=50)
    title = models.CharField(_("title"), max_length=50, blank=True)  # 高级技师, 大国工匠…

    class Meta:
        verbose_name = _("teacher")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Base(models.Model):
    """A training base of an academy (实训基地)."""

    academy = models.ForeignKey(Academy, on_delete=models.CASCADE, related_name="bases")
    name = models.CharField(_("name"), max_length=100)
    place = models.CharField(_("place"), max_length=100, blank=True)
    trade = models.CharField(_("trade"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("training base")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
