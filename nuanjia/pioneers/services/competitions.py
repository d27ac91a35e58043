"""Labour competitions (劳动竞赛): set up by an organiser union, teams entered (registered
teams of its subtree, or named only), and their results (rank, score, award) one by one or
from the results sheet (imports_results)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.text import one_line
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of

from ..models import Competition, Entry, Team
from ..rules import CompetitionKind
from .common import day, require_manager

MAX_SCORE = Decimal("999999.99")


@transaction.atomic
def create_competition(
    org: Org, *, name: str, kind: str, starts_on: Any, ends_on: Any, by: Actor
) -> Competition:
    require_manager(by, org)
    name = one_line(name, "name", 100, required_message=_("Enter the competition's name."))
    if kind not in CompetitionKind.values:
        raise RuleViolation(_("Choose a kind."), field="kind")
    first, last = day(starts_on, "starts_on"), day(ends_on, "ends_on")
    if last < first:
        raise RuleViolation(_("The competition ends on or after its first day."), field="ends_on")
    if Competition.objects.filter(org=org, name=name).exists():
        raise RuleViolation(_("This union already has a competition of this name."), field="name")
    competition = Competition.objects.create(
        org=org, name=name, kind=kind, starts_on=first, ends_on=last, created_by=staff_of(by)
    )
    record_event(competition, "pioneers.competition_created", by=by, changes={
        "name": name, "kind": kind, "starts_on": first.isoformat(), "ends_on": last.isoformat(),
    })  # fmt: skip
    return competition


def _score(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        score = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        score = Decimal(-1)
    if not Decimal(0) <= score <= MAX_SCORE:
        raise RuleViolation(_("Enter a score from 0 to 999999.99."), field="score")
    return score


def _rank(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        rank = int(value)
    except (TypeError, ValueError):
        rank = 0
    if not 1 <= rank <= 100_000:
        raise RuleViolation(_("A rank is a whole number from 1."), field="rank")
    return rank


@transaction.atomic
def enter_team(
    competition: Competition, *, by: Actor, team: Team | None = None, name: str = "",
    audit: bool = True,
) -> Entry:  # fmt: skip
    """Enter a registered team of the organiser's subtree, or a team named only."""
    require_manager(by, competition.org)
    if team is not None and not team.org.is_within(competition.org):
        raise RuleViolation(_("Choose a team of the organiser's unions."), field="team")
    label = team.name if team is not None else name
    label = one_line(label, "name", 100, required_message=_("Enter the team's name."))
    if competition.entries.filter(name=label).exists():
        raise RuleViolation(_("This team is already entered."), field="name")
    entry = Entry.objects.create(competition=competition, org=competition.org, team=team,
                                 name=label)  # fmt: skip
    if audit:
        record_event(entry, "pioneers.team_entered", by=by, changes={
            "competition": competition.pk, "team": entry.team_id, "name": label,
        })  # fmt: skip
    return entry


@transaction.atomic
def record_result(
    entry: Entry, *, by: Actor, rank: Any = None, score: Any = None, award: str = "",
    audit: bool = True,
) -> Entry:  # fmt: skip
    require_manager(by, entry.org)
    before = [entry.rank, str(entry.score) if entry.score is not None else None, entry.award]
    entry.rank, entry.score = _rank(rank), _score(score)
    entry.award = one_line(award, "award", 50)
    entry.save(update_fields=["rank", "score", "award", "updated_at"])
    if audit:
        record_event(entry, "pioneers.result_recorded", by=by, changes={
            "result": [before, [entry.rank, str(entry.score) if entry.score else None,
                                entry.award]],
        })  # fmt: skip
    return entry
