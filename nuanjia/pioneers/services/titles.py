"""Teams and their 工人先锋号 titles: a grassroots union registers a team and nominates it;
a higher union reviews it (someone other than the nominator) and publicises it (公示), then
awards it at its own level or refuses it; the awarding level passes its annual review
(年度复核) or revokes it (撤销) with a reason."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.text import one_line, text_block
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import acts_for, staff_of
from nuanjia.people.models import Employer, Worker

from ..models import Team, Title
from ..rules import (
    LEVELS_BY_KIND,
    MAX_PUBLICITY_DAYS,
    NOMINATOR_ROLES,
    OPEN_STATUSES,
    AwardLevel,
    TitleStep,
)
from ..workflow import TITLE_FLOW
from .common import count, day, require_manager, year


def _grassroots(org: Org) -> None:
    if org.kind not in Org.GRASSROOTS_KINDS:
        raise RuleViolation(
            _("Teams are registered and nominated by a grassroots union."), field="org"
        )


def _employer(employer: Employer | None, org: Org) -> Employer | None:
    if employer is not None and (employer.union is None or not employer.union.is_within(org)):
        raise RuleViolation(_("Choose an employer of this union."), field="employer")
    return employer


def _leader(leader: Worker | None, org: Org) -> Worker | None:
    if leader is not None and not leader.org.is_within(org):
        raise RuleViolation(_("Choose a worker of this union."), field="leader")
    return leader


@transaction.atomic
def create_team(
    org: Org, *, name: str, by: Actor, employer: Employer | None = None, workplace: str = "",
    members_count: Any = 0, leader: Worker | None = None,
) -> Team:  # fmt: skip
    require_manager(by, org)
    _grassroots(org)
    name = one_line(name, "name", 100, required_message=_("Enter the team's name."))
    if Team.objects.filter(org=org, name=name).exists():
        raise RuleViolation(_("This union already has a team of this name."), field="name")
    team = Team.objects.create(
        org=org, name=name, employer=_employer(employer, org), leader=_leader(leader, org),
        workplace=one_line(workplace or (employer.name if employer else ""), "workplace", 120),
        members_count=count(members_count, "members_count", most=100_000),
        created_by=staff_of(by),
    )  # fmt: skip
    record_event(team, "pioneers.team_registered", by=by, changes={
        "name": team.name, "employer": team.employer_id, "members_count": team.members_count,
        "leader": team.leader_id,
    })  # fmt: skip
    return team


@transaction.atomic
def nominate(team: Team, *, by: Actor, year_nominated: Any = None, deeds: str = "") -> Title:
    """The team's grassroots union (a caseworker there) nominates it."""
    if not acts_for(by, team.org, NOMINATOR_ROLES) or staff_of(by).org_id != team.org_id:
        raise RuleViolation(
            _("Only a caseworker of the team's own union nominates it."), field="team",
            code="forbidden",
        )  # fmt: skip
    _grassroots(team.org)
    list(Team.objects.select_for_update().filter(pk=team.pk).values_list("pk"))
    if Title.objects.filter(team=team, status__in=OPEN_STATUSES).exists():
        raise RuleViolation(_("This team's nomination is already under way."), field="team")
    title = Title.objects.create(
        team=team, org=team.org, nominated_by=staff_of(by),
        year=year(year_nominated or timezone.localdate().year, "year"),
        deeds=text_block(deeds, "deeds", 500),
    )  # fmt: skip
    TITLE_FLOW.record(title, "nominate", "", by=by, changes={"team": team.pk, "year": title.year})
    return title


def _higher_union(title: Title, by: Actor | None) -> None:
    """The steps after the nomination are a higher union's: never the team's own."""
    staff = staff_of(by)
    if staff is not None and staff.org_id == title.org_id:
        raise RuleViolation(
            _("A union above the team's own reviews and awards the title."), code="forbidden"
        )


def _awarding_level(title: Title, by: Actor | None) -> None:
    """Annual reviews and revocations are for the awarding union or a union above it."""
    _higher_union(title, by)
    staff = staff_of(by)
    if (
        staff is not None
        and title.awarding_org
        and (staff.org is None or not title.awarding_org.is_within(staff.org))
    ):
        raise RuleViolation(
            _("Only the awarding union or a union above it may do this."), code="forbidden"
        )


@TITLE_FLOW.handler(TitleStep.REVIEW)
@transaction.atomic
def review(
    title: Title, *, by: Actor, publicity_starts_on: Any = None, publicity_ends_on: Any = None,
    note: str = "",
) -> Title:  # fmt: skip
    _higher_union(title, by)
    first = day(publicity_starts_on, "publicity_starts_on")
    last = day(publicity_ends_on, "publicity_ends_on")
    if last < first:
        raise RuleViolation(_("The publicity ends on or after its first day."),
                            field="publicity_ends_on")  # fmt: skip
    if (last - first).days + 1 > MAX_PUBLICITY_DAYS:
        raise RuleViolation(
            _("A publicity lasts at most %(days)d days.") % {"days": MAX_PUBLICITY_DAYS},
            field="publicity_ends_on",
        )
    with TITLE_FLOW.moving(title, TitleStep.REVIEW, by=by, note=note) as move:
        move.obj.publicity_starts_on, move.obj.publicity_ends_on = first, last
        move.changes["publicity"] = [first.isoformat(), last.isoformat()]
    return move.obj


def _check_award(title: Title, staff: Any, level: str) -> None:
    if title.publicity_ends_on and title.publicity_ends_on >= timezone.localdate():
        raise RuleViolation(
            _("The publicity runs until %(day)s: award the title after it ends.")
            % {"day": title.publicity_ends_on.isoformat()}, field="level",
        )  # fmt: skip
    allowed = LEVELS_BY_KIND.get(staff.org.kind, ()) if staff is not None else tuple(AwardLevel)
    if level not in allowed:
        raise RuleViolation(_("Your union does not award titles at this level."), field="level")


@TITLE_FLOW.handler(TitleStep.AWARD)
@transaction.atomic
def award(
    title: Title, *, by: Actor, level: str = "", award_year: Any = None,
    certificate_number: str = "", note: str = "",
) -> Title:  # fmt: skip
    _higher_union(title, by)
    staff = staff_of(by)
    _check_award(title, staff, str(level))
    number = one_line(certificate_number, "certificate_number", 50,
                      required_message=_("Enter the certificate number."))  # fmt: skip
    if Title.objects.filter(certificate_number=number).exclude(pk=title.pk).exists():
        raise RuleViolation(_("This certificate number is already recorded."),
                            field="certificate_number")  # fmt: skip
    awarded_year = year(award_year or timezone.localdate().year, "award_year")
    with TITLE_FLOW.moving(title, TitleStep.AWARD, by=by, note=note) as move:
        obj = move.obj
        obj.level, obj.award_year, obj.certificate_number = str(level), awarded_year, number
        obj.awarding_org = staff.org if staff is not None else None
        obj.awarded_at = timezone.now()
        move.changes.update({"level": obj.level, "award_year": awarded_year,
                             "certificate_number": number})  # fmt: skip
    return move.obj


@TITLE_FLOW.handler(TitleStep.REFUSE)
@transaction.atomic
def refuse(title: Title, *, by: Actor, reason: str = "", note: str = "") -> Title:
    _higher_union(title, by)
    with TITLE_FLOW.moving(title, TitleStep.REFUSE, by=by, note=reason or note) as move:
        move.obj.refusal_reason = move.note[:500]
    return move.obj


@TITLE_FLOW.handler(TitleStep.PASS_REVIEW)
@transaction.atomic
def pass_review(title: Title, *, by: Actor, review_year: Any = None, note: str = "") -> Title:
    _awarding_level(title, by)
    reviewed = year(review_year or timezone.localdate().year, "review_year")
    if title.award_year and reviewed <= title.award_year:
        raise RuleViolation(_("The annual review is for a year after the award."),
                            field="review_year")  # fmt: skip
    if title.last_review_year and reviewed <= title.last_review_year:
        raise RuleViolation(_("This year's review is already recorded."), field="review_year")
    with TITLE_FLOW.moving(title, TitleStep.PASS_REVIEW, by=by, note=note) as move:
        move.obj.last_review_year = reviewed
        move.changes["review_year"] = reviewed
    return move.obj


@TITLE_FLOW.handler(TitleStep.REVOKE)
@transaction.atomic
def revoke(title: Title, *, by: Actor, reason: str = "", note: str = "") -> Title:
    _awarding_level(title, by)
    with TITLE_FLOW.moving(title, TitleStep.REVOKE, by=by, note=reason or note) as move:
        move.obj.revocation_reason = move.note[:500]
        move.obj.revoked_at = timezone.now()
    return move.obj


def review_due(title: Title, today: datetime.date | None = None) -> bool:
    """Whether an awarded title waits for this year's annual review."""
    this_year = (today or timezone.localdate()).year
    return bool(
        title.award_year and title.award_year < this_year
        and (title.last_review_year or 0) < this_year
    )  # fmt: skip
