"""Reads of the psychological-help app, every one scoped to the viewer's subtree
(orgs.queries). Session lists never select the notes column."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from nuanjia.core.actors import Actor
from nuanjia.orgs.queries import get_scoped_or_404, scope

from .models import Event, Helper, Line, Session, Shift, Swap
from .rules import Risk


def visible_lines(user: Actor) -> QuerySet[Line]:
    return scope(Line.objects.select_related("org", "supervisor"), user)


def get_line_for(user: Actor, pk: Any, *, write: bool = False) -> Line:
    return get_scoped_or_404(visible_lines(user), user, write=write, pk=pk)


def visible_helpers(user: Actor) -> QuerySet[Helper]:
    return scope(Helper.objects.select_related("line", "org"), user)


def get_helper_for(user: Actor, pk: Any, *, write: bool = False) -> Helper:
    return get_scoped_or_404(visible_helpers(user), user, write=write, pk=pk)


def visible_shifts(user: Actor) -> QuerySet[Shift]:
    return scope(Shift.objects.select_related("line", "helper"), user)


def get_shift_for(user: Actor, pk: Any, *, write: bool = False) -> Shift:
    return get_scoped_or_404(visible_shifts(user), user, write=write, pk=pk)


def visible_swaps(user: Actor) -> QuerySet[Swap]:
    return scope(Swap.objects.select_related("shift__line", "taker", "giver"), user)


def get_swap_for(user: Actor, pk: Any, *, write: bool = False) -> Swap:
    return get_scoped_or_404(visible_swaps(user), user, write=write, pk=pk)


def visible_sessions(user: Actor) -> QuerySet[Session]:
    """Sessions in scope, without the sealed notes column."""
    rows = Session.objects.defer("notes_encrypted").select_related("line", "helper")
    return scope(rows, user)


def get_session_for(user: Actor, pk: Any, *, write: bool = False) -> Session:
    rows = scope(Session.objects.select_related("line", "helper", "org"), user)
    return get_scoped_or_404(rows, user, write=write, pk=pk)


def visible_events(user: Actor) -> QuerySet[Event]:
    return scope(Event.objects.select_related("org"), user)


def get_event_for(user: Actor, pk: Any, *, write: bool = False) -> Event:
    return get_scoped_or_404(visible_events(user), user, write=write, pk=pk)


def supervised_lines(user: Actor) -> QuerySet[Line]:
    return visible_lines(user).filter(supervisor_id=user.pk, is_active=True)


def waiting_follow_ups(user: Actor) -> QuerySet[Session]:
    """High-risk sessions not followed up, on the supervisor's lines or escalated to them.
    An escalated session reaches the parent union's supervisor even though it is below."""
    if not getattr(user, "is_authenticated", False):
        return Session.objects.none()
    mine = Q(line__supervisor_id=user.pk) | Q(escalated_to_id=user.pk)
    return visible_sessions(user).filter(mine, risk=Risk.HIGH, followed_up_at__isnull=True)


# ---- a volunteer signed in on /p/ -------------------------------------------------------------


def helper_of(partner_user: Any) -> Helper | None:
    return Helper.objects.select_related("line").filter(account=partner_user).first()
