"""Sessions (calls and chats), their sealed notes, high-risk follow-ups and escalation.

A high-risk session alerts the line's supervisor at once (their to-do, `todo.py`), records
whether 110 or 120 were called, and is due to be followed up within the line's hours. The
scheduler's chore `escalate_overdue` hands an overdue one to the supervisor of a line of the
parent union (its to-do), once. The notes are sealed with core.crypto and opened only for
the counsellor who logged the session and a supervisor of the line (or the escalation's)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core import crypto
from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.text import text_block
from nuanjia.orgs.permissions import acts_for, staff_of

from ..models import Helper, Line, Session
from ..rules import SUPERVISOR_ROLES, Channel, Risk
from .common import aware

NOTES_MAX = 500  # minimal notes (最少必要)


def _may_log(by: Actor, helper: Helper) -> bool:
    return (helper.staff_id is not None and helper.staff_id == by.pk) or acts_for(
        by, helper.org, frozenset({"caseworker", "approver"})
    )


@transaction.atomic
def log_session(
    helper: Helper, *, by: Actor, channel: str, started_at: Any, minutes: Any, risk: str,
    notes: str = "", police_called: bool = False, ambulance_called: bool = False,
) -> Session:  # fmt: skip
    if not _may_log(by, helper):
        raise RuleViolation(
            _("Only the counsellor or a caseworker of the line logs its sessions."),
            field="helper", code="forbidden",
        )  # fmt: skip
    if channel not in Channel.values:
        raise RuleViolation(_("Choose call or chat."), field="channel")
    if risk not in Risk.values:
        raise RuleViolation(_("Choose the risk level."), field="risk")
    start = aware(started_at, "started_at")
    if start > timezone.now() + datetime.timedelta(minutes=5):
        raise RuleViolation(_("The session cannot start in the future."), field="started_at")
    try:
        length = int(minutes)
    except (TypeError, ValueError):
        length = -1
    if not 0 <= length <= 24 * 60:
        raise RuleViolation(_("Enter the minutes, from 0 to 1440."), field="minutes")
    text = text_block(notes, "notes", NOTES_MAX)
    line = helper.line
    high = risk == Risk.HIGH
    session = Session.objects.create(
        line=line, org=helper.org, helper=helper, channel=channel, started_at=start,
        minutes=length, risk=risk, notes_encrypted=crypto.encrypt(text) if text else "",
        police_called=bool(police_called) and high, ambulance_called=bool(ambulance_called) and high,
        follow_up_due_at=start + datetime.timedelta(hours=line.follow_up_hours) if high else None,
        recorded_by=staff_of(by),
    )  # fmt: skip
    record_event(session, "counselling.session_logged", by=by, changes={
        "line": line.pk, "helper": helper.pk, "channel": channel, "risk": risk,
        "minutes": length, "police_called": session.police_called,
        "ambulance_called": session.ambulance_called, "notes": "sealed" if text else "",
    })  # fmt: skip
    return session


def may_read_notes(viewer: Actor | None, session: Session) -> bool:
    """The counsellor who logged it (their staff account) and a supervisor: the line's own,
    or the one the session was escalated to."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return False
    people = {session.helper.staff_id, session.line.supervisor_id, session.escalated_to_id}
    return viewer.pk in people - {None}


def notes_for(viewer: Actor | None, session: Session) -> str | None:
    """The notes in clear for the counsellor or a supervisor (the reading audited); None
    for anyone else."""
    if not may_read_notes(viewer, session):
        return None
    if not session.notes_encrypted:
        return ""
    record_event(session, "counselling.notes_read", by=viewer)
    return crypto.decrypt(session.notes_encrypted)


@transaction.atomic
def follow_up(session: Session, *, by: Actor, note: str = "") -> Session:
    session = (
        Session.objects.select_for_update(of=("self",)).select_related("line").get(pk=session.pk)
    )
    if session.risk != Risk.HIGH:
        raise RuleViolation(_("Only a high-risk session is followed up."), field="session")
    if session.followed_up_at is not None:
        raise RuleViolation(_("This session has been followed up."), field="session")
    if not (may_read_notes(by, session) or acts_for(by, session.org, SUPERVISOR_ROLES)):
        raise RuleViolation(
            _("Only the counsellor or a supervisor follows up a session."),
            field="session", code="forbidden",
        )  # fmt: skip
    session.followed_up_at = timezone.now()
    session.followed_up_by = staff_of(by)
    session.save(update_fields=["followed_up_at", "followed_up_by", "updated_at"])
    assert session.follow_up_due_at is not None
    record_event(session, "counselling.followed_up", by=by, changes={
        "on_time": session.followed_up_at <= session.follow_up_due_at,
        "note": text_block(note, "note", 200)[:200],
    })  # fmt: skip
    return session


def parent_supervisor(line: Line) -> Any:
    """The supervisor of an active line of the nearest union above the line's union."""
    org = line.org.parent
    while org is not None:
        found = (
            Line.objects.filter(org=org, is_active=True, supervisor__isnull=False)
            .order_by("pk")
            .first()
        )
        if found is not None:
            return found.supervisor
        org = org.parent
    return None


def escalate_overdue(now: datetime.datetime | None = None) -> int:
    """Hand every high-risk session past its follow-up time, not followed up and not yet
    escalated, to the parent union's supervisor; returns how many. Idempotent."""
    moment = now or timezone.now()
    overdue = Session.objects.filter(
        risk=Risk.HIGH, followed_up_at__isnull=True, escalated_at__isnull=True,
        follow_up_due_at__lt=moment,
    ).select_related("line__org__parent")  # fmt: skip
    done = 0
    for session in overdue.iterator(chunk_size=200):
        with transaction.atomic():
            locked = Session.objects.select_for_update().filter(
                pk=session.pk, escalated_at__isnull=True, followed_up_at__isnull=True
            )
            if not locked.exists():
                continue
            supervisor = parent_supervisor(session.line)
            locked.update(escalated_at=moment, escalated_to=supervisor, updated_at=moment)
            record_event(session, "counselling.escalated", by=None, actor_label="scheduler",
                         changes={"escalated_to": supervisor.pk if supervisor else None})  # fmt: skip
            done += 1
    return done
