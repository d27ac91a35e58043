"""Matches (撮合) and their outcomes: proposed by the corner's staff or by the worker on the
phone; the worker's consent (on the phone, or recorded by staff) opens the worker's contact
to the employer (`contact_for_employer`); started, completed with the days worked, no-show,
cancelled through MATCH_FLOW."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.orgs.permissions import staff_of

from ..models import GigWorker, JobPost, Match
from ..rules import MatchStatus, MatchStep, PostStatus
from ..workflow import MATCH_FLOW
from .common import require_manager, whole


def _check_pair(post: JobPost, gig: GigWorker) -> None:
    if post.status != PostStatus.OPEN:
        raise RuleViolation(_("This post is closed."), field="post")
    if not gig.is_active:
        raise RuleViolation(_("This gig worker is no longer active."), field="gig_worker")
    if gig.available_until < post.starts_on or gig.available_from > post.ends_on:
        raise RuleViolation(_("The worker is not available on the post's days."),
                            field="gig_worker")  # fmt: skip
    taken = post.matches.exclude(status__in=[MatchStatus.CANCELLED, MatchStatus.DECLINED,
                                             MatchStatus.NO_SHOW]).count()  # fmt: skip
    if taken >= post.workers_wanted:
        raise RuleViolation(_("The post has all the workers it wants."), field="post")


def _create(post: JobPost, gig: GigWorker, **fields: Any) -> Match:
    try:
        with transaction.atomic():
            return Match.objects.create(post=post, gig_worker=gig, corner=post.corner,
                                        org=post.org, **fields)  # fmt: skip
    except IntegrityError:
        raise RuleViolation(_("This worker is already matched to this post."),
                            field="gig_worker") from None  # fmt: skip


@transaction.atomic
def propose_match(post: JobPost, gig: GigWorker, *, by: Actor) -> Match:
    """The corner's staff propose a match: it waits for the worker's consent."""
    require_manager(by, post.org)
    post = JobPost.objects.select_for_update().get(pk=post.pk)
    _check_pair(post, gig)
    match = _create(post, gig, proposed_by=staff_of(by))
    MATCH_FLOW.record(match, "propose", "", by=by, changes={"post": post.pk, "gig_worker": gig.pk})
    return match


@transaction.atomic
def member_apply(member: Any, post: JobPost) -> Match:
    """A member signed up as a gig worker asks for a job on the phone: proposing it is their
    consent, recorded at once."""
    gig = GigWorker.objects.filter(member=member).first()
    if gig is None:
        raise RuleViolation(_("Sign up as a gig worker first."), field="gig_worker")
    post = JobPost.objects.select_for_update().get(pk=post.pk)
    _check_pair(post, gig)
    match = _create(post, gig, status=MatchStatus.CONSENTED, consented_at=timezone.now())
    label = f"member {member.pk}"
    MATCH_FLOW.record(match, "propose", "", by=None, actor_label=label,
                      changes={"post": post.pk, "gig_worker": gig.pk, "consent": True})  # fmt: skip
    return match


def _member_match(member: Any, match: Match) -> Match:
    match = MATCH_FLOW.lock(match)
    if match.gig_worker.member_id != member.pk:
        raise RuleViolation(_("This is not your match."), field="match")
    if match.status != MatchStatus.PROPOSED:
        raise RuleViolation(_("This match no longer waits for your answer."), field="match")
    return match


@transaction.atomic
def member_consent(member: Any, match: Match) -> Match:
    """The worker agrees on the phone: from now the employer sees their contact."""
    match = _member_match(member, match)
    match.status, match.consented_at = MatchStatus.CONSENTED, timezone.now()
    match.save(update_fields=["status", "consented_at", "updated_at"])
    MATCH_FLOW.record(match, MatchStep.CONSENT, MatchStatus.PROPOSED, by=None,
                      actor_label=f"member {member.pk}", changes={"on": "phone"})  # fmt: skip
    return match


@transaction.atomic
def member_decline(member: Any, match: Match) -> Match:
    match = _member_match(member, match)
    match.status = MatchStatus.DECLINED
    match.save(update_fields=["status", "updated_at"])
    MATCH_FLOW.record(match, MatchStep.DECLINE, MatchStatus.PROPOSED, by=None,
                      actor_label=f"member {member.pk}", changes={"on": "phone"})  # fmt: skip
    return match


@MATCH_FLOW.handler(MatchStep.CONSENT)
@transaction.atomic
def record_consent(match: Match, *, by: Actor, note: str = "") -> Match:
    """The worker consented in person or by phone to the corner's staff."""
    with MATCH_FLOW.moving(match, MatchStep.CONSENT, by=by, note=note) as move:
        move.obj.consented_at = timezone.now()
        move.changes["on"] = "staff"
    return move.obj


@MATCH_FLOW.handler(MatchStep.START)
@transaction.atomic
def start_match(match: Match, *, by: Actor, note: str = "") -> Match:
    with MATCH_FLOW.moving(match, MatchStep.START, by=by, note=note) as move:
        move.obj.started_on = timezone.localdate()
    return move.obj


@MATCH_FLOW.handler(MatchStep.COMPLETE)
@transaction.atomic
def complete_match(match: Match, *, by: Actor, days_worked: Any = None, note: str = "") -> Match:
    with MATCH_FLOW.moving(match, MatchStep.COMPLETE, by=by, note=note) as move:
        post = move.obj.post
        most = (post.ends_on - post.starts_on).days + 1
        days = whole(days_worked, "days_worked", 1, most,
                     _("Enter the days worked, from 1 to %(most)d.") % {"most": most})  # fmt: skip
        move.obj.days_worked = days
        move.obj.completed_on = timezone.localdate()
        move.changes["days_worked"] = days
    return move.obj


def contact_for_employer(match: Match, *, partner: Any = None, by: Actor | None = None) -> str:
    """The worker's phone in clear for the employer of the post (its partner account) once
    the worker consented, the reading audited; "" before the consent or for anyone else."""
    if not match.contact_visible:
        return ""
    if partner is None or match.post.partner_id != partner.pk:
        return ""
    record_event(match, "gigjobs.contact_read", by=by, actor_label=f"partner {partner.pk}")
    return str(match.gig_worker.phone)


def contact_masked(match: Match) -> str:
    """The worker's phone masked for the staff's pages, lists and exports, once consented."""
    return match.gig_worker.phone_masked if match.contact_visible else ""
