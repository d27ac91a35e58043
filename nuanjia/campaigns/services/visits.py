"""慰问: a union visits a named worker in an activity with cash, goods or both.

Cash is a relief grant of the activity's grant type, proposed here and then reviewed,
approved and paid through relief's own steps and payment batches: relief's caps (送温暖 ≤ 3000
元 per occasion, ≤ 6000 元 per person and year), its province-wide duplicate warning and its
maker-checker apply across campaigns and grants. Goods come out of the union's stock.
The same 慰问 is once per person; a visit by another union or in another activity of the
campaign is a warning kept on the visit, not a refusal."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from nuanjia.core import clock
from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.core.text import one_line
from nuanjia.core.workflow import access
from nuanjia.funds.models import Earmark
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of
from nuanjia.people.models import Worker
from nuanjia.relief import services as relief
from nuanjia.relief.rules import Status as GrantStatus
from nuanjia.relief.rules import Step as GrantStep
from nuanjia.relief.workflow import FLOW as GRANT_FLOW

from ..models import Activity, GoodsItem, Visit
from ..rules import ActivityKind, RosterStatus, VisitStatus
from .common import require_open, require_planner, require_taking_part
from .goods import hand_out, return_handout


def _earmark_for(activity: Activity) -> Earmark | None:
    """The grant type's default earmark when the campaign may spend it, else the first of
    the campaign's earmarks the type may use (None: relief's default applies)."""
    grant_type = activity.grant_type
    allowed = list(activity.campaign.earmarks.all())
    if grant_type is None or not allowed:
        return None
    if grant_type.default_earmark in allowed:
        return grant_type.default_earmark
    usable = [earmark for earmark in allowed if grant_type.may_use(earmark)]
    if not usable:
        raise RuleViolation(
            _("The campaign may not spend any earmark a %(type)s grant is paid from.")
            % {"type": grant_type},
            field="cash_fen",
        )
    return usable[0]


def other_help(activity: Activity, worker: Worker, org: Org) -> list[str]:
    """Province-wide: the other visits of this person in the campaign (by any union), named
    with the union and the date — what the visiting union is warned of."""
    others = (
        Visit.objects.filter(
            activity__campaign_id=activity.campaign_id, worker=worker, status=VisitStatus.DONE
        )
        .exclude(activity=activity, org=org)
        .select_related("org", "activity")
    )
    return [
        str(
            _("Already visited by %(union)s on %(day)s (%(activity)s).")
            % {
                "union": visit.org.name,
                "day": visit.visited_on.isoformat(),
                "activity": visit.activity.name,
            }
        )
        for visit in others
    ]


def _not_listed(activity: Activity, worker: Worker) -> list[str]:
    listed = activity.enrolments.filter(
        worker=worker, roster__status=RosterStatus.APPROVED
    ).exists()
    has_lists = activity.rosters.filter(status=RosterStatus.APPROVED).exists()
    return [str(_("Not on an approved list of this activity."))] if has_lists and not listed else []


def _check_visit(activity: Activity, worker: Worker, org: Org, by: Actor) -> None:
    if activity.kind != ActivityKind.VISIT:
        raise RuleViolation(_("Visits are recorded in a warmth-visit activity."), field="activity")
    require_open(activity.campaign)
    require_planner(by, org)
    require_taking_part(activity, org)
    if not access().in_scope(by, worker.org):
        raise PermissionDenied
    if Visit.objects.filter(activity=activity, worker=worker, status=VisitStatus.DONE).exists():
        raise RuleViolation(
            _("This person has already been visited in this activity."), field="worker"
        )


def _propose_cash(visit: Visit, cash_fen: int, *, by: Actor) -> None:
    activity = visit.activity
    if activity.grant_type is None:
        raise RuleViolation(_("This activity pays no cash."), field="cash_fen")
    try:
        grant = relief.propose_grant(
            visit.worker,
            grant_type=activity.grant_type,
            amount_fen=cash_fen,
            reason=f"{activity.campaign.name} · {activity.name}",
            by=by,
            org=visit.org,
            earmark=_earmark_for(activity),
        )
    except RuleViolation as refused:  # the grant's amount is the visit's cash
        field = "cash_fen" if refused.field in ("amount", "amount_fen") else refused.field
        raise RuleViolation(refused.message, field=field, code=refused.code) from None
    visit.grant = grant
    visit.save(update_fields=["grant"])


@transaction.atomic
def record_visit(
    activity: Activity,
    worker: Worker,
    org: Org,
    *,
    by: Actor,
    cash_fen: int | None = None,
    goods: Sequence[tuple[GoodsItem, int]] = (),
    visited_on: datetime.date | None = None,
    note: str = "",
) -> Visit:
    """A 慰问 of `worker` by `org`: the cash proposed as a grant (its caps refuse too much,
    nothing is recorded then), the goods handed out from `org`'s stock."""
    _check_visit(activity, worker, org, by)
    if not cash_fen and not goods:
        raise RuleViolation(_("Give cash, goods or both."), field="cash_fen")
    visited_on = visited_on or clock.today()
    if visited_on > clock.today():
        raise RuleViolation(_("The visit date is in the future."), field="visited_on")
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                activity=activity,
                org=org,
                worker=worker,
                visited_on=visited_on,
                note=one_line(note, "note", 200),
                warnings=other_help(activity, worker, org) + _not_listed(activity, worker),
                recorded_by=staff_of(by),
            )
    except IntegrityError:  # the same person recorded at the same moment elsewhere
        raise RuleViolation(
            _("This person has already been visited in this activity."), field="worker"
        ) from None
    if cash_fen:
        _propose_cash(visit, cash_fen, by=by)
    for item, quantity in goods:
        hand_out(activity, org, item, quantity, by=by, worker=worker, visit=visit)
    record_event(
        visit,
        "campaigns.visit_recorded",
        by=by,
        org=org,
        changes={
            "activity": activity.pk,
            "worker": worker.pk,
            "cash_fen": cash_fen or 0,
            "grant": visit.grant_id,
            "goods": {str(item.pk): quantity for item, quantity in goods},
            **({"warnings": visit.warnings} if visit.warnings else {}),
        },
    )
    return visit


@transaction.atomic
def cancel_visit(visit: Visit, *, by: Actor, reason: str) -> Visit:
    """Undo a visit recorded in error: its goods go back to stock and its grant is cancelled
    (refused once the grant is paid or in a bank batch: relief's rules)."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    require_planner(by, visit.org)
    reason = one_line(reason, "reason", 200, required_message=_("Say why the visit is cancelled."))
    if visit.status != VisitStatus.DONE:
        raise RuleViolation(_("The visit is already cancelled."), field="status")
    grant = visit.grant
    if grant is not None and grant.status not in (GrantStatus.CANCELLED, GrantStatus.REJECTED):
        GRANT_FLOW.take_step(grant, GrantStep.CANCEL, by=by, reason=reason)
    for handout in visit.handouts.filter(returned=False):
        return_handout(handout, by=by, reason=reason)
    visit.status = VisitStatus.CANCELLED
    visit.save(update_fields=["status"])
    record_event(
        visit,
        "campaigns.visit_cancelled",
        by=by,
        org=visit.org,
        changes={"activity": visit.activity_id, "worker": visit.worker_id, "reason": reason},
    )
    return visit
