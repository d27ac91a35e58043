"""Gig-job corners (零工客栈): the corners of the unions (place, hours, services), job posts by
employers (pay per day or hour in fen, place, dates, workers wanted), gig workers with their
availability, matches of a worker to a post with their outcome, and disputes handed to the
12351 hotline as tickets.

Every row carries the union (`org`) that scopes it: the corner's. Phones are sealed
(core.sealed_phones); a worker's contact reaches the employer only after the worker's consent
(`Match.contact_visible`)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from nuanjia.core.history import StepEvent
from nuanjia.core.sealed_phones import sealed_phone_property
from nuanjia.orgs.models import Org

from .rules import CONSENTED_STATUSES, DisputeKind, MatchStatus, PayUnit, PostStatus


def _staff(name: str = "+") -> models.ForeignKey:
    return models.ForeignKey(
        "orgs.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name=name
    )


class Corner(models.Model):
    """A union's gig-job corner (零工客栈): where it is (WGS-84, as the stations), when it is
    open, what it offers."""

    org = models.ForeignKey(Org, verbose_name=_("union"), on_delete=models.PROTECT)
    name = models.CharField(_("name"), max_length=100)
    region_code = models.CharField(_("region code"), max_length=6)
    address = models.CharField(_("address"), max_length=200)
    lat = models.FloatField(_("latitude (WGS-84)"))
    lng = models.FloatField(_("longitude (WGS-84)"))
    opening_hours = models.CharField(_("opening hours"), max_length=100, blank=True)
    services = models.CharField(_("services offered"), max_length=300, blank=True)
    phone = models.CharField(_("corner phone"), max_length=20, blank=True)  # the desk's
    is_active = models.BooleanField(_("active"), default=True)
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("gig-job corner")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="gigjobs_corner_unique_name"),
        ]
        indexes = [models.Index(fields=["name", "id"], name="gigjobs_corner_name")]

    def __str__(self) -> str:
        return self.name


class JobPost(models.Model):
    """An employer's job post (招工信息), entered by corner staff or the employer's own
    partner account; the pay is never below the region's minimum (rules.floor_for_unit)."""

    corner = models.ForeignKey(Corner, on_delete=models.PROTECT, related_name="posts")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    partner = models.ForeignKey(  # the employer's account on /p/, when it entered the post
        "members.Partner", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    employer_name = models.CharField(_("employer"), max_length=100)
    work = models.CharField(_("work"), max_length=100)
    description = models.CharField(_("description"), max_length=500, blank=True)
    pay_unit = models.CharField(_("pay per"), max_length=8, choices=PayUnit.choices)
    pay_fen = models.PositiveIntegerField(_("pay"))
    region_code = models.CharField(_("region code"), max_length=6)
    address = models.CharField(_("place of work"), max_length=200)
    lat = models.FloatField(_("latitude (WGS-84)"))
    lng = models.FloatField(_("longitude (WGS-84)"))
    cell = models.BigIntegerField(editable=False)  # stations.rules.cell_of: the near search
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    workers_wanted = models.PositiveSmallIntegerField(_("workers wanted"))
    contact_name = models.CharField(_("contact"), max_length=50)
    status = models.CharField(
        _("status"), max_length=8, choices=PostStatus.choices, default=PostStatus.OPEN
    )
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    phone_encrypted = models.CharField(max_length=100, blank=True)
    phone_index = models.CharField(max_length=64, blank=True)
    phone_last4_index = models.CharField(max_length=64, blank=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)

    contact_phone = sealed_phone_property("phone")

    class Meta:
        verbose_name = _("job post")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "cell"], name="gigjobs_post_near"),
            models.Index(fields=["-created_at", "-id"], name="gigjobs_post_new"),
            models.Index(fields=["updated_at"], name="gigjobs_post_stamp"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="gigjobs_post_dates"
            ),
            models.CheckConstraint(condition=Q(workers_wanted__gte=1), name="gigjobs_post_wanted"),
            models.CheckConstraint(condition=Q(pay_fen__gt=0), name="gigjobs_post_pay"),
        ]

    def __str__(self) -> str:
        return f"{self.employer_name} · {self.work}"


class GigWorker(models.Model):
    """A gig worker of a corner (零工) and when they are free: a member who signed up on the
    phone (`member`) or a person the corner's staff registered (`worker`: the registry's, if
    known)."""

    corner = models.ForeignKey(Corner, on_delete=models.PROTECT, related_name="gig_workers")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    member = models.OneToOneField(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    worker = models.ForeignKey(
        "people.Worker", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=50)
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    available_from = models.DateField(_("available from"))
    available_until = models.DateField(_("available until"))
    lat = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    lng = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    phone_encrypted = models.CharField(max_length=100, blank=True)
    phone_index = models.CharField(max_length=64, blank=True)
    phone_last4_index = models.CharField(max_length=64, blank=True)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True)

    phone = sealed_phone_property("phone")

    class Meta:
        verbose_name = _("gig worker")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(available_until__gte=F("available_from")),
                name="gigjobs_worker_dates",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Match(models.Model):
    """A gig worker matched to a post (撮合), proposed by corner staff or by the worker; the
    employer sees the worker's contact only once the worker consented."""

    post = models.ForeignKey(JobPost, on_delete=models.PROTECT, related_name="matches")
    gig_worker = models.ForeignKey(GigWorker, on_delete=models.PROTECT, related_name="matches")
    corner = models.ForeignKey(Corner, on_delete=models.PROTECT, related_name="matches")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=12, choices=MatchStatus.choices, default=MatchStatus.PROPOSED
    )
    proposed_by = _staff()  # empty when the worker proposed on the phone
    consented_at = models.DateTimeField(_("consented at"), null=True, blank=True)
    consent_recorded_by = _staff()  # staff who recorded a consent given in person
    decided_by = _staff()
    started_on = models.DateField(_("started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    days_worked = models.PositiveSmallIntegerField(_("days worked"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "gig_worker"], name="gigjobs_match_once"),
        ]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="gigjobs_match_new"),
            models.Index(fields=["corner", "status"], name="gigjobs_match_corner"),
            models.Index(fields=["updated_at"], name="gigjobs_match_stamp"),
        ]

    def __str__(self) -> str:
        return f"LG{self.pk:06d}"

    @property
    def contact_visible(self) -> bool:
        """Whether the worker has consented, so the employer may see their contact."""
        return self.consented_at is not None and self.status in CONSENTED_STATUSES


class MatchEvent(StepEvent):
    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="events")


class Dispute(models.Model):
    """A dispute of a match (unpaid wages, an injury…), handed to the 12351 hotline as a
    ticket (`ticket`), which links back here through its description and this row."""

    match = models.ForeignKey(Match, on_delete=models.PROTECT, related_name="disputes")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=8, choices=DisputeKind.choices)
    description = models.CharField(_("description"), max_length=500)
    ticket = models.ForeignKey(
        "hotline.Ticket", on_delete=models.PROTECT, related_name="+", verbose_name=_("ticket")
    )
    opened_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dispute")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.match} {self.get_kind_display()}"
