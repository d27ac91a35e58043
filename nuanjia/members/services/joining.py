"""Joining the union online (入会): the member applies; the county's approver decides a join
to the holding pool, the workplace union's staff a join to a named union. The member number
(people.membership) and the electronic card come with acceptance."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from nuanjia.core.actors import Actor
from nuanjia.core.errors import RuleViolation
from nuanjia.core.idnumbers import age_on
from nuanjia.core.text import one_line
from nuanjia.orgs.models import Org
from nuanjia.people import services as people
from nuanjia.people.models import OccupationTag

from ..models import Join, Member
from ..workflow import JOIN_FLOW, JoinStep
from .identity import county_of_residence, holding_pool
from .messages import tell

MINIMUM_AGE = 16


def _workplace_union(union_id: Any, county: Org) -> Org:
    union = Org.objects.filter(pk=union_id, is_active=True).first() if union_id else None
    if (
        union is None
        or not union.is_grassroots
        or union.kind == Org.Kind.HOLDING_POOL
        or not union.is_within(county)
    ):
        raise RuleViolation(_("Choose a union of the county where you live."), field="union")
    return union


def _check_applicant(member: Member, *, moving: bool = False) -> None:
    worker = member.worker
    if worker is None:
        raise RuleViolation(_("First tell us who you are."), field="name", code="unbound")
    if worker.is_member and not moving:
        raise RuleViolation(
            _(
                "You are already a member of %(union)s. To move to another union, ask to move your membership."
            )
            % {"union": worker.union},
            code="already_member",
        )
    if moving and not worker.is_member:
        raise RuleViolation(_("You are not a member yet: apply to join."), code="not_member")
    if worker.birth_date and age_on(worker.birth_date, timezone.localdate()) < MINIMUM_AGE:
        raise RuleViolation(_("You can join the union from the age of 16."), code="too_young")
    if Join.objects.filter(member=member, status__in=Join.WAITING).exists():
        raise RuleViolation(_("Your application is being decided."), code="open_join")


@transaction.atomic
def apply_to_join(
    member: Member,
    *,
    occupation: Any,
    employer_name: str,
    region_code: str,
    address: str = "",
    union: Any = None,
    move: bool = False,
) -> Join:
    """Apply to join (入会), or with `move`, ask to move a membership to another union
    (会员关系转接): the member stays a member of their union until the new one accepts."""
    member = (
        Member.objects.select_for_update(of=("self",)).select_related("worker").get(pk=member.pk)
    )
    _check_applicant(member, moving=move)
    worker = member.worker
    assert worker is not None  # _check_applicant refuses an unbound account
    tag = (
        OccupationTag.objects.filter(pk=occupation, is_active=True).first() if occupation else None
    )
    if tag is None:
        raise RuleViolation(_("Choose your occupation."), field="occupation")
    employer = one_line(employer_name, "employer_name", 120,
                        required_message=_("Enter your platform or employer."))  # fmt: skip
    county = county_of_residence(region_code)
    target = _workplace_union(union, county) if union else holding_pool(county)
    if move and target.pk == worker.union_id:
        raise RuleViolation(_("You are already a member of this union."), field="union")
    join = Join.objects.create(
        moving_from=worker.union if move else None,
        member=member,
        worker=worker,
        org=target,
        county=county,
        occupation=tag,
        employer_name=employer,
        region_code=county.region_code,
        address=one_line(address, "address", 200),
        status=Join.Status.UNION_REVIEW if union else Join.Status.POOL_REVIEW,
    )
    JOIN_FLOW.record(join, "join_submitted", "", by=None, actor_label=member.actor_label)
    return join


@transaction.atomic
def withdraw_join(member: Member, join: Join) -> Join:
    join = Join.objects.select_for_update().get(pk=join.pk, member=member)
    if not join.is_open:
        raise RuleViolation(_("This application is already decided."), code="decided")
    source = join.status
    join.status = Join.Status.WITHDRAWN
    join.save(update_fields=["status", "updated_at"])
    JOIN_FLOW.record(join, "join_withdrawn", source, by=None, actor_label=member.actor_label)
    return join


@JOIN_FLOW.handler(JoinStep.ACCEPT)
@transaction.atomic
def accept_join(join: Join, *, by: Actor, note: str = "", **_fields: Any) -> Join:
    with JOIN_FLOW.moving(join, JoinStep.ACCEPT, by=by, note=note) as move:
        join = move.obj
        today = timezone.localdate()
        people.admit_to_union(join.worker, union=join.org, on=today, occupation=join.occupation,
                              by=by, moving_from=join.moving_from)  # fmt: skip
        join.decided_at = timezone.now()
        move.changes["member_number"] = join.worker.member_number
        tell(join.member, "join_accepted", union=join.org, number=join.worker.member_number)
    return join


@JOIN_FLOW.handler(JoinStep.REFUSE)
@transaction.atomic
def refuse_join(join: Join, *, by: Actor, note: str = "", **_fields: Any) -> Join:
    with JOIN_FLOW.moving(join, JoinStep.REFUSE, by=by, note=note) as move:
        move.obj.decided_at = timezone.now()
        tell(move.obj.member, "join_refused", union=move.obj.org, reason=move.note)
    return move.obj
