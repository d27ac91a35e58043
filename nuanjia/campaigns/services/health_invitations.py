"""Invitations to book a free health check (体检邀约), texted in priority order: people on the
activity's approved lists in a union's subtree with no check recorded anywhere come first
(priority 1: no check done in any health-check activity, no imported check record), the
others after them (2), each group by registry number. A worker with a member account also
finds the invitation in their messages. Round 2 is the one re-invite after a missed day."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.members.models import Member
from nuanjia.members.services.messages import notify, text_phone
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of
from nuanjia.people.models import Worker

from ..models import Activity, Booking, HealthCheckRecord, Invitation
from ..rules import ActivityKind, BookingStatus, RosterStatus
from .common import require_open, require_planner, require_taking_part
from .health_checks import require_health_check

MAX_INVITATIONS = 5_000  # texts sent in one go
INVITATION_TOPIC = "health_check_invitation"
INVITATION_TEXT = gettext_noop(
    "%(union)s invites you to a free health check (%(activity)s). Book a hospital and a day "
    "on the Nuanjia member pages, or ask your union."
)
REINVITE_TEXT = gettext_noop(
    "You missed your free health check (%(activity)s). Choose a new day on the Nuanjia member "
    "pages or ask your union; a second missed day gives the place to someone else."
)


def checked_before() -> Q:
    """Workers (of a Worker queryset) with a check recorded: a check done in any
    health-check activity, or a check record imported from a hospital's list."""
    done = Booking.objects.filter(
        worker=OuterRef("pk"), activity__kind=ActivityKind.HEALTH_CHECK, status=BookingStatus.DONE
    )
    recorded = HealthCheckRecord.objects.filter(worker=OuterRef("pk"))
    return Q(Exists(done)) | Q(Exists(recorded))


def invitable(activity: Activity, org: Org) -> QuerySet[Worker]:
    """Who would be invited next in `org`'s subtree, in order, with their `priority`: on an
    approved list, reachable by text, no place held and no first-round invitation."""
    live = Booking.objects.filter(activity=activity, worker=OuterRef("pk")).exclude(
        status=BookingStatus.CANCELLED
    )
    invited = Invitation.objects.filter(activity=activity, worker=OuterRef("pk"), round=1)
    account = Member.objects.filter(worker=OuterRef("pk"), closed_at=None)
    listed = activity.enrolments.filter(
        roster__status=RosterStatus.APPROVED, org__path__startswith=org.path
    ).values("worker_id")
    return (
        Worker.objects.filter(pk__in=listed)
        .filter(~Q(phone_encrypted="") | Q(Exists(account)))
        .exclude(Exists(live))
        .exclude(Exists(invited))
        .annotate(
            priority=Case(
                When(checked_before(), then=Value(2)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("priority", "pk")
    )


def _limit(value: Any) -> int:
    try:
        limit = int(str(value))
    except (TypeError, ValueError):
        limit = 0
    if not 1 <= limit <= MAX_INVITATIONS:
        raise RuleViolation(
            _("Send between 1 and %(max)d invitations at a time.") % {"max": MAX_INVITATIONS},
            field="limit",
        )
    return limit


def _text(worker: Worker, text: str) -> str:
    """Text the worker (their member account's phone first) and return the masked number."""
    member = Member.objects.filter(worker=worker, closed_at=None).first()
    if member is not None:
        notify(member, INVITATION_TOPIC, text)
        return member.phone_masked
    text_phone(worker.phone, text, topic=INVITATION_TOPIC)
    return worker.phone_masked


@transaction.atomic
def send_invitations(activity: Activity, org: Org, *, limit: Any, by: Actor) -> list[Invitation]:
    """Invite the next `limit` people of `org`'s subtree (see `invitable`) by text."""
    require_health_check(activity)
    require_open(activity.campaign)
    require_planner(by, org)
    require_taking_part(activity, org)
    count = _limit(limit)
    # One sender of an activity at a time: two sends never pick the same people.
    Activity.objects.select_for_update().filter(pk=activity.pk).first()
    text = _(INVITATION_TEXT) % {"union": org.name, "activity": activity.name}
    now = timezone.now()
    sent = []
    for worker in invitable(activity, org)[:count]:
        sent.append(
            Invitation.objects.create(
                activity=activity,
                org=org,
                worker=worker,
                priority=worker.priority,  # type: ignore[attr-defined]
                round=1,
                texted_to=_text(worker, text),
                sent_by=staff_of(by),
                sent_at=now,
            )
        )
    record_event(
        activity,
        "campaigns.check_invitations_sent",
        by=by,
        org=org,
        changes={
            "org": org.code,
            "asked": count,
            "sent": len(sent),
            "priority_1": sum(1 for row in sent if row.priority == 1),
        },
    )
    return sent


def reinvite(booking: Booking, *, by: Actor | None) -> Invitation | None:
    """The one round-2 invitation after a missed first day (in the caller's transaction)."""
    if Invitation.objects.filter(
        activity_id=booking.activity_id, worker_id=booking.worker_id, round=2
    ).exists():
        return None
    first = (
        Invitation.objects.filter(
            activity_id=booking.activity_id, worker_id=booking.worker_id, round=1
        )
        .values_list("priority", flat=True)
        .first()
    )
    priority = first or (
        2 if Worker.objects.filter(pk=booking.worker_id).filter(checked_before()).exists() else 1
    )
    worker = Worker.objects.get(pk=booking.worker_id)
    activity = Activity.objects.get(pk=booking.activity_id)
    return Invitation.objects.create(
        activity=activity,
        org=booking.org,
        worker=worker,
        priority=priority,
        round=2,
        texted_to=_text(worker, _(REINVITE_TEXT) % {"activity": activity.name})
        if (worker.phone_encrypted or Member.objects.filter(worker=worker, closed_at=None).exists())
        else "",
        booking=booking,
        sent_by=staff_of(by) if by is not None else None,
        sent_at=timezone.now(),
    )
