"""工人先锋号 team titles, labour competitions (劳动竞赛) and innovation studios
(劳模和工匠人才创新工作室) with their alliances (联盟).

Every row carries the union (`org`) that scopes it: a team and its titles the grassroots
union that nominates it (so a county sees its subtree's nominations and a grassroots union
only its own), a competition its organiser, a studio its union, an alliance its city or
industry union. A title moves through `workflow.TITLE_FLOW` (ADR 0010, ADR 0028)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from nuanjia.core.history import StepEvent
from nuanjia.orgs.models import Org

from .rules import (
    AllianceKind,
    AwardLevel,
    CompetitionKind,
    ProjectStatus,
    ResultKind,
    StudioKind,
    StudioLevel,
    TitleStatus,
)


def _staff(name: str = "+", label: Any = None) -> models.ForeignKey:
    return models.ForeignKey(
        "orgs.Staff", null=True, blank=True, on_delete=models.PROTECT, related_name=name,
        verbose_name=label,
    )  # fmt: skip


def _union() -> models.ForeignKey:
    return models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+"
    )


class Team(models.Model):
    """A team (班组, 集体) a grassroots union may nominate for 工人先锋号."""

    org = models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("team"), max_length=100)
    employer = models.ForeignKey(
        "people.Employer", verbose_name=_("employer"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    workplace = models.CharField(_("workplace"), max_length=120, blank=True)
    members_count = models.PositiveIntegerField(_("members"), default=0)
    leader = models.ForeignKey(
        "people.Worker", verbose_name=_("team leader"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("team")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="pioneers_team_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Title(models.Model):
    """One nomination of a team for 工人先锋号 and, once awarded, the title itself."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="titles")
    org = models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+"
    )  # the team's (nominating) union
    status = models.CharField(
        _("status"), max_length=16, choices=TitleStatus.choices, default=TitleStatus.NOMINATED
    )
    year = models.PositiveSmallIntegerField(_("year nominated"))
    deeds = models.CharField(_("deeds"), max_length=500, blank=True)  # 先进事迹 (short)
    nominated_by = _staff(label=_("nominated by"))
    reviewed_by = _staff(label=_("reviewed by"))
    publicity_starts_on = models.DateField(_("publicity from"), null=True, blank=True)
    publicity_ends_on = models.DateField(_("publicity until"), null=True, blank=True)
    awarded_by = _staff(label=_("awarded by"))
    awarding_org = models.ForeignKey(
        Org, verbose_name=_("awarding union"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    level = models.CharField(_("level"), max_length=12, choices=AwardLevel.choices, blank=True)
    award_year = models.PositiveSmallIntegerField(_("year awarded"), null=True, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=50, blank=True)
    awarded_at = models.DateTimeField(_("awarded"), null=True, blank=True)
    refusal_reason = models.CharField(_("reason"), max_length=500, blank=True)
    last_review_year = models.PositiveSmallIntegerField(
        _("last annual review"), null=True, blank=True
    )
    revoked_by = _staff(label=_("revoked by"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revocation_reason = models.CharField(_("reason for revocation"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Worker Pioneer title")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "id"], name="pioneers_title_status"),
            models.Index(fields=["awarded_at"], name="pioneers_title_awarded"),
            models.Index(fields=["revoked_at"], name="pioneers_title_revoked"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["team"], condition=Q(status__in=["nominated", "publicity"]),
                name="pioneers_title_one_open",
            ),
            models.UniqueConstraint(
                fields=["certificate_number"], condition=~Q(certificate_number=""),
                name="pioneers_title_unique_certificate",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True) | Q(nominated_by__isnull=True)
                | ~Q(reviewed_by=F("nominated_by")),
                name="pioneers_title_reviewer_not_nominator",
            ),
            models.CheckConstraint(
                condition=Q(publicity_ends_on__isnull=True)
                | Q(publicity_ends_on__gte=F("publicity_starts_on")),
                name="pioneers_title_publicity_dates",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"GRXFH{self.pk:06d}"


class TitleEvent(StepEvent):
    title = models.ForeignKey(Title, on_delete=models.CASCADE, related_name="events")


class Competition(models.Model):
    """A labour competition (劳动竞赛) organised by a union."""

    org = models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+"
    )  # the organiser
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=CompetitionKind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("labour competition")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="pioneers_competition_unique"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="pioneers_competition_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Entry(models.Model):
    """A team entered in a competition (a registered team, or named only) and its result."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="entries")
    org = models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+"
    )  # the competition's organiser
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    name = models.CharField(_("team"), max_length=100)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2, null=True, blank=True)
    award = models.CharField(_("award"), max_length=50, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("competition entry")
        ordering = ["rank", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "name"], name="pioneers_entry_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Alliance(models.Model):
    """An alliance (联盟) grouping the innovation studios of a city or an industry."""

    org = models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=AllianceKind.choices)
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("studio alliance")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="pioneers_alliance_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Studio(models.Model):
    """A 劳模和工匠人才创新工作室: its union, leader (a registry worker), level and year."""

    org = models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=StudioKind.choices)
    leader = models.ForeignKey(
        "people.Worker", verbose_name=_("leader"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("level"), max_length=12, choices=StudioLevel.choices)
    recognised_on = models.DateField(_("recognised on"))
    created_by = _staff()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("innovation studio")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="pioneers_studio_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class AllianceMembership(models.Model):
    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="memberships")
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="memberships")
    org = models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+"
    )  # the alliance's union
    joined_on = models.DateField(_("joined on"))

    class Meta:
        verbose_name = _("alliance membership")
        ordering = ["joined_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "studio"], name="pioneers_alliance_member_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.alliance_id}:{self.studio_id}"


class StudioMember(models.Model):
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="members")
    worker = models.ForeignKey("people.Worker", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=50, blank=True)
    joined_on = models.DateField(_("joined on"))

    class Meta:
        verbose_name = _("studio member")
        ordering = ["joined_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["studio", "worker"], name="pioneers_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.studio_id}:{self.worker_id}"


class Project(models.Model):
    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=12, choices=ProjectStatus.choices)

    class Meta:
        verbose_name = _("studio project")
        ordering = ["-year", "id"]

    def __str__(self) -> str:
        return self.title


class Result(models.Model):
    """A studio's result: a patent, an award, savings (创效节支, in fen) or another."""

    studio = models.ForeignKey(Studio, on_delete=models.CASCADE, related_name="results")
    org = models.ForeignKey(
        Org, verbose_name=_("union"), on_delete=models.PROTECT, related_name="+"
    )  # the studio's union (figures by union)
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.SET_NULL, related_name="results"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ResultKind.choices)
    title = models.CharField(_("title"), max_length=200)
    number = models.CharField(_("number"), max_length=50, blank=True)  # patent number
    achieved_on = models.DateField(_("date"))
    savings_fen = models.BigIntegerField(_("savings (fen)"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("studio result")
        ordering = ["-achieved_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(savings_fen__gte=0), name="pioneers_result_savings"),
        ]

    def __str__(self) -> str:
        return self.title
