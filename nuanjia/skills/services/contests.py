"""Skill contests (技能比武/技能竞赛) with their entrants, scores and awards, and craftsman
academies (工匠学院) with their teachers and training bases."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.text import one_line
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of
from nuanjia.people.models import Worker

from ..models import Academy, Base, Contest, Entrant, Teacher
from .common import on, require_manager, require_worker_of, score, whole


@transaction.atomic
def create_contest(
    org: Org, *, name: str, trade: str, held_on: Any, by: Actor, place: str = ""
) -> Contest:
    require_manager(by, org)
    contest = Contest.objects.create(
        org=org, held_on=on(held_on, "held_on"), created_by=staff_of(by),
        name=one_line(name, "name", 100, required_message=_("Enter the contest's name.")),
        trade=one_line(trade, "trade", 50, required_message=_("Enter the trade.")),
        place=one_line(place, "place", 100),
    )  # fmt: skip
    record_event(contest, "skills.contest_created", by=by, changes={
        "name": contest.name, "trade": contest.trade, "held_on": str(contest.held_on),
    })  # fmt: skip
    return contest


@transaction.atomic
def add_entrant(contest: Contest, worker: Worker, *, by: Actor) -> Entrant:
    require_manager(by, contest.org)
    require_worker_of(contest.org, worker)
    if Entrant.objects.filter(contest=contest, worker=worker).exists():
        raise RuleViolation(_("This worker is entered already."), field="worker")
    try:
        with transaction.atomic():
            entrant = Entrant.objects.create(contest=contest, org=contest.org, worker=worker)
    except IntegrityError:
        raise RuleViolation(_("This worker is entered already."), field="worker") from None
    record_event(entrant, "skills.entrant_added", by=by, org=contest.org,
                 changes={"contest": contest.pk, "worker": worker.pk})  # fmt: skip
    return entrant


@transaction.atomic
def record_result(
    entrant: Entrant, *, by: Actor, score_value: Any = None, rank: Any = None, prize: str = ""
) -> Entrant:
    """An entrant's score, rank and award (一等奖, 技术能手…); a rank is held by one entrant."""
    entrant = (
        Entrant.objects.select_for_update(of=("self", "contest"))
        .select_related("contest__org")
        .get(pk=entrant.pk)
    )
    require_manager(by, entrant.contest.org)
    before = {"score": str(entrant.score or ""), "rank": entrant.rank, "prize": entrant.prize}
    entrant.score = score(score_value)
    entrant.rank = None if rank in (None, "") else whole(rank, "rank", 1, 100_000)
    entrant.prize = one_line(prize, "prize", 50)
    taken = Entrant.objects.filter(contest_id=entrant.contest_id, rank=entrant.rank)
    if entrant.rank is not None and taken.exclude(pk=entrant.pk).exists():
        raise RuleViolation(_("Another entrant holds this rank."), field="rank")
    entrant.save(update_fields=["score", "rank", "prize"])
    after = {"score": str(entrant.score or ""), "rank": entrant.rank, "prize": entrant.prize}
    record_event(entrant, "skills.result_recorded", by=by, org=entrant.contest.org, changes={
        key: [before[key], after[key]] for key in after if before[key] != after[key]
    })  # fmt: skip
    return entrant


@transaction.atomic
def create_academy(org: Org, *, name: str, by: Actor, place: str = "") -> Academy:
    require_manager(by, org)
    clean = one_line(name, "name", 100, required_message=_("Enter the academy's name."))
    if Academy.objects.filter(org=org, name=clean).exists():
        raise RuleViolation(_("This union already has an academy of this name."), field="name")
    academy = Academy.objects.create(
        org=org, name=clean, place=one_line(place, "place", 100), created_by=staff_of(by)
    )
    record_event(academy, "skills.academy_created", by=by, changes={"name": clean})
    return academy


@transaction.atomic
def add_teacher(
    academy: Academy, *, trade: str, by: Actor, name: str = "", title: str = "",
    worker: Worker | None = None,
) -> Teacher:  # fmt: skip
    """A teacher: a registry worker of the academy's union (their name taken from the
    registry) or a named expert from elsewhere."""
    require_manager(by, academy.org)
    if worker is not None:
        require_worker_of(academy.org, worker)
        name = worker.name
    teacher = Teacher.objects.create(
        academy=academy, worker=worker,
        name=one_line(name, "name", 50, required_message=_("Enter the person's name.")),
        trade=one_line(trade, "trade", 50, required_message=_("Enter the trade.")),
        title=one_line(title, "title", 50),
    )  # fmt: skip
    record_event(academy, "skills.teacher_added", by=by, changes={
        "teacher": teacher.pk, "worker": worker.pk if worker else None, "trade": teacher.trade,
    })  # fmt: skip
    return teacher


@transaction.atomic
def add_base(academy: Academy, *, name: str, by: Actor, place: str = "", trade: str = "") -> Base:
    require_manager(by, academy.org)
    base = Base.objects.create(
        academy=academy,
        name=one_line(name, "name", 100, required_message=_("Enter the base's name.")),
        place=one_line(place, "place", 100), trade=one_line(trade, "trade", 50),
    )  # fmt: skip
    record_event(academy, "skills.base_added", by=by, changes={"base": base.pk, "name": base.name})
    return base
