"""Reads of the pioneers app, every one scoped to the viewer's subtree (orgs.queries): a
county sees its subtree's teams and nominations, a grassroots union only its own."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from nuanjia.core.actors import Actor
from nuanjia.core.lists import ListSpec, Sort
from nuanjia.orgs.queries import get_scoped_or_404, scope

from .models import Alliance, Competition, Entry, Studio, Team, Title

NEWEST = {"newest": Sort(("-id",), _("Newest first"))}
TEAM_LIST = ListSpec("pioneers.teams", NEWEST)
TITLE_LIST = ListSpec("pioneers.titles", NEWEST)
COMPETITION_LIST = ListSpec("pioneers.competitions", NEWEST)
STUDIO_LIST = ListSpec("pioneers.studios", NEWEST)
ALLIANCE_LIST = ListSpec("pioneers.alliances", NEWEST)


def visible_teams(user: Actor) -> QuerySet[Team]:
    return scope(Team.objects.select_related("org", "employer", "leader"), user)


def get_team_for(user: Actor, pk: Any, *, write: bool = False) -> Team:
    return get_scoped_or_404(visible_teams(user), user, write=write, pk=pk)


def visible_titles(user: Actor) -> QuerySet[Title]:
    return scope(Title.objects.select_related("team", "org", "awarding_org"), user)


def get_title_for(user: Actor, pk: Any, *, write: bool = False) -> Title:
    return get_scoped_or_404(visible_titles(user), user, write=write, pk=pk)


def visible_competitions(user: Actor) -> QuerySet[Competition]:
    return scope(Competition.objects.select_related("org"), user)


def get_competition_for(user: Actor, pk: Any, *, write: bool = False) -> Competition:
    return get_scoped_or_404(visible_competitions(user), user, write=write, pk=pk)


def visible_entries(user: Actor) -> QuerySet[Entry]:
    return scope(Entry.objects.select_related("competition", "team"), user)


def get_entry_for(user: Actor, pk: Any, *, write: bool = False) -> Entry:
    return get_scoped_or_404(visible_entries(user), user, write=write, pk=pk)


def visible_studios(user: Actor) -> QuerySet[Studio]:
    return scope(Studio.objects.select_related("org", "leader"), user)


def get_studio_for(user: Actor, pk: Any, *, write: bool = False) -> Studio:
    return get_scoped_or_404(visible_studios(user), user, write=write, pk=pk)


def visible_alliances(user: Actor) -> QuerySet[Alliance]:
    return scope(Alliance.objects.select_related("org"), user)


def get_alliance_for(user: Actor, pk: Any, *, write: bool = False) -> Alliance:
    return get_scoped_or_404(visible_alliances(user), user, write=write, pk=pk)
