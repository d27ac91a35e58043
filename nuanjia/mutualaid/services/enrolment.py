"""Enrolment (参保): one worker at a time or many (imports_enrolment), contributions received
and passed up to the pool in the same posting, renewals carried over, cancellations with
their refund.

Cover starts on the later of the term's start and the day the contribution was paid in full;
the waiting period runs from there, except on a continuous renewal (paid in full before the
old term's end plus the plan's grace days)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from nuanjia.core import clock
from nuanjia.core.actors import Actor
from nuanjia.core.audit import record_event
from nuanjia.core.errors import RuleViolation
from nuanjia.funds import services as funds
from nuanjia.funds.models import Bucket
from nuanjia.orgs.models import Org
from nuanjia.orgs.permissions import staff_of
from nuanjia.people.models import Worker

from ..models import Contribution, Enrolment, Plan, PlanVersion
from ..rules import (
    COOLING_OFF_DAYS,
    SOURCE_CONTRIBUTION,
    SOURCE_REFUND,
    EnrolmentStatus,
    Payer,
    term_end,
    waiting_end,
)
from .common import age_on, city_code_of, pool_account, require_role, version_on


def check_age(version: PlanVersion, worker: Worker, day: datetime.date) -> None:
    age = age_on(worker.birth_date, day)
    if age is not None and not version.min_age <= age <= version.max_age:
        raise RuleViolation(
            _("Aged %(age)d on %(day)s: the plan takes members aged %(low)d to %(high)d.")
            % {"age": age, "day": day, "low": version.min_age, "high": version.max_age},
            field="worker",
            code="age",
        )


def overlapping(
    plan: Plan, worker: Worker, starts_on: datetime.date, ends_on: datetime.date
) -> bool:
    return (
        Enrolment.objects.filter(
            plan=plan, worker=worker, starts_on__lte=ends_on, ends_on__gte=starts_on
        )
        .exclude(status=EnrolmentStatus.CANCELLED)
        .exists()
    )


@transaction.atomic
def enrol(
    plan: Plan, worker: Worker, *, org: Org, starts_on: datetime.date, by: Actor | None
) -> Enrolment:
    """One worker into the plan for one term from `starts_on`, by their union `org`."""
    require_role(by, org)
    if not (worker.org.path.startswith(org.path) or worker.union_id == org.pk):
        raise RuleViolation(_("The worker is not of this union."), field="worker")
    version = version_on(plan, starts_on)
    check_age(version, worker, starts_on)
    ends_on = term_end(starts_on, version.term_months)
    if overlapping(plan, worker, starts_on, ends_on):
        raise RuleViolation(
            _("%(name)s is already enrolled in %(plan)s for part of this term.")
            % {"name": worker.name, "plan": plan},
            field="worker",
            code="already_enrolled",
        )
    enrolment = Enrolment.objects.create(
        plan=plan, version=version, worker=worker, org=org, city_code=city_code_of(org),
        starts_on=starts_on, ends_on=ends_on, contribution_fen=version.contribution_fen,
        created_by=staff_of(by),
    )  # fmt: skip
    record_event(
        enrolment, "mutualaid.enrolled", by=by, org=org,
        changes={"plan": plan.code, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
    )  # fmt: skip
    return enrolment


def post_contributions(plan: Plan, org: Org, amount_fen: int, source_id: str, memo: str) -> None:
    """Money received by the enrolling union passes up to the pool in the same posting: the
    union's account takes it in and passes it on, the pool's account keeps it."""
    union_account = funds.account_for(org, plan.earmark)
    pool = pool_account(plan)
    legs = [funds.Leg(None, Bucket.EXTERNAL, -amount_fen, counterparty="互助保障缴费")]
    if union_account.pk != pool.pk:
        legs += [
            funds.Leg(union_account, Bucket.AVAILABLE, amount_fen),
            funds.Leg(union_account, Bucket.AVAILABLE, -amount_fen),
        ]
    legs.append(funds.Leg(pool, Bucket.AVAILABLE, amount_fen))
    funds.post_many(
        [
            funds.Posting(
                kind=funds.Kind.RECEIVE, org=org, earmark=plan.earmark, amount_fen=amount_fen,
                legs=legs, counterpart_org=plan.pool_org if org.pk != plan.pool_org_id else None,
                memo=memo[:200], source_type=SOURCE_CONTRIBUTION, source_id=source_id,
            )
        ],
        by=None,
    )  # fmt: skip


def settle_cover(enrolment: Enrolment, paid_on: datetime.date) -> None:
    """Paid in full on `paid_on`: cover, waiting period and continuity are set."""
    enrolment.paid_in_full_on = paid_on
    enrolment.cover_starts_on = max(enrolment.starts_on, paid_on)
    previous = enrolment.renews
    enrolment.is_continuous = bool(
        previous is not None
        and previous.status == EnrolmentStatus.ACTIVE
        and paid_on <= previous.ends_on + datetime.timedelta(days=enrolment.plan.grace_days)
    )
    enrolment.waiting_ends_on = (
        None
        if enrolment.is_continuous
        else waiting_end(enrolment.cover_starts_on, enrolment.version.waiting_days)
    )
    enrolment.status = EnrolmentStatus.ACTIVE


@transaction.atomic
def pay(
    enrolment: Enrolment,
    amount_fen: int,
    *,
    paid_on: datetime.date,
    payer: str = Payer.UNION,
    by: Actor | None,
) -> Enrolment:
    """Record money received for the enrolment; paid in full, its cover starts."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("plan", "version", "org")
        .get(pk=enrolment.pk)
    )
    require_role(by, enrolment.org)
    if payer not in Payer.values:
        raise RuleViolation(_("Say who paid."), field="payer")
    if enrolment.status == EnrolmentStatus.CANCELLED:
        raise RuleViolation(_("The enrolment is cancelled."), field="amount", code="cancelled")
    left = enrolment.contribution_fen - enrolment.paid_fen
    if type(amount_fen) is not int or not 0 < amount_fen <= left:
        raise RuleViolation(
            _("Enter an amount from 0.01 to the %(left)s yuan still owed.") % {"left": left / 100},
            field="amount",
        )
    if paid_on > clock.today():
        raise RuleViolation(_("The payment date cannot be in the future."), field="paid_on")
    if paid_on > enrolment.ends_on:
        raise RuleViolation(_("The term ended before this payment."), field="paid_on")
    Contribution.objects.create(
        enrolment=enrolment, payer=payer, amount_fen=amount_fen, paid_on=paid_on,
        created_by=staff_of(by),
    )  # fmt: skip
    enrolment.paid_fen += amount_fen
    if enrolment.paid_fen == enrolment.contribution_fen:
        settle_cover(enrolment, paid_on)
    enrolment.save()
    post_contributions(enrolment.plan, enrolment.org, amount_fen, str(enrolment.pk), str(enrolment))
    record_event(
        enrolment, "mutualaid.contribution", by=by, org=enrolment.org,
        changes={"amount_fen": amount_fen, "payer": payer, "paid_on": paid_on.isoformat(),
                 "cover_starts_on": str(enrolment.cover_starts_on or "")},
    )  # fmt: skip
    return enrolment


@transaction.atomic
def renew(plan: Plan, org: Org, *, ending_by: datetime.date, by: Actor | None) -> list[Enrolment]:
    """Carry the union's covered members whose term ends by `ending_by` into the next term
    (unpaid until their contribution arrives); those renewed already are left alone."""
    require_role(by, org)
    old = list(
        Enrolment.objects.select_related("worker")
        .filter(plan=plan, org=org, status=EnrolmentStatus.ACTIVE, ends_on__lte=ending_by)
        .filter(renewal__isnull=True)
        .order_by("pk")
    )
    made = []
    for previous in old:
        starts_on = previous.ends_on + datetime.timedelta(days=1)
        version = version_on(plan, starts_on)
        made.append(
            Enrolment(
                plan=plan, version=version, worker=previous.worker, org=org,
                city_code=previous.city_code, starts_on=starts_on,
                ends_on=term_end(starts_on, version.term_months),
                contribution_fen=version.contribution_fen, renews=previous,
                created_by=staff_of(by),
            )
        )  # fmt: skip
    Enrolment.objects.bulk_create(made, batch_size=1000)
    record_event(
        plan, "mutualaid.renewed", by=by, org=org,
        changes={"count": len(made), "ending_by": ending_by.isoformat()},
    )  # fmt: skip
    return made


def refund_due(enrolment: Enrolment, on: datetime.date) -> int:
    """The rules: all of it before cover starts, or within the cooling-off days after it when
    no claim was made; nothing after."""
    if enrolment.status != EnrolmentStatus.ACTIVE or enrolment.cover_starts_on is None:
        return enrolment.paid_fen
    if enrolment.claims.exists():
        return 0
    if on < enrolment.cover_starts_on + datetime.timedelta(days=COOLING_OFF_DAYS):
        return enrolment.paid_fen
    return 0


@transaction.atomic
def cancel(enrolment: Enrolment, *, on: datetime.date, reason: str, by: Actor | None) -> Enrolment:
    """Cancel the enrolment; the refund due (refund_due) leaves the pool's account."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("plan", "org")
        .get(pk=enrolment.pk)
    )
    require_role(by, enrolment.org)
    if enrolment.status == EnrolmentStatus.CANCELLED:
        raise RuleViolation(_("The enrolment is cancelled already."), code="cancelled")
    if not (reason or "").strip():
        raise RuleViolation(_("Say why the enrolment is cancelled."), field="reason")
    refund = refund_due(enrolment, on)
    if refund:
        account = pool_account(enrolment.plan)
        if account.available_fen < refund:
            raise RuleViolation(
                _("The pool has too little available to refund %(amount)s yuan; try later.")
                % {"amount": refund / 100},
                code="insufficient_funds",
            )
        posting = {
            "by": None,
            "source_type": SOURCE_REFUND,
            "source_id": str(enrolment.pk),
            "memo": str(enrolment),
        }
        funds.reserve(account, refund, **posting)  # type: ignore[arg-type]
        funds.spend(account, refund, **posting)  # type: ignore[arg-type]
    enrolment.status = EnrolmentStatus.CANCELLED
    enrolment.cancelled_on = on
    enrolment.refund_fen = refund
    enrolment.save()
    record_event(
        enrolment, "mutualaid.cancelled", by=by, org=enrolment.org,
        changes={"refund_fen": refund, "reason": reason.strip()[:200]},
    )  # fmt: skip
    return enrolment


def enrolment_on(plan: Plan, worker: Worker, day: datetime.date) -> Enrolment | None:
    """The worker's enrolment whose term holds `day`, else their latest one before it."""
    live = Enrolment.objects.filter(plan=plan, worker=worker).exclude(
        status=EnrolmentStatus.CANCELLED
    )
    found = live.filter(starts_on__lte=day, ends_on__gte=day).first()
    return found or live.filter(starts_on__lte=day).order_by("-starts_on").first()


def covered(enrolments: Sequence[Enrolment]) -> int:
    return sum(1 for e in enrolments if e.status == EnrolmentStatus.ACTIVE)
