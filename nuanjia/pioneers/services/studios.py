"""Innovation studios (劳模和工匠人才创新工作室): a studio of a union led by a registry
worker (ideally one with a 劳模 or 工匠 honour), its members, projects and results (patents,
awards, savings in fen), and the alliances (联盟) grouping the studios of a city or industry."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.text import one_line
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of
from nuanjia.people.models import Worker

from ..models import Alliance, AllianceMembership, Project, Result, Studio, StudioMember
from ..rules import AllianceKind, ProjectStatus, ResultKind, StudioKind, StudioLevel
from .common import count, day, require_manager, year

MAX_SAVINGS_FEN = 10**14


def _choice(value: Any, choices: Any, field: str) -> str:
    if value not in choices.values:
        raise RuleViolation(_("Choose a kind."), field=field)
    return str(value)


def _worker_of(worker: Worker | None, org: Org, field: str) -> Worker:
    if worker is None or not worker.org.is_within(org):
        raise RuleViolation(_("Choose a worker of this union."), field=field)
    return worker


@transaction.atomic
def create_studio(
    org: Org, *, name: str, kind: str, leader: Worker | None, level: str, recognised_on: Any,
    by: Actor,
) -> Studio:  # fmt: skip
    require_manager(by, org)
    name = one_line(name, "name", 100, required_message=_("Enter the studio's name."))
    if Studio.objects.filter(org=org, name=name).exists():
        raise RuleViolation(_("This union already has a studio of this name."), field="name")
    studio = Studio.objects.create(
        org=org, name=name, kind=_choice(kind, StudioKind, "kind"),
        leader=_worker_of(leader, org, "leader"), level=_choice(level, StudioLevel, "level"),
        recognised_on=day(recognised_on, "recognised_on"), created_by=staff_of(by),
    )  # fmt: skip
    record_event(studio, "pioneers.studio_created", by=by, changes={
        "name": name, "kind": studio.kind, "leader": studio.leader_id, "level": studio.level,
        "recognised_on": studio.recognised_on.isoformat(),
    })  # fmt: skip
    return studio


@transaction.atomic
def add_member(
    studio: Studio, *, worker: Worker | None, by: Actor, role: str = "", joined_on: Any = None
) -> StudioMember:
    require_manager(by, studio.org)
    worker = _worker_of(worker, studio.org, "worker")
    if studio.members.filter(worker=worker).exists():
        raise RuleViolation(_("This worker is already a member."), field="worker")
    member = StudioMember.objects.create(
        studio=studio, worker=worker, role=one_line(role, "role", 50),
        joined_on=day(joined_on or timezone.localdate(), "joined_on"),
    )  # fmt: skip
    record_event(studio, "pioneers.member_added", by=by, changes={
        "worker": worker.pk, "role": member.role,
    })  # fmt: skip
    return member


@transaction.atomic
def add_project(
    studio: Studio, *, title: str, year_started: Any, status: str, by: Actor
) -> Project:
    require_manager(by, studio.org)
    project = Project.objects.create(
        studio=studio, title=one_line(title, "title", 200,
                                      required_message=_("Enter the title.")),
        year=year(year_started, "year_started"), status=_choice(status, ProjectStatus, "status"),
    )  # fmt: skip
    record_event(studio, "pioneers.project_added", by=by, changes={
        "project": project.pk, "title": project.title, "year": project.year,
        "status": project.status,
    })  # fmt: skip
    return project


@transaction.atomic
def add_result(
    studio: Studio, *, kind: str, title: str, achieved_on: Any, by: Actor, number: str = "",
    savings_fen: Any = 0, project: Project | None = None,
) -> Result:  # fmt: skip
    require_manager(by, studio.org)
    if project is not None and project.studio_id != studio.pk:
        raise RuleViolation(_("Choose a project of this studio."), field="project")
    result = Result.objects.create(
        studio=studio, org=studio.org, project=project, kind=_choice(kind, ResultKind, "kind"),
        title=one_line(title, "title", 200, required_message=_("Enter the title.")),
        number=one_line(number, "number", 50), achieved_on=day(achieved_on, "achieved_on"),
        savings_fen=count(savings_fen or 0, "savings_fen", most=MAX_SAVINGS_FEN),
    )  # fmt: skip
    record_event(studio, "pioneers.result_added", by=by, changes={
        "result": result.pk, "kind": result.kind, "title": result.title,
        "savings_fen": result.savings_fen,
    })  # fmt: skip
    return result


@transaction.atomic
def create_alliance(org: Org, *, name: str, kind: str, by: Actor) -> Alliance:
    require_manager(by, org)
    name = one_line(name, "name", 100, required_message=_("Enter the alliance's name."))
    if Alliance.objects.filter(org=org, name=name).exists():
        raise RuleViolation(_("This union already has an alliance of this name."), field="name")
    alliance = Alliance.objects.create(
        org=org, name=name, kind=_choice(kind, AllianceKind, "kind"), created_by=staff_of(by)
    )
    record_event(alliance, "pioneers.alliance_created", by=by, changes={"name": name,
                                                                        "kind": kind})  # fmt: skip
    return alliance


@transaction.atomic
def join_alliance(
    alliance: Alliance, studio: Studio, *, by: Actor, joined_on: Any = None
) -> AllianceMembership:
    """A studio of the alliance's subtree joins it."""
    require_manager(by, alliance.org)
    if not studio.org.is_within(alliance.org):
        raise RuleViolation(_("Choose a studio of the alliance's unions."), field="studio")
    if alliance.memberships.filter(studio=studio).exists():
        raise RuleViolation(_("This studio is already in the alliance."), field="studio")
    membership = AllianceMembership.objects.create(
        alliance=alliance, studio=studio, org=alliance.org,
        joined_on=day(joined_on or timezone.localdate(), "joined_on"),
    )  # fmt: skip
    record_event(alliance, "pioneers.studio_joined", by=by, changes={"studio": studio.pk})
    return membership
